import ArgumentParser
import CustomsRisk
import Foundation

/// `--data` and `--schema` plus the bad-row policy, shared by every command that reads declarations.
struct DeclarationInput: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Declarations CSV file (header row, UTF-8).", valueName: "file"))
    var data: String

    @Option(name: .long, help: ArgumentHelp(
        "Schema JSON giving each column a role (see Docs/DataFormat.md). Default: the model's schema, "
            + "or FILE.schema.json beside the data.", valueName: "file"))
    var schema: String?

    @Option(name: .customLong("on-bad-row"), help: ArgumentHelp(
        "What to do with a malformed row: fail (stop at the first, the default) or skip (report each and go on).",
        valueName: "fail|skip"))
    var onBadRow: DeclarationReadOptions.BadRowPolicy = .fail

    var dataURL: URL { URL(fileURLWithPath: data) }

    /// The schema file: `--schema`, else `<data without .csv>.schema.json` when it exists.
    func schemaURL() throws -> URL {
        if let schema { return URL(fileURLWithPath: schema) }
        let guess = URL(fileURLWithPath: data.hasSuffix(".csv") ? String(data.dropLast(4)) + ".schema.json"
                                                                 : data + ".schema.json")
        guard FileManager.default.fileExists(atPath: guess.path) else {
            throw ValidationError("no --schema given and \(guess.path) does not exist. Pass --schema FILE "
                                  + "(`riskctl schema infer --data \(data)` prints a first guess).")
        }
        return guess
    }

    /// Reads the declarations with `schema` (or the schema file), reporting skipped rows on stderr.
    func read(schema given: DeclarationSchema? = nil, requireLabel: Bool) throws -> DeclarationReadResult {
        let schema = try given ?? DeclarationSchema.load(contentsOf: schemaURL())
        let result = try DeclarationReader.read(contentsOf: dataURL, schema: schema,
                                                options: readOptions(requireLabel: requireLabel))
        reportRejected(result.rejected)
        return result
    }

    /// The read options of `--on-bad-row` and `requireLabel`.
    func readOptions(requireLabel: Bool) -> DeclarationReadOptions {
        var options = DeclarationReadOptions()
        options.badRowPolicy = onBadRow
        options.requireLabel = requireLabel
        return options
    }

    /// Lists skipped rows on stderr (the first ten).
    func reportRejected(_ rejected: [RejectedRow]) {
        guard !rejected.isEmpty else { return }
        printError("warning: skipped \(rejected.count) malformed row(s) of \(dataURL.lastPathComponent):")
        for row in rejected.prefix(10) { printError("  \(row.message)") }
        if rejected.count > 10 { printError("  … and \(rejected.count - 10) more") }
    }
}

extension DeclarationReadOptions.BadRowPolicy: ExpressibleByArgument {}

/// `--threads`.
///
/// The option has no declared default, so `--help` reads the same on every machine (a default of
/// `ParallelLoop.processorCount` would print "(default: 2)" here and "(default: 64)" elsewhere).
struct ThreadOptions: ParsableArguments {
    @Option(name: .customLong("threads"),
            help: ArgumentHelp("Worker threads (results do not depend on it). Default: all cores.", valueName: "n"))
    var requestedThreads: Int?

    /// `--threads`, or every core when it is not given.
    var threads: Int { requestedThreads ?? ParallelLoop.processorCount }

    func validate() throws {
        guard threads >= 1, threads <= 1024 else {
            throw ValidationError("--threads is \(threads); expected 1 to 1024.")
        }
    }
}

/// `--model FILE` of a trained bundle.
struct ModelInput: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Model bundle written by `riskctl train`.", valueName: "file"))
    var model: String

    func load() throws -> ModelBundle {
        try ModelBundle.load(contentsOf: URL(fileURLWithPath: model))
    }
}

/// Refuses to write an output over an input file.
func checkNotOverwritingInput(output: URL, inputs: [URL]) throws {
    for input in inputs where AtomicFile.sameFile(output, input) {
        throw ValidationError("the output \(output.path) is the input file \(input.path); refusing to overwrite "
                              + "what you gave. Choose another --out.")
    }
}

/// Checks an output path before any work is done (a usage error, exit code 2): it is none of
/// `inputs` (data, schema, model), it exists only with `force`, it is not a symbolic link, FIFO or
/// device (`AtomicFile` never replaces those), and its directory exists and is writable.
func checkOutput(_ path: String, inputs: [URL], force: Bool) throws {
    let url = URL(fileURLWithPath: path)
    try checkNotOverwritingInput(output: url, inputs: inputs)
    do {
        try AtomicFile.checkDestination(url, overwrite: force)
    } catch let error as RiskDataError where error.code == .fileExists {
        throw ValidationError("\(path) already exists; pass --force to replace it.")
    } catch let error as RiskDataError {
        throw ValidationError(error.message)
    }
}

/// JSON with sorted keys, one line.
func jsonLine<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}

/// A number formatted with `digits` decimals.
func format(_ value: Double, _ digits: Int = 4) -> String {
    String(format: "%.\(digits)f", value)
}

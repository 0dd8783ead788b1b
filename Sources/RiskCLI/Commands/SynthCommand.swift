import ArgumentParser
import CustomsRisk
import Foundation

/// `riskctl synth`: writes seeded synthetic declarations and their schema.
struct SynthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Generate synthetic import declarations with planted fraud, and their schema.",
        discussion: "The same --rows and --seed always give the same bytes. Mechanisms: Docs/SyntheticData.md."
    )

    @Option(name: .long, help: "Number of declarations to generate.")
    var rows: Int

    @Option(name: .long, help: "Random seed.")
    var seed: UInt64 = 42

    @Option(name: .long, help: "Output CSV file.")
    var out: String

    @Option(name: .customLong("schema-out"), help: "Output schema file (default: --out with .csv replaced by .schema.json).")
    var schemaOut: String?

    @Flag(name: .long, help: "Replace existing output files.")
    var force = false

    @Option(name: .customLong("inspection-policy"), help: ArgumentHelp(
        "Write a selected history: labels only on the rows this policy inspected, plus inspected, "
            + "selection_probability and true_illicit columns (Docs/Feedback.md).", valueName: "random|rules"))
    var inspectionPolicy: InspectionPolicy?

    @Option(name: .customLong("inspection-rate"), help: ArgumentHelp(
        "Mean share of declarations the policy inspects (with --inspection-policy).", valueName: "share"))
    var inspectionRate: Double = 0.1

    @Option(name: .customLong("drift-from"), help: ArgumentHelp(
        "Plant a new fraud scheme from this day of 2025: new importers, a chapter and a route that were clean "
            + "before (Docs/SyntheticData.md).", valueName: "YYYY-MM-DD"))
    var driftFrom: String?

    /// `--drift-from` as days since 1970-01-01.
    func driftDay() throws -> Int32? {
        guard let driftFrom else { return nil }
        guard let day = Array(driftFrom.utf8).withUnsafeBufferPointer({ ValueParsers.parseDate($0) }) else {
            throw ValidationError("--drift-from is \"\(driftFrom)\"; expected a date as YYYY-MM-DD.")
        }
        let first = Int32(ValueParsers.daysFromCivil(year: 2025, month: 1, day: 1))
        guard day > first, day <= first + 364 else {
            throw ValidationError("--drift-from is \(driftFrom); the generated declarations run over 2025, so expected a "
                                  + "day from 2025-01-02 to 2025-12-31.")
        }
        return day
    }

    func validate() throws {
        _ = try driftDay()
        guard rows >= 0 else { throw ValidationError("--rows must be 0 or more; got \(rows).") }
        guard inspectionRate > 0, inspectionRate <= 1 else {
            throw ValidationError("--inspection-rate is \(inspectionRate); expected a share in (0, 1].")
        }
    }

    /// The schema path used when `--schema-out` is not given.
    static func defaultSchemaPath(for csvPath: String) -> String {
        csvPath.hasSuffix(".csv") ? String(csvPath.dropLast(4)) + ".schema.json" : csvPath + ".schema.json"
    }

    func run() throws {
        let schemaPath = schemaOut ?? Self.defaultSchemaPath(for: out)
        try checkOutput(out, inputs: [], force: force)
        try checkOutput(schemaPath, inputs: [URL(fileURLWithPath: out)], force: force)
        try DeclarationCommandSupport.reportingFailures {
            let generator = SyntheticDeclarations(rowCount: rows, seed: seed, driftFrom: try driftDay())
            if let inspectionPolicy {
                let bytes = try generator.selectedHistoryBytes(policy: inspectionPolicy, rate: inspectionRate)
                try AtomicFile.write(Data(bytes), to: URL(fileURLWithPath: out), overwrite: force)
                try SyntheticDeclarations.selectedHistorySchema.write(to: URL(fileURLWithPath: schemaPath), overwrite: force)
                print("wrote \(rows) declarations (a history selected by the \(inspectionPolicy.rawValue) policy, "
                      + "mean inspection rate \(inspectionRate)) to \(out) and the schema to \(schemaPath)")
                return
            }
            try generator.write(to: URL(fileURLWithPath: out), schemaURL: URL(fileURLWithPath: schemaPath),
                                overwrite: force)
            print("wrote \(rows) declarations to \(out) and the schema to \(schemaPath)"
                  + (driftFrom.map { " (a new fraud scheme from \($0))" } ?? ""))
        }
    }
}

extension InspectionPolicy: ExpressibleByArgument {}

/// Shared behaviour of the declaration commands: `error: …` on stderr and exit code 1.
enum DeclarationCommandSupport {
    /// Runs `body`; a thrown `DeclarationError` (or other non-ArgumentParser error) is printed as
    /// `error: <message>` on stderr and turned into exit code 1.
    static func reportingFailures(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as DeclarationError {
            printError(error.message)
            throw ExitCode.failure
        } catch let error as ExitCode {
            throw error
        } catch {
            printError("\(error)")
            throw ExitCode.failure
        }
    }

    static func printError(_ message: String) {
        FileHandle.standardError.write(Data("error: \(CommandFailure.oneLine(message))\n".utf8))
    }
}

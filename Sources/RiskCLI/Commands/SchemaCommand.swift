import ArgumentParser
import CustomsRisk
import Foundation

/// `riskctl schema`: infer and check declaration schemas.
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Infer or check the schema that gives each CSV column a role.",
        subcommands: [Infer.self, Check.self]
    )

    /// `riskctl schema infer --data FILE.csv`
    struct Infer: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a best-guess schema JSON for a CSV file, from header names and sampled values.",
            discussion: "Review the guess before training: roles decide how each column is used."
        )

        @Option(name: .long, help: "The CSV file.")
        var data: String

        @Option(name: .customLong("sample-rows"), help: "Rows to sample for value sniffing.")
        var sampleRows: Int = 20_000

        func run() throws {
            try DeclarationCommandSupport.reportingFailures {
                let guess = try SchemaInference.infer(contentsOf: URL(fileURLWithPath: data), sampleRowCount: sampleRows)
                for leak in guess.leakingColumns { printError("warning: \(leak.message)") }
                FileHandle.standardOutput.write(try guess.schema.jsonData())
            }
        }
    }

    /// `riskctl schema check --data FILE --schema FILE`
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read every row of a CSV through a schema; print the row count, label rate and rejected rows."
        )

        @Option(name: .long, help: "The CSV file.")
        var data: String

        @Option(name: .long, help: "The schema JSON file.")
        var schema: String

        @Option(name: .customLong("show-rejected"), help: "How many rejected rows to list.")
        var showRejected: Int = 20

        func run() throws {
            try DeclarationCommandSupport.reportingFailures {
                let schemaValue = try DeclarationSchema.load(contentsOf: URL(fileURLWithPath: schema))
                let result = try DeclarationReader.read(contentsOf: URL(fileURLWithPath: data), schema: schemaValue,
                                                        options: .init(badRowPolicy: .skip, requireLabel: false))
                let table = result.table
                print("rows: \(table.rowCount)")
                if let labels = table.labels {
                    let known = labels.filter { !$0.isNaN }
                    let positives = known.filter { $0 == 1 }.count
                    let rate = known.isEmpty ? 0 : Double(positives) / Double(known.count)
                    print("label rate: \(String(format: "%.4f", rate)) (\(positives) of \(known.count))")
                } else {
                    print("label rate: no label column")
                }
                print("rejected rows: \(result.rejected.count)")
                for rejected in result.rejected.prefix(showRejected) { print("  \(rejected.message)") }
                if result.rejected.count > showRejected {
                    print("  … and \(result.rejected.count - showRejected) more")
                }
            }
        }
    }
}

import ArgumentParser
import CustomsRisk
import Foundation

/// `riskctl split`: a training file and a test file from one declaration CSV.
struct SplitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "split",
        abstract: "Split a declaration CSV into training and test files (latest dates → test).",
        discussion: "Rows are copied byte for byte with the header. Without a date column the split is random "
            + "and seeded."
    )

    @Option(name: .long, help: "The CSV file.")
    var data: String

    @Option(name: .long, help: "The schema JSON file.")
    var schema: String

    @Option(name: .customLong("test-fraction"), help: "Share of rows for the test file, in (0, 1).")
    var testFraction: Double = 0.25

    @Option(name: .customLong("out-train"), help: "Output CSV for training rows.")
    var outTrain: String

    @Option(name: .customLong("out-test"), help: "Output CSV for test rows.")
    var outTest: String

    @Option(name: .long, help: "Seed of the random split (used only without a date column).")
    var seed: UInt64 = 42

    @Flag(name: .long, help: "Replace existing output files (never the input).")
    var force = false

    func validate() throws {
        guard testFraction > 0 && testFraction < 1 else {
            throw ValidationError("--test-fraction must be between 0 and 1 (exclusive); got \(testFraction).")
        }
    }

    func run() throws {
        for output in [outTrain, outTest] {
            try checkOutput(output, inputs: [URL(fileURLWithPath: data), URL(fileURLWithPath: schema)], force: force)
        }
        try DeclarationCommandSupport.reportingFailures {
            let schemaValue = try DeclarationSchema.load(contentsOf: URL(fileURLWithPath: schema))
            let summary = try DeclarationSplitter.split(
                data: URL(fileURLWithPath: data), schema: schemaValue, testFraction: testFraction, seed: seed,
                train: URL(fileURLWithPath: outTrain), test: URL(fileURLWithPath: outTest), overwrite: force)
            let how = summary.splitByDate ? "by date" : "at random (seed \(seed))"
            print("split \(how): \(summary.trainRowCount) rows → \(outTrain), \(summary.testRowCount) rows → \(outTest)")
        }
    }
}

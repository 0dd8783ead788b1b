import ArgumentParser
import CustomsRisk
import Foundation

/// `riskctl importance`: which declaration fields drive the model on a data set.
struct ImportanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "importance",
        abstract: "Global importance: mean |contribution| (log-odds) of each declaration field group on a data set.")

    @OptionGroup var modelInput: ModelInput
    @Option(name: .long, help: ArgumentHelp("Declarations CSV (the model's schema).", valueName: "file"))
    var data: String
    @Option(name: .long, help: "Explain at most this many rows (the first ones).")
    var rows: Int = 20_000
    @Flag(name: .long, help: "Print JSON.")
    var json = false
    @OptionGroup var threads: ThreadOptions

    func run() throws {
        let bundle = try modelInput.load()
        var table = try DeclarationInput(data: data, schema: nil, onBadRow: .fail)
            .read(schema: bundle.schema, requireLabel: false).table
        if table.rowCount > rows { table = table.selectingRows(Array(0..<rows)) }
        let importance = try RiskScorer(bundle: bundle).importance(of: table, threadCount: threads.threads)
        if json {
            struct Line: Encodable {
                var group: String
                var mean_abs_contribution: Double
            }
            print(try jsonLine(importance.map { Line(group: $0.name, mean_abs_contribution: $0.meanAbsoluteContribution) }))
            return
        }
        print("mean |contribution| (log-odds) over \(table.rowCount) declarations:")
        let top = importance.first?.meanAbsoluteContribution ?? 1
        for item in importance {
            let bar = String(repeating: "█", count: top > 0 ? Int((item.meanAbsoluteContribution / top * 30).rounded()) : 0)
            print("  \(item.name.padding(toLength: 28, withPad: " ", startingAt: 0)) \(format(item.meanAbsoluteContribution)) \(bar)")
        }
    }
}

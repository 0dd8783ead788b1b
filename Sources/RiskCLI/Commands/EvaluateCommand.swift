import ArgumentParser
import CustomsRisk
import Foundation

/// `riskctl evaluate`: metrics of a model on labelled declarations.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Measure a model on labelled declarations: AUC, PR AUC, log loss, Brier, precision/recall/revenue at 1–10%.")

    @OptionGroup var modelInput: ModelInput
    @Option(name: .long, help: ArgumentHelp("Labelled declarations CSV (the model's schema).", valueName: "file"))
    var data: String
    @Option(name: .customLong("on-bad-row"), help: ArgumentHelp("fail or skip malformed rows.", valueName: "fail|skip"))
    var onBadRow: DeclarationReadOptions.BadRowPolicy = .fail
    @Flag(name: .long, help: "Print one JSON object instead of a table.")
    var json = false
    @Option(name: .long, help: ArgumentHelp("Also write a self-contained HTML report with charts.", valueName: "file"))
    var report: String?
    @OptionGroup var threads: ThreadOptions

    func run() throws {
        let bundle = try modelInput.load()
        let input = DeclarationInput(data: data, schema: nil, onBadRow: onBadRow)
        let table = try input.read(schema: bundle.schema, requireLabel: true).table
        guard let labels = table.labels else {
            throw CommandFailure("\(data) has no label column \"\(bundle.schema.label ?? "label")\"; evaluate needs labels.")
        }
        let scorer = try RiskScorer(bundle: bundle)
        let assessments = try scorer.score(table, options: ScoringOptions(reasonCount: 0, threadCount: threads.threads))
        let evaluation = try EvaluationReport(probabilities: assessments.map(\.probability), labels: labels,
                                              revenue: table.revenue, tieBreakers: assessments.map(\.rawScore))
        if let report {
            let url = URL(fileURLWithPath: report)
            try checkNotOverwritingInput(output: url, inputs: [URL(fileURLWithPath: data), URL(fileURLWithPath: modelInput.model)])
            try AtomicFile.write(Data(evaluation.html(title: "CustomsRisk evaluation: \(URL(fileURLWithPath: data).lastPathComponent)").utf8),
                                 to: url)
        }
        if json {
            print(String(decoding: try evaluation.jsonData(prettyPrinted: false), as: UTF8.self))
        } else {
            print("\(URL(fileURLWithPath: data).lastPathComponent): \(evaluation.rows) declarations, \(evaluation.positives) illicit")
            print(evaluation.textTable())
            if let report { print("wrote \(report)") }
        }
    }
}

extension DeclarationInput {
    init(data: String, schema: String?, onBadRow: DeclarationReadOptions.BadRowPolicy) {
        self.init()
        self.data = data
        self.schema = schema
        self.onBadRow = onBadRow
    }
}

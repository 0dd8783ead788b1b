import ArgumentParser
import CustomsRisk
import Foundation

/// `riskctl explain`: why one declaration scored as it did.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain one declaration: contributions by declaration field (log-odds) and reasons an officer can read.",
        discussion: "base_value + Σ contributions = raw_score (log-odds); probability is the calibrated raw score.")

    @OptionGroup var modelInput: ModelInput
    @Option(name: .long, help: ArgumentHelp("Declarations CSV holding the declaration.", valueName: "file"))
    var data: String
    @Option(name: .long, help: ArgumentHelp("Declaration id to explain.", valueName: "id"))
    var id: String
    @Option(name: .long, help: "Reasons to show.")
    var reasons: Int = 3
    @Flag(name: .long, help: "Print one JSON object.")
    var json = false

    func run() throws {
        let bundle = try modelInput.load()
        let table = try DeclarationInput(data: data, schema: nil, onBadRow: .fail)
            .read(schema: bundle.schema, requireLabel: false).table
        guard let row = table.ids.firstIndex(of: id) else {
            throw CommandFailure("\(data) has no declaration with id \"\(id)\" in column \"\(bundle.schema.id)\".")
        }
        let one = table.selectingRows([row])
        let scorer = try RiskScorer(bundle: bundle)
        let a = try scorer.score(one, options: ScoringOptions(reasonCount: reasons, includeExplanation: true,
                                                             threadCount: 1))[0]
        guard let explanation = a.explanation else { throw CommandFailure("no explanation was produced for \(id).") }
        if json {
            print(try jsonLine(ExplainLine(a, explanation)))
            return
        }
        print("declaration \(a.id): probability \(format(a.probability)), lane \(a.lane.rawValue), raw score \(format(a.rawScore)) (log-odds)")
        print("base value \(format(explanation.baseValue)) + contributions by field:")
        for g in explanation.groups {
            print("  \(g.group.name.padding(toLength: 28, withPad: " ", startingAt: 0)) \(g.value >= 0 ? "+" : "")\(format(g.value))")
        }
        if !a.reasons.isEmpty {
            print("reasons:")
            for r in a.reasons { print("  [\(r.code)] \(r.text)") }
        }
        for w in a.warnings { print("note: \(w)") }
    }
}

struct ExplainLine: Encodable {
    struct Group: Encodable {
        var group: String
        var value: Double
    }
    var id: String
    var raw_score: Double
    var probability: Double
    var base_value: Double
    var lane: String
    var contributions: [Group]
    var reasons: [ReasonLine]
    var warnings: [String]

    init(_ a: RiskAssessment, _ e: GroupedExplanation) {
        id = a.id
        raw_score = a.rawScore
        probability = a.probability
        base_value = e.baseValue
        lane = a.lane.rawValue
        contributions = e.groups.map { Group(group: $0.group.name, value: $0.value) }
        reasons = a.reasons.map(ReasonLine.init)
        warnings = a.warnings
    }
}

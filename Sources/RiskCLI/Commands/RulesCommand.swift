import ArgumentParser
import CustomsRisk
import Foundation

/// `riskctl rules`: officer-defined selectivity criteria (Docs/Rules.md).
struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Check a rules file against a schema, or measure each rule on labelled declarations.",
        subcommands: [RulesCheckCommand.self, RulesEvaluateCommand.self])
}

/// `--rules FILE`.
struct RulesInput: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Rules file (JSON, format in Docs/Rules.md).", valueName: "file"))
    var rules: String

    func load() throws -> RuleSet {
        try RuleSet.load(contentsOf: URL(fileURLWithPath: rules))
    }
}

/// `riskctl rules check`: the rules file is valid and every condition fits the schema.
struct RulesCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate a rules file against a schema; report exempt rules that collide with selecting ones.")

    @OptionGroup var rulesInput: RulesInput
    @Option(name: .long, help: ArgumentHelp("Schema JSON of the declarations the rules will see.", valueName: "file"))
    var schema: String

    func run() throws {
        let ruleSet = try rulesInput.load()
        let declarationSchema = try DeclarationSchema.load(contentsOf: URL(fileURLWithPath: schema))
        _ = try ruleSet.compile(for: declarationSchema)
        let overlaps = ruleSet.exemptionOverlaps()
        var counts: [String: Int] = [:]
        for rule in ruleSet.rules { counts[rule.action.name, default: 0] += 1 }
        let summary = ["red", "yellow", "select", "add_score", "exempt"].compactMap { name in
            counts[name].map { "\($0) \(name)" }
        }.joined(separator: ", ")
        print("\(rulesInput.rules): \(ruleSet.rules.count) rule(s) valid for \(URL(fileURLWithPath: schema).lastPathComponent)"
              + (summary.isEmpty ? "" : " (\(summary))"))
        for overlap in overlaps { print("warning: \(overlap)") }
    }
}

/// `riskctl rules evaluate`: hits, precision, revenue and overlap with the model, per rule.
struct RulesEvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Measure each rule on labelled declarations: hits, precision, revenue, overlap with the model's top k%.",
        discussion: """
            A rule that never fires, or fires only on declarations found clean, is flagged for retirement. \
            Rules are judged on each declaration's date (valid_from … valid_to, inclusive).
            """)

    @OptionGroup var rulesInput: RulesInput
    @OptionGroup var modelInput: ModelInput
    @Option(name: .long, help: ArgumentHelp("Labelled declarations CSV (the model's schema).", valueName: "file"))
    var data: String
    @Option(name: .customLong("on-bad-row"), help: ArgumentHelp("fail or skip malformed rows.", valueName: "fail|skip"))
    var onBadRow: DeclarationReadOptions.BadRowPolicy = .fail
    @Option(name: .long, help: ArgumentHelp("The model's budget for the overlap column, in percent of declarations.",
                                            valueName: "percent"))
    var top: Double = 5
    @Flag(name: .long, help: "Print one JSON object instead of a table.")
    var json = false
    @OptionGroup var threads: ThreadOptions

    func validate() throws {
        guard top > 0, top <= 100 else { throw ValidationError("--top is \(top); expected a percentage in (0, 100].") }
    }

    func run() throws {
        let ruleSet = try rulesInput.load()
        let bundle = try modelInput.load()
        let compiled = try ruleSet.compile(for: bundle.schema)
        let input = DeclarationInput(data: data, schema: nil, onBadRow: onBadRow)
        let table = try input.read(schema: bundle.schema, requireLabel: true).table
        guard let labels = table.labels else {
            throw CommandFailure("\(data) has no label column \"\(bundle.schema.label ?? "label")\"; rules evaluate needs labels.")
        }
        let assessments = try RiskScorer(bundle: bundle)
            .score(table, options: ScoringOptions(reasonCount: 0, threadCount: threads.threads))
        let evaluation = try RuleEvaluation(rules: compiled, matches: compiled.evaluate(table), labels: labels,
                                            revenue: table.revenue, modelScores: assessments.map(\.probability),
                                            modelTieBreakers: assessments.map(\.rawScore), modelRate: top / 100)
        if json {
            print(try jsonLine(evaluation))
            return
        }
        print("\(URL(fileURLWithPath: data).lastPathComponent): \(table.rowCount) declarations, "
              + "\(evaluation.illicit) illicit; model top \(top == top.rounded() ? String(Int(top)) : String(top))% = \(evaluation.modelSelected) declarations")
        let header = ["rule", "action", "hits", "illicit", "precision", "revenue", "in model top", "flag"]
        var rows = [header]
        for rule in evaluation.rules {
            rows.append([rule.id, rule.action, "\(rule.hits)", "\(rule.illicitHits)",
                         rule.precision.map { format($0, 3) } ?? "–",
                         rule.revenue.map { format($0, 2) } ?? "–",
                         rule.modelOverlap.map { format($0, 3) } ?? "–",
                         rule.flag ?? ""])
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max()! }
        for row in rows {
            print(row.indices.map { row[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces))
        }
    }
}

/// Per-rule measurements on labelled declarations (`riskctl rules evaluate --json`).
struct RuleEvaluation: Encodable {
    struct RuleRow: Encodable {
        var id: String
        var action: String
        /// Declarations the rule matched.
        var hits: Int
        var illicitHits: Int
        /// illicitHits / hits; nil without hits.
        var precision: Double?
        /// Revenue recovered on the hits; nil when the data have no revenue column.
        var revenue: Double?
        /// Share of the hits that the model alone ranks in its top k%; nil without hits.
        var modelOverlap: Double?
        /// "never fires" or "fires only on clean declarations": candidates for retirement.
        var flag: String?

        enum CodingKeys: String, CodingKey {
            case id, action, hits, precision, revenue, flag
            case illicitHits = "illicit_hits", modelOverlap = "model_overlap"
        }
    }

    var declarations: Int
    var illicit: Int
    var modelRate: Double
    var modelSelected: Int
    var rules: [RuleRow]

    enum CodingKeys: String, CodingKey {
        case declarations, illicit, rules
        case modelRate = "model_rate", modelSelected = "model_selected"
    }

    init(rules compiled: CompiledRuleSet, matches: RuleMatches, labels: [Float], revenue: [Double]?,
         modelScores: [Double], modelTieBreakers: [Double], modelRate: Double) throws {
        declarations = labels.count
        illicit = labels.reduce(0) { $0 + ($1 >= 0.5 ? 1 : 0) }
        self.modelRate = modelRate
        let selection = labels.isEmpty ? nil
            : try TopSelection(scores: modelScores, tieBreakers: modelTieBreakers, rate: modelRate)
        let mask = selection?.selectionMask() ?? []
        modelSelected = selection?.selectedCount ?? 0
        self.rules = compiled.ruleSet.rules.enumerated().map { index, rule in
            var hits = 0, illicitHits = 0, inTop = 0, recovered = 0.0
            for row in 0..<labels.count where matches.matched(rule: index, row: row) {
                hits += 1
                if labels[row] >= 0.5 { illicitHits += 1 }
                if mask[row] { inTop += 1 }
                if let revenue, revenue[row].isFinite { recovered += revenue[row] }
            }
            let flag: String? = hits == 0 ? "never fires" : (illicitHits == 0 ? "fires only on clean declarations" : nil)
            return RuleRow(id: rule.id, action: rule.action.name, hits: hits, illicitHits: illicitHits,
                           precision: hits > 0 ? Double(illicitHits) / Double(hits) : nil,
                           revenue: revenue == nil ? nil : recovered,
                           modelOverlap: hits > 0 ? Double(inTop) / Double(hits) : nil, flag: flag)
        }
    }
}

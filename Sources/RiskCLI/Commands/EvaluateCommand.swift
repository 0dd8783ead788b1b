import ArgumentParser
import CustomsRisk
import Foundation

/// `riskctl evaluate`: metrics of a model on labelled declarations.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Measure a model on labelled declarations: AUC, PR AUC, log loss, Brier, precision/recall/revenue at 1–10%.",
        discussion: """
            On a selected history (schema roles inspected and selection_probability, Docs/Feedback.md) the \
            metrics above describe the inspected declarations only, and a population section adds \
            inverse-propensity estimates for every declaration with bootstrap 95% intervals.
            """)

    @Option(name: .long, help: ArgumentHelp(
        "Model bundle written by `riskctl train`. Twice (--model A --model B) compares B with A on the same "
            + "declarations: differences B − A with paired bootstrap 95% intervals.", valueName: "file"))
    var model: [String]
    @Option(name: .long, help: ArgumentHelp("Labelled declarations CSV (the model's schema).", valueName: "file"))
    var data: String
    @Option(name: .long, help: ArgumentHelp(
        "Schema of --data (default: the model's); give one with the inspected and selection_probability roles "
            + "to evaluate on a selected history.", valueName: "file"))
    var schema: String?
    @Option(name: .customLong("on-bad-row"), help: ArgumentHelp("fail or skip malformed rows.", valueName: "fail|skip"))
    var onBadRow: DeclarationReadOptions.BadRowPolicy = .fail
    @Flag(name: .long, help: "Print one JSON object instead of a table.")
    var json = false
    @Option(name: .long, help: ArgumentHelp("Also write a self-contained HTML report with charts.", valueName: "file"))
    var report: String?
    @Flag(name: .long, help: "Replace an existing --report file.")
    var force = false
    @OptionGroup var threads: ThreadOptions

    func validate() throws {
        guard (1...2).contains(model.count) else {
            throw ValidationError("--model is given \(model.count) times; expected one bundle, or two to compare.")
        }
    }

    func run() throws {
        if let report {
            try checkOutput(report, inputs: [URL(fileURLWithPath: data)] + model.map { URL(fileURLWithPath: $0) },
                            force: force)
        }
        let bundles = try model.map { try ModelBundle.load(contentsOf: URL(fileURLWithPath: $0)) }
        let bundle = bundles[0]
        let input = DeclarationInput(data: data, schema: schema, onBadRow: onBadRow)
        let givenSchema = try schema.map { try DeclarationSchema.load(contentsOf: URL(fileURLWithPath: $0)) }
        let dataSchema = givenSchema ?? bundle.schema
        let table = try input.read(schema: dataSchema, requireLabel: true).table
        guard let labels = table.labels else {
            throw CommandFailure("\(data) has no label column \"\(dataSchema.label ?? "label")\"; evaluate needs labels.")
        }
        let options = ScoringOptions(reasonCount: 0, threadCount: threads.threads, includeWarnings: false)
        let assessments = try RiskScorer(bundle: bundle).score(table, options: options)
        let selected = try SelectedHistoryInput(table: table, source: data)
        if bundles.count == 2 {
            // The second bundle reads the file with its own schema unless one was given.
            let second = givenSchema == nil && bundles[1].schema != dataSchema
                ? try input.read(schema: bundles[1].schema, requireLabel: true).table : table
            guard second.rowCount == table.rowCount else {
                throw CommandFailure("\(data): \(table.rowCount) declarations read with the first model's schema but "
                                     + "\(second.rowCount) with the second's; compare the models with one --schema.")
            }
            let candidate = try RiskScorer(bundle: bundles[1]).score(second, options: options)
            try compare(baseline: assessments, candidate: candidate, table: table, labels: labels, selected: selected)
            return
        }
        // On a selected history the ordinary metrics can only use the inspected declarations.
        let kept = selected.map { history in (0..<table.rowCount).filter { history.inspected[$0] } } ?? Array(0..<table.rowCount)
        let evaluation = try EvaluationReport(probabilities: kept.map { assessments[$0].probability },
                                              labels: kept.map { labels[$0] },
                                              revenue: table.revenue.map { revenue in kept.map { revenue[$0] } },
                                              tieBreakers: kept.map { assessments[$0].rawScore })
        let population = try selected.map { input in
            try input.estimates(probabilities: assessments.map(\.probability), rawScores: assessments.map(\.rawScore))
        }
        if let report {
            let page = evaluation.html(title: "CustomsRisk evaluation: \(URL(fileURLWithPath: data).lastPathComponent)",
                                       identity: ReportContext.identity(bundle, path: model[0]),
                                       tables: ReportContext.tables(bundle: bundle, table: table, labels: labels,
                                                                    kept: kept, assessments: assessments,
                                                                    population: population))
            try AtomicFile.write(Data(page.utf8), to: URL(fileURLWithPath: report), overwrite: force)
        }
        if json {
            var text = String(decoding: try evaluation.jsonData(prettyPrinted: false), as: UTF8.self)
            if let population {
                // The report's own object, with "population" and "inspected" added (keys stay sorted).
                var object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
                object["population"] = population.jsonObject
                object["inspected"] = kept.count
                object["declarations"] = table.rowCount
                text = String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]),
                              as: UTF8.self)
            }
            print(text)
        } else {
            if selected != nil {
                print("\(URL(fileURLWithPath: data).lastPathComponent): \(table.rowCount) declarations, \(kept.count) "
                      + "inspected, \(evaluation.positives) illicit among them. The metrics below describe the "
                      + "inspected declarations, as the old policy chose them:")
            } else {
                print("\(URL(fileURLWithPath: data).lastPathComponent): \(evaluation.rows) declarations, \(evaluation.positives) illicit")
            }
            print(evaluation.textTable())
            if let population { print(population.textTable(declarations: table.rowCount)) }
            if let report { print("wrote \(report)") }
        }
    }
}

extension EvaluateCommand {
    /// `--model A --model B`: each model's metrics on the same declarations, then B − A with paired
    /// bootstrap intervals (population estimates on a selected history).
    func compare(baseline: [RiskAssessment], candidate: [RiskAssessment], table: DeclarationTable, labels: [Float],
                 selected: SelectedHistoryInput?) throws {
        let kept = selected.map { history in (0..<table.rowCount).filter { history.inspected[$0] } }
            ?? Array(0..<table.rowCount)
        func metrics(_ assessments: [RiskAssessment]) throws -> EvaluationReport {
            try EvaluationReport(probabilities: kept.map { assessments[$0].probability }, labels: kept.map { labels[$0] },
                                 revenue: table.revenue.map { revenue in kept.map { revenue[$0] } },
                                 tieBreakers: kept.map { assessments[$0].rawScore })
        }
        let reports = [try metrics(baseline), try metrics(candidate)]
        // A fully labelled file is a history where every declaration was inspected with probability 1.
        let history = try selected?.history ?? (try SelectedHistory(
            inspected: [Bool](repeating: true, count: table.rowCount),
            selectionProbability: [Double](repeating: 1, count: table.rowCount), labels: labels,
            revenue: table.revenue.map { $0.map { $0.isNaN ? 0 : $0 } }))
        func ranking(_ a: [RiskAssessment]) throws -> [Int] {
            try TopSelection.order(scores: a.map(\.probability), tieBreakers: a.map(\.rawScore))
        }
        let comparison = try history.comparison(rankingA: try ranking(baseline), rankingB: try ranking(candidate))
        let what = selected == nil ? "" : " (population estimates from the inspected declarations)"
        let comparisonTable = ReportTable(
            title: "B − A at each budget\(what)",
            note: "A = \(model[0]), B = \(model[1]). Paired bootstrap 95 % intervals (\(comparison.bootstrapSamples) "
                + "resamples of the declarations, both models measured on each): an interval excluding 0 is a "
                + "difference beyond resampling noise.",
            header: ["Inspection rate", "Precision", "Recall", "Revenue"],
            rows: comparison.precisionAt.keys.sorted().map { rate in
                func show(_ e: IntervalEstimate?) -> String {
                    e.map { String(format: "%+.4f [%+.4f, %+.4f]", $0.value, $0.low, $0.high) } ?? "–"
                }
                return ["\(PopulationEstimates.percent(rate)) %", show(comparison.precisionAt[rate]),
                        show(comparison.recallAt[rate]), show(comparison.revenueAt[rate])]
            })
        if let report {
            let page = reports[1].html(
                title: "CustomsRisk comparison: \(URL(fileURLWithPath: model[1]).lastPathComponent) (B) against "
                    + "\(URL(fileURLWithPath: model[0]).lastPathComponent) (A) on \(URL(fileURLWithPath: data).lastPathComponent)",
                identity: ReportContext.identity(try ModelBundle.load(contentsOf: URL(fileURLWithPath: model[1])),
                                                 path: model[1]),
                tables: [comparisonTable])
            try AtomicFile.write(Data(page.utf8), to: URL(fileURLWithPath: report), overwrite: force)
        }
        if json {
            func object(_ e: IntervalEstimate) -> [String: Any] { ["value": e.value, "low": e.low, "high": e.high] }
            func byPercent(_ values: [Double: IntervalEstimate]) -> [String: Any] {
                Dictionary(uniqueKeysWithValues: values.map { (PopulationEstimates.percent($0.key), object($0.value)) })
            }
            var difference: [String: Any] = ["precision_at": byPercent(comparison.precisionAt),
                                             "recall_at": byPercent(comparison.recallAt),
                                             "bootstrap_samples": comparison.bootstrapSamples]
            if !comparison.revenueAt.isEmpty { difference["revenue_at"] = byPercent(comparison.revenueAt) }
            let models = try zip(model, reports).map { path, report -> [String: Any] in
                var o = try JSONSerialization.jsonObject(with: report.jsonData(prettyPrinted: false)) as! [String: Any]
                o["model"] = path
                return o
            }
            let document: [String: Any] = ["models": models, "difference": difference,
                                           "population": selected != nil, "declarations": table.rowCount]
            print(String(decoding: try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys]),
                         as: UTF8.self))
            return
        }
        for (name, (path, report)) in zip(["A", "B"], zip(model, reports)) {
            print("\(name) = \(path)" + (selected == nil ? "" : " (on the \(kept.count) inspected declarations)") + ":")
            print(report.textTable())
            print("")
        }
        print(comparisonTable.title + ":")
        print("  Inspection rate    Precision                   Recall                      Revenue")
        for row in comparisonTable.rows {
            print("  " + row[0].padding(toLength: 19, withPad: " ", startingAt: 0)
                  + row[1].padding(toLength: 28, withPad: " ", startingAt: 0)
                  + row[2].padding(toLength: 28, withPad: " ", startingAt: 0) + row[3])
        }
        print("Paired bootstrap 95% intervals; an interval excluding 0 is a difference beyond resampling noise.")
        if let report { print("wrote \(report)") }
    }
}

/// What the HTML report shows beside the scores: the model's identity, its lanes on these data,
/// segments (office, HS chapter, origin) and, on a selected history, the population estimates.
enum ReportContext {
    static func identity(_ bundle: ModelBundle, path: String) -> [(name: String, value: String)] {
        let m = bundle.metadata
        var rows: [(name: String, value: String)] = [("Bundle", URL(fileURLWithPath: path).lastPathComponent)]
        if let bytes = try? Data(contentsOf: URL(fileURLWithPath: path)) {
            rows.append(("File SHA-256", SHA256.hex(of: bytes)))
        }
        switch bundle.model {
        case .boostedTrees(let trees): rows.append(("Model", "boosted trees, \(trees.trees.count) trees"))
        case .logistic(let linear): rows.append(("Model", "logistic regression, \(linear.coefficients.count) coefficients"))
        }
        rows.append(("Trained", "\(m.createdAt) with CustomsRisk \(m.libraryVersion), seed \(m.seed)"))
        rows.append(("Training data", "\(m.trainingRows) declarations (\(m.trainingPositives) illicit)"
                     + (m.firstDate.map { ", \($0) … \(m.lastDate ?? "?")" } ?? "")))
        rows.append(("Validation", "\(m.validationRows) declarations (\(m.validationPositives) illicit), \(m.validationSource)"))
        if let source = m.calibrationSource { rows.append(("Calibration and lanes fitted on", source)) }
        return rows
    }

    static func tables(bundle: ModelBundle, table: DeclarationTable, labels: [Float], kept: [Int],
                       assessments: [RiskAssessment], population: PopulationEstimates?) -> [ReportTable] {
        var out: [ReportTable] = []
        // Lanes: the bundle's thresholds applied to these declarations.
        let t = bundle.lanes
        var laneRows: [[String]] = []
        for lane in Lane.allCases {
            let rows = kept.filter { assessments[$0].lane == lane }
            let illicit = rows.filter { labels[$0] == 1 }.count
            let threshold: String = switch lane {
            case .red: "≥ \(format(t.red, 4))"
            case .yellow: "≥ \(format(t.yellow, 4))"
            case .blue: "≥ \(format(t.blue, 4))"
            case .green: "below"
            }
            laneRows.append([lane.rawValue, threshold, "\(rows.count)",
                             format(100 * Double(rows.count) / Double(max(1, kept.count)), 2) + " %",
                             rows.isEmpty ? "–" : format(Double(illicit) / Double(rows.count), 4)])
        }
        out.append(ReportTable(title: "Lanes", note: "The bundle's lane thresholds on these declarations"
                                + (kept.count < table.rowCount ? " (inspected ones only)." : "."),
                               header: ["Lane", "Probability", "Declarations", "Share", "Illicit rate"], rows: laneRows))
        // Segments: precision at the 5 % budget within each segment of these declarations.
        let top = try? TopSelection(scores: kept.map { assessments[$0].probability },
                                    tieBreakers: kept.map { assessments[$0].rawScore }, rate: 0.05)
        let selected = Set(top.map { $0.selectedRows.map { kept[$0] } } ?? [])
        func segmentRows(_ name: String, _ key: (Int) -> String?) -> [[String]] {
            var groups: [String: [Int]] = [:]
            for row in kept { if let k = key(row) { groups[k, default: []].append(row) } }
            return groups.sorted { $0.value.count > $1.value.count || ($0.value.count == $1.value.count && $0.key < $1.key) }
                .prefix(10).map { value, rows in
                    let illicit = rows.filter { labels[$0] == 1 }.count
                    let chosen = rows.filter(selected.contains)
                    let hits = chosen.filter { labels[$0] == 1 }.count
                    return [name + " " + value, "\(rows.count)", format(Double(illicit) / Double(rows.count), 4),
                            "\(chosen.count)", chosen.isEmpty ? "–" : format(Double(hits) / Double(chosen.count), 4)]
                }
        }
        var segments: [[String]] = []
        if let column = table.schema.column(for: .office), let codes = table.text[column] {
            segments += segmentRows("office", { codes[$0] })
        }
        if let column = table.schema.column(for: .hsCode), let codes = table.text[column] {
            segments += segmentRows("HS chapter", { codes[$0].map { String($0.prefix(2)) } })
        }
        if let column = table.schema.column(for: .originCountry), let codes = table.text[column] {
            segments += segmentRows("origin", { codes[$0] })
        }
        if !segments.isEmpty {
            out.append(ReportTable(title: "Segments", note: "The ten largest values of each field. Selected: declarations "
                                    + "of the segment in the model's top 5 % of all \(kept.count); precision among them.",
                                   header: ["Segment", "Declarations", "Illicit rate", "Selected at 5 %", "Precision"],
                                   rows: segments))
        }
        if let population {
            func show(_ e: IntervalEstimate) -> String { "\(format(e.value, 3)) [\(format(e.low, 3)), \(format(e.high, 3))]" }
            var rows = [["illicit rate", show(population.illicitRate), "", ""]]
            for rate in population.precisionAt.keys.sorted() {
                rows.append(["top \(PopulationEstimates.percent(rate)) %", show(population.precisionAt[rate]!),
                             show(population.recallAt[rate]!), population.revenueAt[rate].map(show) ?? "–"])
            }
            out.append(ReportTable(title: "Population estimates (all \(table.rowCount) declarations)",
                                   note: "Inverse-propensity estimates from the \(population.inspectedCount) inspected "
                                    + "declarations, with 95 % bootstrap intervals (Docs/Feedback.md).",
                                   header: ["", "Precision", "Recall", "Revenue"], rows: rows))
        }
        return out
    }
}

/// The selection record of a table read with the `inspected` and `selection_probability` roles.
struct SelectedHistoryInput {
    var inspected: [Bool]
    var history: SelectedHistory

    /// nil when the schema has no `inspected` role; throws naming the declaration when a probability
    /// is missing or `selection_probability` is absent.
    init?(table: DeclarationTable, source: String) throws {
        guard let inspectedColumn = table.schema.column(for: .inspected), let flags = table.numbers[inspectedColumn] else {
            return nil
        }
        guard let probabilityColumn = table.schema.column(for: .selectionProbability),
              let probabilities = table.numbers[probabilityColumn] else {
            throw CommandFailure("\(source): the schema marks \"\(inspectedColumn)\" as inspected but has no "
                                 + "selection_probability column; population estimates need both (Docs/Feedback.md).")
        }
        if let row = probabilities.firstIndex(where: { $0.isNaN }) {
            let line = table.sourceLines.map { ", line \($0[row])" } ?? ""
            throw CommandFailure("\(source)\(line), declaration \(table.ids[row]): \(probabilityColumn) is empty; every "
                                 + "declaration needs the probability the policy of the time selected it with.")
        }
        inspected = flags.map { $0 == 1 }
        let labels = table.labels ?? [Float](repeating: .nan, count: table.rowCount)
        history = try SelectedHistory(inspected: inspected, selectionProbability: probabilities, labels: labels,
                                      revenue: table.revenue.map { $0.map { $0.isNaN ? 0 : $0 } })
    }

    /// Estimates for the model's ranking: probability, then raw score, then file order.
    func estimates(probabilities: [Double], rawScores: [Double]) throws -> PopulationEstimates {
        try history.estimates(ranking: TopSelection.order(scores: probabilities, tieBreakers: rawScores))
    }
}

extension PopulationEstimates {
    /// `{"illicit_rate": {…}, "precision_at": {"5": {…}}, "recall_at": …, "revenue_at": …}` for `evaluate --json`.
    var jsonObject: [String: Any] {
        func interval(_ e: IntervalEstimate) -> [String: Any] { ["value": e.value, "low": e.low, "high": e.high] }
        func byPercent(_ values: [Double: IntervalEstimate]) -> [String: Any] {
            Dictionary(uniqueKeysWithValues: values.map { (Self.percent($0.key), interval($0.value)) })
        }
        var object: [String: Any] = ["illicit_rate": interval(illicitRate), "precision_at": byPercent(precisionAt),
                                     "recall_at": byPercent(recallAt), "bootstrap_samples": bootstrapSamples]
        if !revenueAt.isEmpty { object["revenue_at"] = byPercent(revenueAt) }
        return object
    }

    static func percent(_ rate: Double) -> String {
        let value = rate * 100
        return value == value.rounded() ? String(Int(value)) : String(value)
    }

    func textTable(declarations: Int) -> String {
        func show(_ e: IntervalEstimate) -> String { "\(format(e.value, 3)) [\(format(e.low, 3)), \(format(e.high, 3))]" }
        var lines = ["", "Population estimates for all \(declarations) declarations (inverse-propensity weights from "
                     + "\(inspectedCount) inspected ones; 95% bootstrap intervals):",
                     "  illicit rate       " + show(illicitRate), "",
                     "  Inspection rate    Precision                Recall" + (revenueAt.isEmpty ? "" : "                   Revenue")]
        for rate in precisionAt.keys.sorted() {
            var line = "  " + (Self.percent(rate) + "%").padding(toLength: 19, withPad: " ", startingAt: 0)
            line += show(precisionAt[rate]!).padding(toLength: 25, withPad: " ", startingAt: 0)
            line += show(recallAt[rate]!)
            if let revenue = revenueAt[rate] { line = line.padding(toLength: 71, withPad: " ", startingAt: 0) + show(revenue) }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
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

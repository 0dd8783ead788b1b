import ArgumentParser
import CustomsRisk
import Foundation

/// `riskctl monitor`: drift of recent declarations against the bundle's training declarations.
struct MonitorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "monitor",
        abstract: "Measure drift of recent declarations against the training data: PSI per feature group and of "
            + "the score, unseen values, hit rate by lane. Exit code 3 when any measure is at \"act\".",
        discussion: """
            The population stability index (PSI) compares each window's distribution with the histograms \
            stored in the bundle at training: below --watch (0.1) ok, from --watch watch, from --act (0.25) \
            act. A group's PSI is the largest of its features'. Docs/Operations.md.
            """)

    enum Window: String, ExpressibleByArgument { case week, month, all }

    @OptionGroup var modelInput: ModelInput
    @OptionGroup var input: DeclarationInput
    @Option(name: .long, help: ArgumentHelp("Window length: the data are cut by date into windows.",
                                            valueName: "week|month|all"))
    var window: Window = .month
    @Option(name: .long, help: ArgumentHelp("PSI from which a measure is \"watch\".", valueName: "psi"))
    var watch = 0.1
    @Option(name: .long, help: ArgumentHelp("PSI from which a measure is \"act\" (exit code 3).", valueName: "psi"))
    var act = 0.25
    @Flag(name: .long, help: "Print one JSON object instead of tables.")
    var json = false
    @Option(name: .long, help: ArgumentHelp("Also write an HTML report charting each window.", valueName: "file"))
    var report: String?
    @Flag(name: .long, help: "Replace an existing --report file.")
    var force = false
    @OptionGroup var threads: ThreadOptions

    func validate() throws {
        guard watch > 0, act > watch, act.isFinite else {
            throw ValidationError("--watch \(watch) and --act \(act): expected 0 < watch < act.")
        }
    }

    func run() throws {
        if let report {
            try checkOutput(report, inputs: [input.dataURL, URL(fileURLWithPath: modelInput.model)], force: force)
        }
        let bundle = try modelInput.load()
        var monitor = try DriftMonitor(bundle: bundle)
        monitor.watchThreshold = watch
        monitor.actThreshold = act
        let schema = try input.schema.map { try DeclarationSchema.load(contentsOf: URL(fileURLWithPath: $0)) } ?? bundle.schema
        let table = try input.read(schema: schema, requireLabel: false).table
        var windows: [DriftWindow] = []
        for rows in try windowRows(table) {
            windows.append(try monitor.measure(table.selectingRows(rows), threadCount: threads.threads))
        }
        let status = windows.map(\.status).max() ?? .ok
        if let report {
            try AtomicFile.write(Data(html(windows, status: status, bundle: bundle).utf8), to: URL(fileURLWithPath: report),
                                 overwrite: true)
        }
        if json {
            struct Document: Encodable { var windows: [DriftWindow]; var status: DriftStatus }
            print(try jsonLine(Document(windows: windows, status: status)))
        } else {
            print(text(windows, status: status))
            if let report { print("wrote \(report)") }
        }
        if status == .act { throw ExitCode(3) }
    }

    /// The rows of each window, in date order.
    func windowRows(_ table: DeclarationTable) throws -> [[Int]] {
        guard window != .all else { return [Array(0..<table.rowCount)] }
        guard let dates = table.dates else {
            throw ValidationError("--window \(window.rawValue) needs a date column; the schema has none. Use --window all.")
        }
        var byKey: [Int: [Int]] = [:]
        for row in 0..<table.rowCount {
            guard let day = dates[row] else {
                let line = table.sourceLines.map { "line \($0[row]), " } ?? ""
                throw CommandFailure("\(input.data): \(line)declaration \(table.ids[row]) has no date; --window "
                                     + "\(window.rawValue) puts every declaration in a window by date (or use --window all).")
            }
            let key: Int
            switch window {
            case .week: key = Int((Double(day) / 7).rounded(.down))   // weeks from Thursday 1970-01-01
            case .month:
                let (y, m, _) = ValueParsers.civilFromDays(Int(day))
                key = y * 12 + m
            case .all: key = 0
            }
            byKey[key, default: []].append(row)
        }
        return byKey.sorted { $0.key < $1.key }.map(\.value)
    }

    func text(_ windows: [DriftWindow], status: DriftStatus) -> String {
        var lines: [String] = []
        for w in windows {
            lines.append("\(w.start ?? "?") … \(w.end ?? "?"): \(w.rows) declarations, score PSI "
                         + "\(format(w.scorePSI, 3)) (\(w.scoreStatus.rawValue)), status \(w.status.rawValue)")
            let drifting = w.groups.filter { $0.value.status != .ok }.sorted { $0.value.psi > $1.value.psi }
            for (group, drift) in drifting {
                lines.append("  \(group): PSI \(format(drift.psi, 3)) (\(drift.status.rawValue); feature \(drift.feature))")
            }
            let unseen = w.unseen.filter { $0.value > 0 }.sorted { $0.value > $1.value }
            if !unseen.isEmpty {
                lines.append("  unseen values: " + unseen.map { "\($0.key) \(format(100 * $0.value, 1)) %" }
                    .joined(separator: ", "))
            }
        }
        lines.append("status: \(status.rawValue) (PSI watch ≥ \(watch), act ≥ \(act))")
        return lines.joined(separator: "\n")
    }

    func html(_ windows: [DriftWindow], status: DriftStatus, bundle: ModelBundle) -> String {
        let starts = windows.map { $0.start ?? "" }
        let count = windows.count
        func x(_ k: Int) -> Double { count > 1 ? Double(k) / Double(count - 1) : 0 }
        let ticks: @Sendable (Double) -> String = { value in
            guard count > 0 else { return "" }
            return String(starts[min(count - 1, max(0, Int((value * Double(max(1, count - 1))).rounded())))].prefix(7))
        }
        let groupNames = Set(windows.flatMap(\.groups.keys)).sorted()
        func worst(_ group: String) -> Double { windows.map { $0.groups[group]?.psi ?? 0 }.max() ?? 0 }
        // The five groups that moved most in any window, most first.
        let top = groupNames.sorted { worst($0) > worst($1) || (worst($0) == worst($1) && $0 < $1) }.prefix(5)
        let maximum = max(0.5, (windows.map(\.scorePSI) + windows.flatMap { $0.groups.values.map(\.psi) }).max() ?? 0)
        var chart = SVGChart(title: "Population stability index per window", xLabel: "Window", yLabel: "PSI")
        chart.yMaximum = (maximum * 10).rounded(.up) / 10
        chart.xTickText = ticks
        chart.legendAtTop = true
        let colors = ["#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf"]
        chart.series.append(.init(name: "score", color: "#1f77b4",
                                  points: windows.enumerated().map { (x($0.offset), $0.element.scorePSI) }, markers: true))
        for (index, group) in top.enumerated() {
            chart.series.append(.init(name: group, color: colors[index % colors.count],
                                      points: windows.enumerated().map { (x($0.offset), $0.element.groups[group]?.psi ?? 0) }))
        }
        chart.series.append(.init(name: "act (\(act))", color: "#d62728", points: [(0, act), (1, act)], dashed: true))
        var body = "<h1>\(htmlEscaped("Drift of \(input.dataURL.lastPathComponent) against \(URL(fileURLWithPath: modelInput.model).lastPathComponent)"))</h1>\n"
        body += "<p class=\"note\">Status: <b>\(status.rawValue)</b>. PSI below \(watch) ok, from \(watch) watch, from "
            + "\(act) act. Reference: \(htmlEscaped(modelInput.model)) (\(htmlEscaped(bundle.reference?.source ?? "")))."
            + "</p>\n"
        body += "<div class=\"charts\">\n" + chart.svg() + "\n</div>\n"
        body += ReportTable(title: "Feature groups: largest PSI of the group's features, per window",
                            header: ["Group"] + windows.map { $0.start ?? "?" },
                            rows: groupNames.map { g in [g] + windows.map { w in
                                w.groups[g].map { "\(format($0.psi, 3))\($0.status == .ok ? "" : " " + $0.status.rawValue)" } ?? "–"
                            } }).html()
        let unseenNames = Set(windows.flatMap(\.unseen.keys)).sorted()
        body += ReportTable(title: "Unseen values (share of declarations)", header: ["Window", "Rows", "Score PSI"] + unseenNames,
                            rows: windows.map { w in [w.start ?? "?", "\(w.rows)", format(w.scorePSI, 3)]
                                + unseenNames.map { format(100 * (w.unseen[$0] ?? 0), 1) + " %" } }).html()
        if windows.contains(where: { $0.lanes != nil }) {
            let lanes = Lane.allCases.map(\.rawValue)
            body += ReportTable(title: "Illicit rate by lane (labelled declarations)", header: ["Window"] + lanes,
                                rows: windows.map { w in [w.start ?? "?"] + lanes.map { lane in
                                    w.lanes?[lane].map { o in o.illicitRate.map { format($0, 3) + " (\(o.rows))" } ?? "–" } ?? "–"
                                } }).html()
        }
        return htmlDocument(title: "CustomsRisk drift monitor", body: body)
    }
}

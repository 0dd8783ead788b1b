import Foundation
import RiskMetrics

extension ReplayResult {
    /// Every policy with its name, in the order of the report: each exploration share, the oracle,
    /// the random baseline.
    public var namedRuns: [(name: String, run: ReplayRun)] {
        runs.map { ("exploration \(Self.percent($0.exploration ?? 0))", $0) }
            + (oracle.map { [("oracle", $0)] } ?? [])
            + [("random", random)]
    }

    /// The totals as a text table, one line per policy.
    public func textTable() -> String {
        var lines = ["policy                                 precision   recall   revenue share"]
        for (name, run) in namedRuns {
            let t = run.totals
            lines.append(name.padding(toLength: 38, withPad: " ", startingAt: 0)
                         + String(format: " %9.4f %8.4f %15.4f", t.precision, t.recall, t.revenueShare))
        }
        return lines.joined(separator: "\n")
    }

    /// A self-contained HTML page: the totals, then per-period precision, revenue share and
    /// cumulative revenue share over time, one line per policy. No scripts, no network.
    ///
    /// - Parameter title: The page title and heading (plain text, escaped).
    public func html(title: String) -> String {
        let colors = ["#1f77b4", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"]
        let named = namedRuns
        func color(_ index: Int, _ name: String) -> String {
            name.hasPrefix("oracle") ? "#2ca02c" : name == "random" ? "#999999" : colors[index % colors.count]
        }
        let periodCount = random.periods.count
        let starts = random.periods.map(\.start)
        // Tick labels short enough for six ticks: the month of monthly periods, else month-day.
        let ticks = starts.map { period == .month ? String($0.prefix(7)) : String($0.dropFirst(5)) }
        let axis = period == .month ? "Month" : "Period starting (month-day)"
        /// Period k sits at x = k / (count − 1) on the unit axis; ticks show its start date.
        func x(_ k: Int) -> Double { periodCount > 1 ? Double(k) / Double(periodCount - 1) : 0 }
        let tickText: @Sendable (Double) -> String = { value in
            guard periodCount > 0 else { return "" }
            let k = Int((value * Double(max(1, periodCount - 1))).rounded())
            return ticks[min(max(0, k), periodCount - 1)]
        }
        func chart(_ title: String, _ yLabel: String, _ value: (ReplayRun) -> [Double]) -> SVGChart {
            var chart = SVGChart(title: title, xLabel: axis, yLabel: yLabel)
            chart.xTickText = tickText
            chart.legendAtTop = true
            for (index, (name, run)) in named.enumerated() {
                let values = value(run)
                chart.series.append(.init(name: name, color: color(index, name),
                                          points: values.enumerated().map { (x($0.offset), $0.element) },
                                          dashed: name == "random"))
            }
            return chart
        }
        let precision = chart("Precision per period", "Precision") { $0.periods.map(\.precision) }
        let share = chart("Revenue share per period", "Share of the period's revenue") { $0.periods.map(\.revenueShare) }
        let cumulative = chart("Cumulative revenue share", "Share of revenue so far") { run in
            var found = 0.0, total = 0.0
            return run.periods.map { period in
                found += period.revenueFound
                total += period.revenue
                return total > 0 ? found / total : 0
            }
        }
        var body = "<h1>\(htmlEscaped(title))</h1>\n"
        let summary = ReportTable(
            title: "Replay", note: "The first bundle trained on the \(initialTrainingRows) declarations before "
                + "\(starts.first ?? "the start"); then each \(period.rawValue): score, select \(Self.percent(budget)) of "
                + "the declarations (the model's top share plus a random draw of the rest for exploration), reveal "
                + "the selected outcomes, and retrain every \(retrainEvery) periods on what was revealed, weighted "
                + "by inverse selection probability. The oracle retrains with every outcome revealed (exploitation "
                + "only); random draws the budget uniformly. Seed \(seed).",
            header: ["Policy", "Declarations", "Selected", "Illicit found", "Precision", "Recall", "Revenue share"],
            rows: named.map { name, run in
                let t = run.totals
                return [name, "\(t.declarations)", "\(t.selected)", "\(t.illicitFound)",
                        String(format: "%.4f", t.precision), String(format: "%.4f", t.recall),
                        String(format: "%.4f", t.revenueShare)]
            })
        body += summary.html()
        body += "<h2>Over time</h2>\n<div class=\"charts\">\n"
        for chart in [precision, share, cumulative] { body += chart.svg() + "\n" }
        body += "</div>\n"
        let retrained = runs.first?.periods.enumerated().filter(\.element.retrained).map { starts[$0.offset] } ?? []
        if !retrained.isEmpty {
            body += "<p class=\"note\">Retrained after the periods starting "
                + htmlEscaped(retrained.joined(separator: ", ")) + ".</p>\n"
        }
        return htmlDocument(title: title, body: body)
    }

    static func percent(_ share: Double) -> String {
        let value = share * 100
        return value == value.rounded() ? "\(Int(value)) %" : String(format: "%.1f %%", value)
    }
}

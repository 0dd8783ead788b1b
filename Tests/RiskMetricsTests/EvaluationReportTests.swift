import Foundation
@testable import RiskMetrics
import RiskTestSupport
import Testing

@Suite("Evaluation report")
struct EvaluationReportTests {
    static let sample = LabelledSample(rowCount: 2_000, seed: 99, distinctScores: 500)

    @Test(arguments: [false, true])
    func valuesMatchTheMetricFunctions(weighted: Bool) throws {
        let s = Self.sample, p = s.probabilities
        let weights = weighted ? s.weights : nil
        let report = try EvaluationReport(probabilities: p, labels: s.labels, revenue: s.revenue, weights: weights)
        #expect(report.rows == 2_000)
        #expect(report.positives == s.labels.filter { $0 > 0.5 }.count)
        #expect(report.auc == (try rocAUC(scores: p, labels: s.labels, weights: weights)))
        #expect(report.prAUC == (try averagePrecision(scores: p, labels: s.labels, weights: weights)))
        #expect(report.logLoss == (try logLoss(probabilities: p, labels: s.labels, weights: weights)))
        #expect(report.brier == (try brierScore(probabilities: p, labels: s.labels, weights: weights)))
        let points = try targetingMetrics(rates: [0.01, 0.02, 0.05, 0.1], scores: p, labels: s.labels,
                                          revenue: s.revenue, weights: weights)
        for (key, point) in zip(["1", "2", "5", "10"], points) {
            #expect(report.precisionAt[key] == point.precision)
            #expect(report.recallAt[key] == point.recall)
            #expect(report.revenueAt?[key] == point.revenueCapture)
        }
        #expect(report.calibration == (try CalibrationTable(probabilities: p, labels: s.labels, weights: weights)))
        #expect(report.details?.targeting == points)
        #expect(report.details?.capture.count == 200)
    }

    /// Issue 15: with raw scores as tie-breakers, precision and recall at k % are those of the
    /// naive ranking by (probability, raw score, row); ties in probability alone no longer fall to
    /// row order. AUC still counts ties as ties.
    @Test(arguments: [1, 2, 3] as [UInt64])
    func rawScoresBreakProbabilityTies(seed: UInt64) throws {
        let s = LabelledSample(rowCount: 1_000, seed: seed, distinctScores: 1_000)
        // A step calibration: 10 distinct probabilities, each shared by ≈ 100 rows.
        let raw = s.scores
        let probabilities = raw.map { (($0 + 6) / 10 * 10).rounded(.down) / 10 + 0.05 }.map { min(0.95, max(0.05, $0)) }
        let report = try EvaluationReport(probabilities: probabilities, labels: s.labels, tieBreakers: raw)
        let order = raw.indices.sorted { a, b in
            probabilities[a] != probabilities[b] ? probabilities[a] > probabilities[b]
                : (raw[a] != raw[b] ? raw[a] > raw[b] : a < b)
        }
        let positives = Double(s.labels.filter { $0 > 0.5 }.count)
        for percent in [1, 2, 5, 10] {
            let selected = order.prefix(try TopSelection.selectedCount(rowCount: 1_000, rate: Double(percent) / 100))
            let hits = Double(selected.filter { s.labels[$0] > 0.5 }.count)
            #expect(report.precisionAt[String(percent)] == hits / Double(selected.count), "\(percent)%")
            #expect(report.recallAt[String(percent)] == hits / positives, "\(percent)%")
        }
        #expect(report.auc == (try rocAUC(scores: probabilities, labels: s.labels)))
        let untied = try EvaluationReport(probabilities: probabilities, labels: s.labels)
        #expect(untied.precisionAt != report.precisionAt, "the sample has ties at the cut: row order differs")
        #expect(throws: MetricError.self) {
            try EvaluationReport(probabilities: probabilities, labels: s.labels, tieBreakers: [1])
        }
    }

    @Test func jsonHasExactlyTheDocumentedKeys() throws {
        let s = Self.sample
        for revenue in [nil, s.revenue] {
            let report = try EvaluationReport(probabilities: s.probabilities, labels: s.labels, revenue: revenue)
            let data = try report.jsonData()
            let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            var expected: Set = ["rows", "positives", "auc", "pr_auc", "logloss", "brier", "precision_at",
                                 "recall_at", "calibration"]
            if revenue != nil { expected.insert("revenue_at") }
            #expect(Set(object.keys) == expected)
            for key in ["precision_at", "recall_at"] + (revenue == nil ? [] : ["revenue_at"]) {
                #expect(Set((object[key] as? [String: Double] ?? [:]).keys) == ["1", "2", "5", "10"])
            }
            let bins = try #require(object["calibration"] as? [[String: Any]])
            #expect(bins.count == 10)
            #expect(Set(bins[0].keys) == ["lower", "upper", "count", "weight", "mean_predicted", "observed_rate"])
            // Round trip keeps every encoded value; the chart details are not encoded.
            var decoded = try JSONDecoder().decode(EvaluationReport.self, from: data)
            #expect(decoded.details == nil)
            decoded.details = report.details
            #expect(decoded == report)
            // Same input ⇒ byte-identical JSON.
            #expect(try EvaluationReport(probabilities: s.probabilities, labels: s.labels, revenue: revenue)
                .jsonData() == data)
        }
    }

    @Test func textTableShowsEveryMetric() throws {
        let s = Self.sample
        let report = try EvaluationReport(probabilities: s.probabilities, labels: s.labels, revenue: s.revenue)
        let text = report.textTable()
        #expect(text.hasPrefix("Evaluation of 2000 rows, \(report.positives) positives"))
        #expect(text.contains("ROC AUC                 " + String(format: "%.4f", report.auc)))
        #expect(text.contains("Log loss                " + String(format: "%.4f", report.logLoss)))
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("5 %") })
        #expect(line.contains(String(format: "%.4f", report.precisionAt["5"]!)))
        #expect(line.contains(String(format: "%.2f", report.details!.targeting[2].lift)))
        #expect(line.contains(String(format: "%.4f", report.revenueAt!["5"]!)))
        #expect(text.contains("Calibration (10 bins of predicted probability)"))
        // Non-empty lines: title, 4 metrics, rate header + 4 rates, calibration title + header + 10 bins.
        #expect(text.split(separator: "\n").count == 1 + 4 + 1 + 4 + 1 + 1 + 10)
    }

    @Test func htmlIsSelfContainedWithFiveChartsAndEscapedTitle() throws {
        let s = Self.sample
        let report = try EvaluationReport(probabilities: s.probabilities, labels: s.labels, revenue: s.revenue)
        let html = report.html(title: #"Model <b>"A" & 'B'"#)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.components(separatedBy: "<svg").count - 1 == 5)
        #expect(html.components(separatedBy: "<polyline").count - 1 >= 7)   // ROC, PR, random, 2 capture, 2 zoomed, calibration
        #expect(html.contains("<title>Model &lt;b&gt;&quot;A&quot; &amp; &#39;B&#39;</title>"))
        #expect(html.contains("<h1>Model &lt;b&gt;&quot;A&quot; &amp; &#39;B&#39;</h1>"))
        #expect(!html.contains("<b>"))
        for forbidden in ["<script", "http://", "https://www", "<link", "src="] where forbidden != "http://" {
            #expect(!html.contains(forbidden))
        }
        // The only URL is the SVG namespace.
        #expect(html.components(separatedBy: "http://").count - 1 == 5)
        for title in ["ROC curve", "Precision–recall", "Lift / revenue capture", "Capture at the budgets that matter (0–20 %)",
                      "Calibration (reliability)"] {
            #expect(html.contains(title))
        }
        // A decoded report (no curves) still renders five charts.
        let decoded = try JSONDecoder().decode(EvaluationReport.self, from: try report.jsonData())
        let sparse = decoded.html(title: "t")
        #expect(sparse.components(separatedBy: "<svg").count - 1 == 5)
        #expect(sparse.contains("curve not available"))
    }

    /// The zoomed capture chart keeps only points within 0–20 %, and its axis is labelled in that range;
    /// identity and extra tables are escaped and placed before the charts.
    @Test func zoomedChartAndCallerTables() throws {
        let s = Self.sample
        let report = try EvaluationReport(probabilities: s.probabilities, labels: s.labels, revenue: s.revenue)
        let zoomed = try #require(report.charts().first { $0.title.hasPrefix("Capture at the budgets") })
        #expect(zoomed.xMaximum == 0.2)
        #expect(!zoomed.series.isEmpty && zoomed.series.allSatisfy { line in line.points.allSatisfy { $0.0 <= 0.2 + 1e-12 } })
        #expect(zoomed.svg().contains(">0.20</text>") && zoomed.svg().contains(">0.04</text>"))
        let html = report.html(title: "t", identity: [("Bundle", "<m>.json")],
                               tables: [ReportTable(title: "Lanes & more", note: "a < b", header: ["Lane", "n"],
                                                    rows: [["red", "3"], ["green"]])])
        #expect(html.contains("<th>Bundle</th><td class=\"text\">&lt;m&gt;.json</td>"))
        #expect(html.contains("<h2>Lanes &amp; more</h2>\n<p class=\"note\">a &lt; b</p>"))
        #expect(html.contains("<tr><td class=\"text\">green</td><td></td></tr>"))
        let tables = try #require(html.range(of: "<h2>Lanes")), charts = try #require(html.range(of: "<h2>Charts"))
        #expect(tables.lowerBound < charts.lowerBound)
    }

    /// Issue 14: an empty revenue cell (NaN, "unknown") is left out of revenue@k; when the known
    /// revenue totals 0 the metric is absent, and every other metric is still reported.
    @Test func unknownRevenueIsLeftOutAndZeroRevenueIsAbsent() throws {
        let probabilities = [0.9, 0.8, 0.7, 0.2, 0.1, 0.05, 0.3, 0.6, 0.4, 0.5]
        let labels: [Float] = [1, 1, 0, 0, 1, 0, 0, 1, 0, 0]
        let known: [Double] = [100, 50, 0, 0, 30, 0, 0, 20, 0, 0]
        var unknown = known
        unknown[0] = .nan
        unknown[9] = .nan
        let report = try EvaluationReport(probabilities: probabilities, labels: labels, revenue: unknown)
        // The oracle: the same report with the unknown rows' revenue taken as 0 is the same share of
        // the known total (100 is not known, so the total is 100, not 200).
        var zeroed = known
        zeroed[0] = 0
        let oracle = try EvaluationReport(probabilities: probabilities, labels: labels, revenue: zeroed)
        #expect(report.revenueAt == oracle.revenueAt)
        #expect(report.revenueAt?["10"] == 0)          // the top 1 of 10 is row 0, unknown
        #expect(report.revenueAt?["5"] == 0)
        for revenue in [[Double](repeating: 0, count: 10), [Double](repeating: .nan, count: 10)] {
            let absent = try EvaluationReport(probabilities: probabilities, labels: labels, revenue: revenue)
            #expect(absent.revenueAt == nil)
            #expect(absent.auc == oracle.auc && absent.precisionAt == oracle.precisionAt)
            let json = String(decoding: try absent.jsonData(prettyPrinted: false), as: UTF8.self)
            #expect(!json.contains("revenue_at"))
        }
        #expect(throws: MetricError.self) {
            _ = try EvaluationReport(probabilities: probabilities, labels: labels,
                                     revenue: known.enumerated().map { $0.offset == 3 ? -1 : $0.element })
        }
    }
}

import RiskMetrics
import RiskTestSupport
import Testing

@Suite("Top-k targeting")
struct TargetingTests {
    @Test func selectedCountIsExactCeilingForEveryPercent() throws {
        // Floating-point products such as 0.07 × 100 = 7.000000000000001 must still select 7.
        for n in 1...600 {
            for percent in 1...100 {
                let count = try TopSelection.selectedCount(rowCount: n, rate: Double(percent) / 100)
                #expect(count == Naive.selectedCount(rowCount: n, percent: percent), "n \(n) k \(percent) %")
            }
        }
        #expect(try TopSelection.selectedCount(rowCount: 100, rate: 0.07) == 7)
        #expect(try TopSelection.selectedCount(rowCount: 101, rate: 0.05) == 6)
        #expect(try TopSelection.selectedCount(rowCount: 3, rate: 1e-9) == 1)
        #expect(try TopSelection.selectedCount(rowCount: 0, rate: 0.5) == 0)
    }

    @Test func tieRuleTakesEarlierRowsFirst() throws {
        let selection = try TopSelection(scores: [5, 5, 5, 5, 5], rate: 0.4)
        #expect(selection.selectedRows == [0, 1])
        let mixed = try TopSelection(scores: [1, 3, 2, 3, 2, 3], rate: 0.5)
        #expect(mixed.selectedRows == [1, 3, 5])
        let cut = try TopSelection(scores: [1, 3, 2, 3, 2, 3], rate: 4.0 / 6)
        #expect(cut.selectedRows == [1, 3, 5, 2])
        #expect(cut.selectionMask() == [false, true, true, true, false, true])
        #expect(try TopSelection(scores: [0.2], rate: 1).selectedRows == [0])
    }

    @Test(arguments: [1, 2, 33, 400, 1_500], [1, 7, 42] as [UInt64])
    func selectionAndMetricsMatchNaive(rowCount: Int, seed: UInt64) throws {
        let s = LabelledSample(rowCount: rowCount, seed: seed, distinctScores: 12)
        let weights = s.weights
        let positiveWeight = s.labels.indices.reduce(0.0) { $0 + (s.labels[$1] > 0.5 ? Double(weights[$1]) : 0) }
        let totalWeight = weights.reduce(0.0) { $0 + Double($1) }
        let totalRevenue = s.revenue.indices.reduce(0.0) { $0 + Double(weights[$1]) * s.revenue[$1] }
        for percent in [1, 2, 5, 10, 33, 100] {
            let rate = Double(percent) / 100
            let count = Naive.selectedCount(rowCount: rowCount, percent: percent)
            let expectedRows = Naive.topRows(s.scores, count: count)
            #expect(try TopSelection(scores: s.scores, rate: rate).selectedRows == expectedRows, "seed \(seed)")

            let selectedWeight = expectedRows.reduce(0.0) { $0 + Double(weights[$1]) }
            let found = expectedRows.reduce(0.0) { $0 + (s.labels[$1] > 0.5 ? Double(weights[$1]) : 0) }
            let precision = selectedWeight > 0 ? found / selectedWeight : 0
            #expect(isClose(try precisionAt(rate: rate, scores: s.scores, labels: s.labels, weights: weights),
                            precision, relative: 1e-12))
            guard positiveWeight > 0, totalRevenue > 0 else { continue }
            let points = try targetingMetrics(rates: [rate], scores: s.scores, labels: s.labels, revenue: s.revenue,
                                              weights: weights)
            #expect(points[0].selectedCount == count)
            #expect(isClose(points[0].recall, found / positiveWeight, relative: 1e-12))
            #expect(isClose(points[0].lift, precision / (positiveWeight / totalWeight), relative: 1e-12))
            let captured = expectedRows.reduce(0.0) { $0 + Double(weights[$1]) * s.revenue[$1] }
            #expect(isClose(points[0].revenueCapture ?? .nan, captured / totalRevenue, relative: 1e-12))
            #expect(isClose(try recallAt(rate: rate, scores: s.scores, labels: s.labels, weights: weights),
                            points[0].recall, relative: 1e-15))
            #expect(isClose(try liftAt(rate: rate, scores: s.scores, labels: s.labels, weights: weights),
                            points[0].lift, relative: 1e-15))
            #expect(isClose(try revenueAt(rate: rate, scores: s.scores, revenue: s.revenue, weights: weights),
                            points[0].revenueCapture ?? .nan, relative: 1e-15))
        }
    }

    @Test func handWorkedExample() throws {
        // Ranked: rows 3 (0.9, +, 500), 0 (0.8, −), 2 (0.5, +, 100), 1 (0.1, −), 4 (0.05, +, 400).
        let scores: [Double] = [0.8, 0.1, 0.5, 0.9, 0.05]
        let labels: [Float] = [0, 0, 1, 1, 1]
        let revenue: [Double] = [0, 0, 100, 500, 400]
        let top40 = try targetingMetrics(rates: [0.4], scores: scores, labels: labels, revenue: revenue)[0]
        #expect(top40.selectedCount == 2)
        #expect(top40.precision == 0.5)
        #expect(top40.recall == 1.0 / 3)
        #expect(isClose(top40.lift, 0.5 / 0.6))
        #expect(top40.revenueCapture == 0.5)
        let curve = try captureCurve(scores: scores, labels: labels, revenue: revenue, pointCount: 5)
        #expect(curve.map(\.selectedCount) == [1, 2, 3, 4, 5])
        #expect(curve.map { $0.revenueCapture! } == [0.5, 0.5, 0.6, 0.6, 1])
        #expect(curve.last?.recall == 1 && curve.last?.lift == 1)
    }
}

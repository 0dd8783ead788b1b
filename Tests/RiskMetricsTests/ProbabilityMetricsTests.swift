import Foundation
import RiskMetrics
import RiskTestSupport
import Testing

@Suite("Probability metrics")
struct ProbabilityMetricsTests {
    @Test(arguments: [1, 2, 50, 5_000], [1, 7, 42] as [UInt64])
    func logLossAndBrierMatchNaive(rowCount: Int, seed: UInt64) throws {
        let s = LabelledSample(rowCount: rowCount, seed: seed)
        let p = s.probabilities
        for weights in [nil, s.weights] where weights?.contains(where: { $0 > 0 }) ?? true {
            // Same formula, different evaluation (log1p vs log(1 − p)): 1e-12 relative.
            #expect(isClose(try logLoss(probabilities: p, labels: s.labels, weights: weights),
                            Naive.logLoss(p, s.labels, weights), relative: 1e-12), "seed \(seed)")
            #expect(isClose(try brierScore(probabilities: p, labels: s.labels, weights: weights),
                            Naive.brier(p, s.labels, weights), relative: 1e-12), "seed \(seed)")
        }
    }

    @Test func logLossClipsAtOneEMinus15() throws {
        // A certain mistake costs −log(1e-15) ≈ 34.54, not infinity.
        #expect(isClose(try logLoss(probabilities: [0], labels: [1]), -log(1e-15), relative: 1e-12))
        // 1 − 1e-15 rounds to 1 − 9.992e-16 in Double, so the upper clip costs slightly more.
        #expect(isClose(try logLoss(probabilities: [1], labels: [0]), -log(1 - (1 - 1e-15)), relative: 1e-12))
        #expect(try logLoss(probabilities: [1, 0], labels: [1, 0]) < 1e-14)
        #expect(try brierScore(probabilities: [0, 1], labels: [1, 0]) == 1)
        #expect(try brierScore(probabilities: [0.5, 0.5], labels: [1, 0], weights: [3, 1]) == 0.25)
    }

    @Test(arguments: [1, 10, 999], [5, 6] as [UInt64])
    func calibrationTableMatchesNaive(rowCount: Int, seed: UInt64) throws {
        let s = LabelledSample(rowCount: rowCount, seed: seed)
        let p = s.probabilities
        let table = try CalibrationTable(probabilities: p, labels: s.labels, weights: s.weights)
        #expect(table.bins.count == 10)
        #expect(table.bins.map(\.count).reduce(0, +) == rowCount)
        for (b, bin) in table.bins.enumerated() {
            let members = p.indices.filter { p[$0] >= Double(b) / 10 && (p[$0] < Double(b + 1) / 10 || b == 9) }
            #expect(bin.count == members.count, "seed \(seed) bin \(b)")
            let weight = members.reduce(0.0) { $0 + Double(s.weights[$1]) }
            #expect(isClose(bin.weight, weight, relative: 1e-12))
            if weight > 0 {
                let predicted = members.reduce(0.0) { $0 + Double(s.weights[$1]) * p[$1] } / weight
                let observed = members.reduce(0.0) { $0 + (s.labels[$1] > 0.5 ? Double(s.weights[$1]) : 0) } / weight
                #expect(isClose(bin.meanPredicted ?? .nan, predicted, relative: 1e-12))
                #expect(isClose(bin.observedRate ?? .nan, observed, relative: 1e-12))
            } else {
                #expect(bin.meanPredicted == nil && bin.observedRate == nil)
            }
        }
    }

    @Test func calibrationBinEdges() throws {
        let p = [0, 0.1, 0.3, 0.7, 0.0999999, 0.9999, 1]
        let table = try CalibrationTable(probabilities: p, labels: [0, 0, 1, 1, 0, 1, 1])
        #expect(table.bins.map(\.count) == [2, 1, 0, 1, 0, 0, 0, 1, 0, 2])
        #expect(table.bins[9].observedRate == 1 && table.bins[2].meanPredicted == nil)
        let json = String(decoding: try JSONEncoder().encode(table), as: UTF8.self)
        #expect(json.hasPrefix("[{"))
        #expect(json.contains("\"mean_predicted\":null"))
        #expect(try JSONDecoder().decode(CalibrationTable.self, from: Data(json.utf8)) == table)
    }
}

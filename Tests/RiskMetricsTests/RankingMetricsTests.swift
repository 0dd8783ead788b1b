import Foundation
import RiskData
import RiskMetrics
import RiskTestSupport
import Testing

/// Sizes from 1 to 5000 rows; the quadratic oracle keeps the largest size to one seed.
let rankingCases: [(rowCount: Int, seed: UInt64)] =
    [1, 2, 3, 17, 250, 1_200].flatMap { n in [1, 7, 42].map { (n, $0) } } + [(5_000, 3)]

@Suite("Ranking metrics")
struct RankingMetricsTests {
    // Summation order differs from the oracle's, so agreement is to rounding: 1e-12 relative.

    @Test(arguments: rankingCases)
    func aucMatchesPairCounting(rowCount: Int, seed: UInt64) throws {
        let sample = LabelledSample(rowCount: rowCount, seed: seed)
        for weights in [nil, sample.weights] {
            if let expected = Naive.auc(sample.scores, sample.labels, weights) {
                let auc = try rocAUC(scores: sample.scores, labels: sample.labels, weights: weights)
                #expect(isClose(auc, expected, relative: 1e-12), "seed \(seed) n \(rowCount)")
            } else {
                #expect(throws: MetricError.self) {
                    try rocAUC(scores: sample.scores, labels: sample.labels, weights: weights)
                }
            }
        }
    }

    @Test(arguments: rankingCases)
    func averagePrecisionMatchesDefinition(rowCount: Int, seed: UInt64) throws {
        let sample = LabelledSample(rowCount: rowCount, seed: seed)
        for weights in [nil, sample.weights] {
            if let expected = Naive.averagePrecision(sample.scores, sample.labels, weights) {
                let ap = try averagePrecision(scores: sample.scores, labels: sample.labels, weights: weights)
                #expect(isClose(ap, expected, relative: 1e-12), "seed \(seed) n \(rowCount)")
            } else {
                #expect(throws: MetricError.self) {
                    try averagePrecision(scores: sample.scores, labels: sample.labels, weights: weights)
                }
            }
        }
    }

    @Test(arguments: [(300, 1), (300, 2), (2_000, 3)] as [(Int, UInt64)])
    func aucOfNegatedScoresIsComplement(rowCount: Int, seed: UInt64) throws {
        let sample = LabelledSample(rowCount: rowCount, seed: seed)
        for weights in [nil, sample.weights] {
            let auc = try rocAUC(scores: sample.scores, labels: sample.labels, weights: weights)
            let negated = try rocAUC(scores: sample.scores.map { -$0 }, labels: sample.labels, weights: weights)
            #expect(isClose(negated, 1 - auc, relative: 1e-12, absolute: 1e-14), "seed \(seed)")
        }
    }

    @Test(arguments: [(300, 4), (2_000, 5)] as [(Int, UInt64)])
    func invariantUnderMonotoneTransformsAndPermutation(rowCount: Int, seed: UInt64) throws {
        let s = LabelledSample(rowCount: rowCount, seed: seed)
        let auc = try rocAUC(scores: s.scores, labels: s.labels, weights: s.weights)
        let ap = try averagePrecision(scores: s.scores, labels: s.labels, weights: s.weights)
        // Strictly increasing maps keep the ranking and the ties, so the results are bit-identical.
        for transform in [{ exp($0) }, { 3 * $0 + 1 }, { $0 * $0 * $0 }, { 1 / (1 + exp(-$0)) }] as [(Double) -> Double] {
            let t = s.scores.map(transform)
            #expect(try rocAUC(scores: t, labels: s.labels, weights: s.weights) == auc)
            #expect(try averagePrecision(scores: t, labels: s.labels, weights: s.weights) == ap)
        }
        // A permutation changes only the summation order inside tie groups.
        var generator = SeededGenerator(seed: seed &+ 100)
        let permutation = Array(0..<rowCount).shuffled(using: &generator)
        let scores = permutation.map { s.scores[$0] }, labels = permutation.map { s.labels[$0] }
        let weights = permutation.map { s.weights[$0] }
        #expect(isClose(try rocAUC(scores: scores, labels: labels, weights: weights), auc, relative: 1e-12))
        #expect(isClose(try averagePrecision(scores: scores, labels: labels, weights: weights), ap, relative: 1e-12))
    }

    @Test(arguments: [(17, 1), (500, 2), (3_000, 3)] as [(Int, UInt64)])
    func curvesAgreeWithAreas(rowCount: Int, seed: UInt64) throws {
        let s = LabelledSample(rowCount: rowCount, seed: seed)
        let roc = try rocCurve(scores: s.scores, labels: s.labels, weights: s.weights)
        #expect(roc.first == ROCPoint(falsePositiveRate: 0, truePositiveRate: 0, threshold: .infinity))
        #expect(roc.last?.falsePositiveRate == 1 && roc.last?.truePositiveRate == 1)
        #expect(roc.count == Set(s.scores).count + 1)
        var trapezoid = 0.0
        for i in 1..<roc.count {
            trapezoid += (roc[i].falsePositiveRate - roc[i - 1].falsePositiveRate)
                * (roc[i].truePositiveRate + roc[i - 1].truePositiveRate) / 2
        }
        #expect(isClose(trapezoid, try rocAUC(scores: s.scores, labels: s.labels, weights: s.weights), relative: 1e-12))

        let pr = try precisionRecallCurve(scores: s.scores, labels: s.labels, weights: s.weights)
        #expect(pr.first == PrecisionRecallPoint(recall: 0, precision: 1, threshold: .infinity))
        #expect(pr.last?.recall == 1)
        #expect(zip(pr, pr.dropFirst()).allSatisfy { $0.recall <= $1.recall && $0.threshold > $1.threshold })
        var area = 0.0
        for i in 1..<pr.count { area += (pr[i].recall - pr[i - 1].recall) * pr[i].precision }
        #expect(area == (try averagePrecision(scores: s.scores, labels: s.labels, weights: s.weights)))
    }

    @Test func perfectAndReversedRankings() throws {
        let scores: [Double] = [0.1, 0.2, 0.3, 0.9, 0.8]
        let labels: [Float] = [0, 0, 0, 1, 1]
        #expect(try rocAUC(scores: scores, labels: labels) == 1)
        #expect(try averagePrecision(scores: scores, labels: labels) == 1)
        #expect(try rocAUC(scores: scores.map { -$0 }, labels: labels) == 0)
        // Constant scores: one threshold; AUC ½ and AP = the positive rate.
        #expect(try rocAUC(scores: [1, 1, 1, 1, 1], labels: labels) == 0.5)
        #expect(try averagePrecision(scores: [1, 1, 1, 1, 1], labels: labels) == 0.4)
        // All positives is fine for AP.
        #expect(try averagePrecision(scores: [1, 2], labels: [1, 1]) == 1)
    }
}

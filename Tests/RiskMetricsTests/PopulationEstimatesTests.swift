import Foundation
import Testing
@testable import RiskMetrics

/// Inverse-propensity population estimates against a population whose every label is known.
@Suite("Population estimates from a selected history")
struct PopulationEstimatesTests {
    /// A period of `n` declarations: risk from a latent `x`, a model score that sees `x` with noise,
    /// and an old policy that inspects 3 % at random and 40 % of the declarations it rightly finds
    /// risky (`x > 1.2`): the inspected rows overstate fraud, overall and inside any top k %.
    struct World {
        var labels: [Float] = [], scores: [Double] = [], inspected: [Bool] = [], probability: [Double] = []
        var revenue: [Double] = []

        init(n: Int, seed: UInt64) {
            var g = SplitMix(seed: seed)
            func unit() -> Double { Double(g.next() >> 11) / Double(1 << 53) }
            func gaussian() -> Double { (-2 * log(max(unit(), 1e-300))).squareRoot() * cos(2 * .pi * unit()) }
            for _ in 0..<n {
                let x = gaussian()
                let p = 1 / (1 + exp(-(-3.2 + 1.3 * x)))
                let y: Float = unit() < p ? 1 : 0
                labels.append(y)
                revenue.append(y == 1 ? 100 + 50 * unit() : 0)
                scores.append(x + 0.8 * gaussian())
                let pi = x > 1.2 ? 0.4 : 0.03
                probability.append(pi)
                inspected.append(unit() < pi)
            }
        }

        var ranking: [Int] { scores.indices.sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) } }

        func history() throws -> SelectedHistory {
            // Labels of uninspected declarations are unknown to the estimator: hide them.
            let seen = zip(labels, inspected).map { $1 ? $0 : Float.nan }
            return try SelectedHistory(inspected: inspected, selectionProbability: probability, labels: seen, revenue: revenue)
        }
    }

    @Test func intervalsCoverThePopulationTruthInAbout95PercentOfSeeds() throws {
        var covered = (rate: 0, precision: 0, recall: 0, revenue: 0)
        var naiveError = 0.0, ipwError = 0.0
        // 20,000 declarations: the top 5 % (1,000) holds ≈ 95 inspected ones.
        let seeds = 40, n = 20_000
        for seed in 1...UInt64(seeds) {
            let world = World(n: n, seed: seed)
            let ranking = world.ranking
            let estimates = try world.history().estimates(ranking: ranking, rates: [0.05], bootstrapSamples: 400, seed: seed)
            let top = Array(ranking.prefix(n / 20))
            let trueRate = Double(world.labels.reduce(0, +)) / Double(n)
            let truePositives = top.reduce(0.0) { $0 + Double(world.labels[$1]) }
            let truePrecision = truePositives / Double(n / 20)
            let trueRecall = truePositives / Double(world.labels.reduce(0, +))
            let trueRevenue = top.reduce(0.0) { $0 + world.revenue[$1] } / world.revenue.reduce(0, +)
            func inside(_ e: IntervalEstimate, _ truth: Double) -> Int { e.low <= truth && truth <= e.high ? 1 : 0 }
            covered.rate += inside(estimates.illicitRate, trueRate)
            covered.precision += inside(estimates.precisionAt[0.05]!, truePrecision)
            covered.recall += inside(estimates.recallAt[0.05]!, trueRecall)
            covered.revenue += inside(estimates.revenueAt[0.05]!, trueRevenue)
            // The naive rate on inspected declarations only, for comparison.
            let inspectedLabels = zip(world.labels, world.inspected).filter(\.1).map { Double($0.0) }
            naiveError += abs(inspectedLabels.reduce(0, +) / Double(inspectedLabels.count) - trueRate)
            ipwError += abs(estimates.illicitRate.value - trueRate)
            #expect(estimates.illicitRate.low <= estimates.illicitRate.value && estimates.illicitRate.value <= estimates.illicitRate.high)
        }
        // 40 seeds: 95 % coverage gives 38 on average; ≥ 34 (85 %) fails by chance with probability ≈ 1 %.
        print("coverage over \(seeds) seeds: rate \(covered.rate), precision \(covered.precision), recall \(covered.recall), revenue \(covered.revenue)")
        #expect(covered.rate >= 34, "illicit rate covered \(covered.rate)/\(seeds)")
        #expect(covered.precision >= 34, "precision@5% covered \(covered.precision)/\(seeds)")
        #expect(covered.recall >= 34, "recall@5% covered \(covered.recall)/\(seeds)")
        #expect(covered.revenue >= 34, "revenue@5% covered \(covered.revenue)/\(seeds)")
        #expect(covered.rate <= seeds && covered.precision <= seeds)
        #expect(ipwError < naiveError, "mean |error|: weighted \(ipwError / Double(seeds)), inspected-only \(naiveError / Double(seeds))")
    }

    /// Where the old policy inspects a segment with more fraud, the inspected rows overstate the
    /// rate; the weighted estimate does not.
    @Test func weightingRemovesTheOldPolicysBias() throws {
        var naive = 0.0, weighted = 0.0, truth = 0.0
        for seed in 1...UInt64(20) {
            var world = World(n: 4_000, seed: seed)
            // The old policy now prefers high scores: inspect 50 % of the top fifth, 2 % elsewhere.
            let threshold = world.scores.sorted()[3_200]
            var g = SplitMix(seed: seed &+ 1000)
            for i in 0..<4_000 {
                world.probability[i] = world.scores[i] >= threshold ? 0.5 : 0.02
                world.inspected[i] = Double(g.next() >> 11) / Double(1 << 53) < world.probability[i]
            }
            let estimate = try world.history().estimates(ranking: world.ranking, rates: [0.05], bootstrapSamples: 100)
            let inspectedLabels = zip(world.labels, world.inspected).filter(\.1).map { Double($0.0) }
            naive += inspectedLabels.reduce(0, +) / Double(inspectedLabels.count)
            weighted += estimate.illicitRate.value
            truth += Double(world.labels.reduce(0, +)) / 4_000
        }
        #expect(naive / truth > 1.8, "naive \(naive / 20) vs truth \(truth / 20)")
        #expect(abs(weighted / truth - 1) < 0.1, "weighted \(weighted / 20) vs truth \(truth / 20)")
    }

    @Test func refusesBrokenPositivityAndBadInput() throws {
        let zero = try #require(throws: MetricError.self) {
            try SelectedHistory(inspected: [true, false], selectionProbability: [0.5, 0], labels: [1, .nan])
        }
        #expect(zero.message == "declaration 1 has selection probability 0.0; expected a value in (0, 1]. A declaration "
                + "the old policy could never select cannot be estimated for (positivity).")
        #expect(throws: MetricError.self) {
            try SelectedHistory(inspected: [true], selectionProbability: [0.5], labels: [.nan])
        }
        #expect(throws: MetricError.self) {
            try SelectedHistory(inspected: [true, true], selectionProbability: [1, 1], labels: [1])
        }
        let history = try SelectedHistory(inspected: [true, false, true], selectionProbability: [1, 0.5, 0.25],
                                          labels: [1, .nan, 0])
        #expect(throws: MetricError.self) { try history.estimates(ranking: [0, 1, 1]) }
        #expect(throws: MetricError.self) { try history.estimates(ranking: [0, 1, 2], rates: [0]) }
        // Hand-computed: weights 1 and 4; illicit rate 1 / 5; top 1 (row 0): precision 1, recall 1.
        let e = try history.estimates(ranking: [0, 1, 2], rates: [1.0 / 3], bootstrapSamples: 100)
        #expect(e.illicitRate.value == 0.2)
        #expect(e.precisionAt[1.0 / 3]?.value == 1 && e.recallAt[1.0 / 3]?.value == 1)
        #expect(e.revenueAt.isEmpty && e.inspectedCount == 2)
    }

    @Test func bootstrapIsDeterministicBySeed() throws {
        let world = World(n: 1_000, seed: 5)
        let a = try world.history().estimates(ranking: world.ranking, bootstrapSamples: 100, seed: 9)
        let b = try world.history().estimates(ranking: world.ranking, bootstrapSamples: 100, seed: 9)
        let c = try world.history().estimates(ranking: world.ranking, bootstrapSamples: 100, seed: 10)
        #expect(a == b)
        #expect(a.illicitRate.value == c.illicitRate.value && a.illicitRate.low != c.illicitRate.low)
    }
}

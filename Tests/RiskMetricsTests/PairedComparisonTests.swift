import Foundation
import Testing
@testable import RiskMetrics

/// `evaluate --model A --model B`: differences B − A with a paired bootstrap interval.
@Suite struct PairedComparisonTests {
    typealias World = PopulationEstimatesTests.World

    @Test func aRankingComparedWithItselfDiffersByExactlyZero() throws {
        let world = World(n: 5_000, seed: 3)
        let c = try world.history().comparison(rankingA: world.ranking, rankingB: world.ranking, bootstrapSamples: 200)
        for e in Array(c.precisionAt.values) + Array(c.recallAt.values) + Array(c.revenueAt.values) {
            #expect(e.value == 0 && e.low == 0 && e.high == 0)
        }
    }

    /// The point difference is the difference of the two rankings' own estimates, and the paired
    /// interval of a clearly better ranking excludes 0 where the separate intervals overlap.
    @Test func theDifferenceIsPairedAndFindsARealImprovement() throws {
        let world = World(n: 20_000, seed: 5)
        let history = try world.history()
        // B: the model's scores with less noise (sees the label's latent risk better); A: the noisy one.
        var generator = SplitMix(seed: 9)
        let noisy = world.scores.map { $0 + 1.5 * (Double(generator.next() >> 11) / Double(1 << 53) - 0.5) }
        let a = noisy.indices.sorted { noisy[$0] > noisy[$1] || (noisy[$0] == noisy[$1] && $0 < $1) }
        let b = world.ranking
        let comparison = try history.comparison(rankingA: a, rankingB: b)
        let estimatesA = try history.estimates(ranking: a), estimatesB = try history.estimates(ranking: b)
        for rate in [0.01, 0.02, 0.05, 0.1] {
            let difference = estimatesB.precisionAt[rate]!.value - estimatesA.precisionAt[rate]!.value
            #expect(abs(comparison.precisionAt[rate]!.value - difference) < 1e-12)
            let recall = estimatesB.recallAt[rate]!.value - estimatesA.recallAt[rate]!.value
            #expect(abs(comparison.recallAt[rate]!.value - recall) < 1e-12)
        }
        // At 10 %: B is better, and the paired interval is narrower than either separate one.
        let paired = comparison.recallAt[0.1]!
        #expect(paired.value > 0)
        #expect(paired.low > 0, "paired interval \(paired)")
        let separate = estimatesB.recallAt[0.1]!
        #expect(paired.high - paired.low < separate.high - separate.low)
    }

    @Test func aFullyLabelledFileGivesThePlainMetrics() throws {
        // Every declaration inspected with probability 1: precision@k is the share of positives in the top k.
        let labels: [Float] = (0..<1_000).map { $0 % 7 == 0 ? 1 : 0 }
        let history = try SelectedHistory(inspected: .init(repeating: true, count: 1_000),
                                          selectionProbability: .init(repeating: 1, count: 1_000), labels: labels)
        let a = Array(0..<1_000), b = labels.indices.sorted { labels[$0] > labels[$1] || (labels[$0] == labels[$1] && $0 < $1) }
        let c = try history.comparison(rankingA: a, rankingB: b, rates: [0.1], bootstrapSamples: 100)
        let precisionA = Double(a.prefix(100).filter { labels[$0] == 1 }.count) / 100
        #expect(abs(c.precisionAt[0.1]!.value - (1 - precisionA)) < 1e-12)
    }
}

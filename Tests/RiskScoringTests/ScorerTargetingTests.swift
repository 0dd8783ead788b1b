import CustomsRisk
import Foundation
import Testing

/// Targeting through the scorer: exploration records selection probabilities, and ranking by
/// expected revenue uses the bundle's revenue model.
@Suite struct ScorerTargetingTests {
    @Test(arguments: ScorerFixtures.kinds, [3, 11, 2_024] as [UInt64])
    func explorationRecordsSelectionProbabilities(kind: String, seed: UInt64) throws {
        let scorer = try ScorerFixtures.scorer(kind)
        let table = try ScorerFixtures.sampleTable(scorer)
        let n = table.rowCount
        let policy = try TargetingPolicy(budget: .inspectionRate(0.1), explorationShare: 0.3, explorationSeed: seed)
        let a = try scorer.score(table, policy: policy, options: ScoringOptions(reasonCount: 0))
        let decisions = a.map { $0.decision! }
        let budget = 20        // ceil(0.1 × 200)
        let explored = 6       // round(0.3 × 20)
        #expect(decisions.filter(\.selected).count == budget)
        #expect(decisions.filter(\.explored).count == explored)
        // Naive oracle: the top 14 by (probability desc, row asc) are selected by rank with certainty.
        let order = (0..<n).sorted { a[$0].probability != a[$1].probability
            ? a[$0].probability > a[$1].probability : $0 < $1 }
        let byRank = Set(order.prefix(budget - explored))
        for row in 0..<n {
            let d = decisions[row]
            if byRank.contains(row) {
                #expect(d.selected && !d.explored && d.selectionProbability == 1)
            } else {
                #expect(d.selectionProbability == Double(explored) / Double(n - (budget - explored)))
                #expect(d.selected == d.explored)
            }
        }
        // Inclusion probabilities sum to the expected number selected (Horvitz–Thompson weights 1/p).
        #expect(abs(decisions.reduce(0) { $0 + $1.selectionProbability } - Double(budget)) <= 1e-9)
        // Seeded: the same seed gives the same draw.
        let again = try scorer.score(table, policy: policy, options: ScoringOptions(reasonCount: 0))
        #expect(again.map(\.decision) == a.map(\.decision))
    }

    @Test(arguments: ScorerFixtures.kinds)
    func rankingByExpectedRevenueUsesTheRevenueModel(kind: String) throws {
        let scorer = try ScorerFixtures.scorer(kind)
        let revenueModel = try #require(scorer.bundle.revenueModel, "the reference bundles carry a revenue model")
        let table = try ScorerFixtures.sampleTable(scorer)
        let policy = try TargetingPolicy(budget: .inspectionRate(0.05), rankBy: .expectedRevenue)
        let a = try scorer.score(table, policy: policy, options: ScoringOptions(reasonCount: 0, threadCount: 1))

        // Oracle: probability × (e^r − 1) with r the revenue trees' prediction of log1p(revenue),
        // clamped to [0, 700], computed here through the model's own (unflattened) prediction path.
        let trees = try scorer.bundle.pipeline.transform(table, for: .trees, threadCount: 1)
        let logRevenue = try revenueModel.rawScores(trees, threadCount: 1)
        for (row, assessment) in a.enumerated() {
            let expected = assessment.probability * Foundation.expm1(max(0, min(logRevenue[row], 700)))
            let value = try #require(assessment.expectedRevenue)
            #expect(abs(value - expected) <= 1e-9 * max(1, expected), "row \(row)")
        }
        let revenue = a.map { $0.expectedRevenue! }
        let order = revenue.indices.sorted { revenue[$0] != revenue[$1] ? revenue[$0] > revenue[$1] : $0 < $1 }
        for (position, row) in order.enumerated() {
            #expect(a[row].decision?.rank == position + 1)
            #expect(a[row].decision?.selected == (position < 10))  // ceil(0.05 × 200)
        }
        // Revenue ranking differs from probability ranking on this sample (otherwise the test
        // would not tell the two apart).
        let byProbability = try scorer.score(table, policy: TargetingPolicy(budget: .inspectionRate(0.05)),
                                             options: ScoringOptions(reasonCount: 0))
        #expect(byProbability.map { $0.decision!.rank } != a.map { $0.decision!.rank })
    }

    @Test func withoutARevenueModelRevenueRankingFallsBackToProbability() throws {
        var bundle = try ScorerFixtures.bundle("gbt")
        bundle.revenueModel = nil
        let scorer = try RiskScorer(bundle: bundle)
        let table = try ScorerFixtures.sampleTable(scorer)
        let byRevenue = try scorer.score(table, policy: TargetingPolicy(budget: .capacity(7), rankBy: .expectedRevenue),
                                         options: ScoringOptions(reasonCount: 0))
        let byProbability = try scorer.score(table, policy: TargetingPolicy(budget: .capacity(7)),
                                             options: ScoringOptions(reasonCount: 0))
        #expect(byRevenue.allSatisfy { $0.expectedRevenue == nil })
        #expect(byRevenue.map(\.decision) == byProbability.map(\.decision))
        #expect(byRevenue.filter { $0.decision!.selected }.count == 7)
    }
}

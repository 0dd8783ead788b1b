import RiskData
import RiskMetrics
@testable import RiskScoring
import CustomsRisk
import Testing

@Suite struct TargetingPolicyTests {
    @Test(arguments: [1, 19, 20, 21, 1_000], [0.01, 0.05, 0.5, 1.0])
    func rateSelectsCeilOfBudgetHighestFirst(n: Int, rate: Double) throws {
        var g = SeededGenerator(seed: UInt64(n))
        let values = (0..<n).map { _ in Double(g.nextInt(below: 10)) }  // many ties
        let decisions = try TargetingPolicy(budget: .inspectionRate(rate)).select(values)
        let expected = try TopSelection.selectedCount(rowCount: n, rate: rate)
        #expect(decisions.filter(\.selected).count == expected)
        // Naive oracle: sort by (value desc, index asc), take the first `expected`.
        let naive = Set((0..<n).sorted { values[$0] != values[$1] ? values[$0] > values[$1] : $0 < $1 }.prefix(expected))
        #expect(Set(decisions.indices.filter { decisions[$0].selected }) == naive)
        #expect(Set(decisions.map(\.rank)) == Set(1...n))
    }

    @Test func explorationRecordsInclusionProbability() throws {
        let values = (0..<1_000).map(Double.init)
        let policy = try TargetingPolicy(budget: .inspectionRate(0.1), explorationShare: 0.2, explorationSeed: 9)
        let d = policy.select(values)
        #expect(d.filter(\.selected).count == 100)
        #expect(d.filter(\.explored).count == 20)
        // The 80 highest are selected by rank with probability 1; the other 920 had 20/920 each.
        #expect(d[999].selected && d[999].selectionProbability == 1 && !d[999].explored)
        #expect(d[0].selectionProbability == 20.0 / 920.0)
        #expect(policy.select(values) == d)  // seeded
    }

    @Test func invalidRateIsRefused() {
        let error = #expect(throws: ScoringError.self) { try TargetingPolicy(budget: .inspectionRate(5)) }
        #expect(error?.message == "inspection rate is 5.0; expected a fraction in (0, 1], e.g. 0.05 for 5%.")
    }

    @Test func lanesFollowTargetRates() throws {
        let p = (0..<1_000).map { Double($0) / 1_000 }
        let lanes = try LaneThresholds.fromTargetRates(probabilities: p, redRate: 0.02, yellowRate: 0.05, blueRate: 0.1)
        let counts = Dictionary(grouping: p.map(lanes.lane(for:)), by: { $0 }).mapValues(\.count)
        #expect(counts[.red] == 20 && counts[.yellow] == 30 && counts[.blue] == 50 && counts[.green] == 900)
    }
}

/// The radix order of `TargetingPolicy.select` against the comparison sort that defines it.
@Suite struct TargetingOrderTests {
    static func values(count: Int, seed: UInt64) -> [Double] {
        var g = SeededGenerator(seed: seed)
        let specials: [Double] = [.nan, -.nan, .infinity, -.infinity, 0, -0.0, .leastNonzeroMagnitude,
                                  -.leastNonzeroMagnitude, .greatestFiniteMagnitude, 1, 0.5]
        return (0..<count).map { _ in
            switch g.nextInt(below: 5) {
            case 0: return specials[g.nextInt(below: specials.count)]
            case 1: return Double(g.nextInt(below: 8)) / 4  // ties
            case 2: return Double(bitPattern: g.next())     // any bits, NaN payloads included
            default: return g.nextUnit() * 2 - 1
            }
        }
    }

    @Test(arguments: [0, 1, 2, 3, 255, 256, 257, 10_000], [1, 2] as [UInt64])
    func radixOrderIsTheComparisonOrder(count: Int, seed: UInt64) {
        let values = Self.values(count: count, seed: seed)
        #expect(TargetingPolicy.descendingOrder(values) == TargetingPolicy.comparisonOrder(values),
                "count \(count), seed \(seed)")
    }

    @Test func sameValuesKeepIndexOrderAndSignedZerosTie() {
        #expect(TargetingPolicy.descendingOrder([0.5, 0.5, 0.5]) == [0, 1, 2])
        #expect(TargetingPolicy.descendingOrder([-0.0, 0.0, -0.0]) == [0, 1, 2])
        #expect(TargetingPolicy.descendingOrder([.nan, -.infinity, 1, .nan]) == [2, 0, 1, 3])
    }

    /// Issue 15: equal values (an isotonic calibration maps many raw scores onto one probability)
    /// are ordered by the tie-breaker (the raw score), then by index; the radix sort does it by
    /// sorting the tie-breakers' keys first.
    @Test(arguments: [2, 3, 255, 256, 257, 10_000], [1, 2] as [UInt64])
    func tieBreakersOrderEqualValues(count: Int, seed: UInt64) {
        let values = Self.values(count: count, seed: seed).map { $0.isNaN ? $0 : ($0 * 4).rounded() / 4 }
        let tieBreakers = Self.values(count: count, seed: seed &+ 100)
        #expect(TargetingPolicy.descendingOrder(values, tieBreakers: tieBreakers)
                == TargetingPolicy.comparisonOrder(values, tieBreakers: tieBreakers), "count \(count), seed \(seed)")
    }

    @Test func rawScoreDecidesAmongEqualProbabilities() throws {
        let probabilities = [0.3, 0.9, 0.3, 0.3, 0.9]
        let raw = [-1.0, 2.0, 0.5, 0.5, 3.0]
        #expect(TargetingPolicy.descendingOrder(probabilities, tieBreakers: raw) == [4, 1, 2, 3, 0])
        let decisions = try TargetingPolicy(budget: .capacity(2)).select([0.3, 0.3, 0.3], tieBreakers: [1, 3, 2])
        #expect(decisions.map(\.rank) == [3, 1, 2])
        #expect(decisions.map(\.selected) == [false, true, true])
    }
}
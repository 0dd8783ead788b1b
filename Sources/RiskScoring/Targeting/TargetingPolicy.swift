import RiskData
import RiskMetrics

/// How a batch of scored declarations is selected for inspection.
public struct TargetingPolicy: Sendable, Hashable, Codable {
    /// What limits the selection.
    public enum Budget: Sendable, Hashable, Codable {
        /// Select the top `rate` of the batch (`ceil(rate × n)` declarations), `0 < rate ≤ 1`.
        case inspectionRate(Double)
        /// Select every declaration whose ranking value is ≥ the threshold.
        case threshold(Double)
        /// Select the top `count` declarations.
        case capacity(Int)
    }

    /// What declarations are ranked by.
    public enum RankingKey: String, Sendable, Hashable, Codable {
        /// Calibrated probability of an infraction.
        case probability
        /// Probability × expected recoverable revenue.
        case expectedRevenue = "expected_revenue"
    }

    /// What limits the selection (rate, threshold or capacity).
    public var budget: Budget
    /// The value declarations are ranked by.
    public var rankBy: RankingKey
    /// Share of the budget spent on declarations drawn uniformly at random from the unselected
    /// rest (exploration), `0 ≤ share < 1`. Keeps the label data of future models unbiased.
    public var explorationShare: Double
    /// Seed of the exploration draw.
    public var explorationSeed: UInt64

    /// - Throws: `ScoringError` `.invalidParameter` naming the bad value and its valid range.
    public init(budget: Budget, rankBy: RankingKey = .probability, explorationShare: Double = 0,
                explorationSeed: UInt64 = 0) throws {
        switch budget {
        case .inspectionRate(let r) where !(r > 0 && r <= 1):
            throw ScoringError(.invalidParameter, "inspection rate is \(r); expected a fraction in (0, 1], e.g. 0.05 for 5%.")
        case .capacity(let c) where c < 0:
            throw ScoringError(.invalidParameter, "inspection capacity is \(c); expected a count ≥ 0.")
        case .threshold(let t) where !t.isFinite:
            throw ScoringError(.invalidParameter, "selection threshold is \(t); expected a finite number.")
        default: break
        }
        guard explorationShare >= 0, explorationShare < 1 else {
            throw ScoringError(.invalidParameter, "exploration share is \(explorationShare); expected a fraction in [0, 1).")
        }
        self.budget = budget
        self.rankBy = rankBy
        self.explorationShare = explorationShare
        self.explorationSeed = explorationSeed
    }

    /// The decision for one declaration.
    public struct Decision: Sendable, Hashable, Codable {
        /// 1-based rank by the ranking value (ties: earlier row first).
        public var rank: Int
        /// Selected for inspection.
        public var selected: Bool
        /// Selected by the random exploration draw rather than by rank.
        public var explored: Bool
        /// Probability that this declaration was selected under the policy (1 for rank-selected
        /// rows, the draw's inclusion probability for the rest); weights 1/p correct later
        /// evaluations for selection bias.
        public var selectionProbability: Double
    }

    /// The decisions of a scored batch: every way of scoring ranks by this rule (`RiskScorer.score`
    /// with a policy, `SegmentedScoring`). The ranking value is the probability, or the expected
    /// revenue under `.expectedRevenue` when the model has a revenue head (else the probability);
    /// ties go to the higher raw score (`select(_:tieBreakers:)`).
    ///
    /// - Parameters:
    ///   - probabilities: Calibrated probabilities, one per declaration, in batch order.
    ///   - expectedRevenue: Expected revenues in the same order, or nil without a revenue head.
    ///   - rawScores: Raw scores in the same order.
    /// - Complexity: O(*n*), as `select(_:tieBreakers:)`.
    public func select(probabilities: [Double], expectedRevenue: [Double]?, rawScores: [Double]) -> [Decision] {
        select(rankBy == .expectedRevenue ? (expectedRevenue ?? probabilities) : probabilities, tieBreakers: rawScores)
    }

    /// Selects from `values` (one ranking value per declaration, higher = riskier).
    ///
    /// Rank-based selection takes the highest values; among equal values the higher tie-breaker
    /// (the raw model score, when given) goes first, then the lower index. Exploration then draws
    /// `round(share × budget)` of the budget uniformly at random from the remaining rows. With
    /// `.threshold`, exploration adds `round(share × selected)` random extra rows.
    ///
    /// - Parameters:
    ///   - values: The ranking value of each declaration (probability or expected revenue).
    ///   - tieBreakers: One value per declaration that orders equal `values` (the raw score: an
    ///     isotonic calibration maps many raw scores onto one probability), or nil.
    /// - Complexity: O(*n*) (a radix sort of the values, and of the tie-breakers first when given).
    public func select(_ values: [Double], tieBreakers: [Double]? = nil) -> [Decision] {
        let n = values.count
        precondition(tieBreakers == nil || tieBreakers!.count == n, "one tie-breaker per value")
        let order = Self.descendingOrder(values, tieBreakers: tieBreakers)
        var decisions = [Decision](repeating: Decision(rank: 0, selected: false, explored: false, selectionProbability: 0),
                                   count: n)
        for (position, row) in order.enumerated() { decisions[row].rank = position + 1 }
        let budgetCount: Int
        switch budget {
        case .inspectionRate(let r):
            // Same count and tie rule as the precision@k metrics, so policy and evaluation agree.
            budgetCount = (try? TopSelection.selectedCount(rowCount: n, rate: r)) ?? n
        case .capacity(let c): budgetCount = min(n, c)
        case .threshold(let t): budgetCount = order.prefix { values[$0] >= t }.count
        }
        var explore = Int((explorationShare * Double(budgetCount)).rounded())
        var byRank = budgetCount - explore
        if case .threshold = budget {
            byRank = budgetCount
            explore = min(n - byRank, explore)
        }
        for row in order.prefix(byRank) {
            decisions[row].selected = true
            decisions[row].selectionProbability = 1
        }
        let rest = Array(order.dropFirst(byRank))
        if explore > 0, !rest.isEmpty {
            let inclusion = Double(explore) / Double(rest.count)
            for row in rest { decisions[row].selectionProbability = inclusion }
            var generator = SeededGenerator(seed: explorationSeed)
            var pool = rest
            for i in 0..<min(explore, pool.count) {
                let j = i + generator.nextInt(below: pool.count - i)
                pool.swapAt(i, j)
                decisions[pool[i]].selected = true
                decisions[pool[i]].explored = true
            }
        }
        return decisions
    }

    /// The row indices by value, highest first, ties (NaN counts as −∞, −0 as +0) by higher
    /// tie-breaker (same rule) when given, then by lower index: the order of `values.indices.sorted`
    /// with that rule, by a stable least-significant-digit radix sort of order-preserving 64-bit keys
    /// (8 passes of one byte, passes where every key has the same byte skipped), the tie-breakers'
    /// keys first and the values' keys after, so that stability keeps the tie-breakers' order among
    /// equal values. About 10× faster than the comparison sort on a million rows.
    static func descendingOrder(_ values: [Double], tieBreakers: [Double]? = nil) -> [Int] {
        let n = values.count
        guard n > 1 else { return Array(0..<n) }
        guard n <= Int(Int32.max) else { return comparisonOrder(values, tieBreakers: tieBreakers) }
        var order = [Int32](repeating: 0, count: n)
        for i in 0..<n { order[i] = Int32(i) }
        if let tieBreakers { radixSortDescending(tieBreakers, order: &order) }
        radixSortDescending(values, order: &order)
        return order.map { Int($0) }
    }

    /// Reorders `order` (a permutation of row indices) stably by descending `values[row]`.
    private static func radixSortDescending(_ values: [Double], order: inout [Int32]) {
        let n = order.count
        // Ascending keys = descending values: the IEEE order made unsigned, then complemented.
        var keys = [UInt64](repeating: 0, count: n)
        var differing: UInt64 = 0
        values.withUnsafeBufferPointer { v in
            keys.withUnsafeMutableBufferPointer { k in
                for i in 0..<n {
                    let row = Int(order[i])
                    var x = v[row].isNaN ? -Double.infinity : v[row]
                    if x == 0 { x = 0 }  // −0 ties with +0
                    let bits = x.bitPattern
                    let ascending = bits >> 63 == 1 ? ~bits : bits | (1 << 63)
                    k[i] = ~ascending
                }
                for i in 1..<n { differing |= k[i] ^ k[0] }
            }
        }
        var otherKeys = [UInt64](repeating: 0, count: n)
        var otherOrder = [Int32](repeating: 0, count: n)
        for pass in 0..<8 where (differing >> UInt64(pass * 8)) & 0xFF != 0 {
            let shift = UInt64(pass * 8)
            keys.withUnsafeMutableBufferPointer { k in
                order.withUnsafeMutableBufferPointer { o in
                    otherKeys.withUnsafeMutableBufferPointer { k2 in
                        otherOrder.withUnsafeMutableBufferPointer { o2 in
                            var counts = [Int](repeating: 0, count: 256)
                            for i in 0..<n { counts[Int((k[i] >> shift) & 0xFF)] += 1 }
                            var total = 0
                            for d in 0..<256 {
                                let c = counts[d]
                                counts[d] = total
                                total += c
                            }
                            for i in 0..<n {
                                let d = Int((k[i] >> shift) & 0xFF)
                                k2[counts[d]] = k[i]
                                o2[counts[d]] = o[i]
                                counts[d] += 1
                            }
                        }
                    }
                }
            }
            swap(&keys, &otherKeys)
            swap(&order, &otherOrder)
        }
    }

    /// `descendingOrder` by a comparison sort: the definition, kept as the tests' oracle.
    static func comparisonOrder(_ values: [Double], tieBreakers: [Double]? = nil) -> [Int] {
        func key(_ x: Double) -> Double { x.isNaN ? -Double.infinity : x }
        return values.indices.sorted { a, b in
            let va = key(values[a]), vb = key(values[b])
            if va != vb { return va > vb }
            if let t = tieBreakers, key(t[a]) != key(t[b]) { return key(t[a]) > key(t[b]) }
            return a < b
        }
    }
}

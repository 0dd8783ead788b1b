/// Two rankings of the same declarations compared: the difference B − A of each targeting metric,
/// with a paired bootstrap 95 % interval.
public struct PairedComparison: Sendable, Hashable, Codable {
    /// Precision of B's top `rate` minus A's, keyed by the rate.
    public var precisionAt: [Double: IntervalEstimate]
    /// Recall of B minus recall of A.
    public var recallAt: [Double: IntervalEstimate]
    /// Revenue share of B minus A's; empty without revenue.
    public var revenueAt: [Double: IntervalEstimate]
    /// Bootstrap resamples behind each interval.
    public var bootstrapSamples: Int
}

extension SelectedHistory {
    /// Compares two rankings on the same declarations: for each budget, the difference B − A of
    /// precision, recall and revenue share (inverse-propensity estimates on a selected history,
    /// the plain metrics on a fully labelled one: every declaration inspected with probability 1),
    /// with a **paired** percentile bootstrap interval — each replica resamples the declarations
    /// once and measures both rankings on that same replica, so the interval of the difference is
    /// far narrower than the two separate intervals suggest when the rankings agree on most rows.
    /// An interval that excludes 0 says B differs from A at that budget beyond resampling noise.
    ///
    /// - Parameters:
    ///   - rankingA: Declaration indices, riskiest first, of the first model.
    ///   - rankingB: The same for the second.
    ///   - rates: Budgets in `(0, 1]`.
    /// - Throws: `MetricError` as ``estimates(ranking:rates:bootstrapSamples:seed:)``.
    /// - Complexity: O(count log count + bootstrapSamples × inspected × rates).
    public func comparison(rankingA: [Int], rankingB: [Int], rates: [Double] = [0.01, 0.02, 0.05, 0.1],
                           bootstrapSamples: Int = 1_000, seed: UInt64 = 1) throws -> PairedComparison {
        let memberships = [try membership(rankingA, rates: rates), try membership(rankingB, rates: rates)]
        let (point, replicas) = try bootstrap(memberships, rateCount: rates.count, samples: bootstrapSamples, seed: seed)
        func difference(_ statistic: (Totals) -> Double) -> IntervalEstimate {
            Self.interval(value: statistic(point[1]) - statistic(point[0]),
                          replicas: replicas.map { statistic($0[1]) - statistic($0[0]) })
        }
        var precision: [Double: IntervalEstimate] = [:], recall: [Double: IntervalEstimate] = [:]
        var revenueShare: [Double: IntervalEstimate] = [:]
        for (k, rate) in rates.enumerated() {
            precision[rate] = difference { $0.precision(k) }
            recall[rate] = difference { $0.recall(k) }
            if revenue != nil { revenueShare[rate] = difference { $0.revenueShare(k) } }
        }
        return PairedComparison(precisionAt: precision, recallAt: recall, revenueAt: revenueShare,
                                bootstrapSamples: bootstrapSamples)
    }
}

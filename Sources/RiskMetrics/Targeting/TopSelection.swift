/// The examples an inspection rate `k` selects: the `ceil(k × n)` highest-scored of `n`.
///
/// **Tie rule.** Rows are ranked by descending score; rows with equal scores are ranked by
/// ascending row index (the earlier row first). The selection is therefore deterministic and does
/// not depend on the sort algorithm, and when the cut falls inside a group of tied scores, the
/// earliest rows of that group are taken.
///
/// **Count.** `selectedCount = ceil(k × n)`, where a product within a relative `1e-12` of an integer
/// counts as that integer, so `0.07 × 100` (which is `7.000000000000001` in floating point)
/// selects 7 rows, not 8. Any `k > 0` selects at least one row; `k = 1` selects all.
public struct TopSelection: Sendable, Hashable {
    /// The inspection rate `k ∈ (0, 1]`.
    public let rate: Double
    /// The number of examples ranked, `n`.
    public let rowCount: Int
    /// The selected row indices in rank order (highest score first), `ceil(k × n)` of them.
    public let selectedRows: [Int]

    /// Selects the top `ceil(rate × n)` rows of `scores`.
    ///
    /// - Parameters:
    ///   - scores: One finite score per example; higher is selected first.
    ///   - tieBreakers: Optional finite values, one per example, ordering equal scores (the raw model
    ///     score behind a calibrated probability); then the earlier row first.
    ///   - rate: The inspection rate `k ∈ (0, 1]` (0.05 for the top 5 %).
    /// - Throws: `MetricError` `.empty` for no scores, `.nonFiniteScore` naming the first NaN or
    ///   infinite score, `.lengthMismatch` when `tieBreakers` has another length, `.invalidParameter`
    ///   when `rate ∉ (0, 1]`.
    /// - Complexity: O(*n* log *n*).
    public init(scores: [Double], tieBreakers: [Double]? = nil, rate: Double) throws {
        try MetricInput.checkRate(rate)
        self.init(ranking: try Self.checkedRanking(scores: scores, tieBreakers: tieBreakers), rate: rate)
    }

    /// Row indices riskiest first: by score, then tie-breaker, then row — the order every budget
    /// of ``TopSelection`` and ``EvaluationReport`` takes its top k % from.
    ///
    /// - Throws: as ``init(scores:tieBreakers:rate:)``. - Complexity: O(*n* log *n*).
    public static func order(scores: [Double], tieBreakers: [Double]? = nil) throws -> [Int] {
        try checkedRanking(scores: scores, tieBreakers: tieBreakers).order
    }

    static func checkedRanking(scores: [Double], tieBreakers: [Double]?) throws -> Ranking {
        let labels = [Float](repeating: 0, count: scores.count)
        try MetricInput.check(scores: scores, labels: labels, weights: nil)
        if let tieBreakers {
            guard tieBreakers.count == scores.count else {
                throw MetricError(.lengthMismatch, "tieBreakers has \(tieBreakers.count) entries for \(scores.count) "
                                  + "scores; expected one per score.")
            }
            try MetricInput.check(scores: tieBreakers, labels: labels, weights: nil, scoreName: "tieBreakers",
                                  itemName: "tie-breaker")
        }
        return Ranking(scores: scores, tieBreakers: tieBreakers)
    }

    init(ranking: Ranking, rate: Double) {
        self.rate = rate
        rowCount = ranking.order.count
        selectedRows = Array(ranking.order.prefix(Self.count(rowCount: rowCount, rate: rate)))
    }

    /// The number of rows `rate` selects among `rowCount`: `ceil(rate × rowCount)` (see the type's
    /// documentation for the rounding rule).
    ///
    /// - Throws: `MetricError` `.invalidParameter` when `rate ∉ (0, 1]` or `rowCount < 0`.
    public static func selectedCount(rowCount: Int, rate: Double) throws -> Int {
        try MetricInput.checkRate(rate)
        guard rowCount >= 0 else {
            throw MetricError(.invalidParameter, "rowCount is \(rowCount); expected a count >= 0.")
        }
        return count(rowCount: rowCount, rate: rate)
    }

    static func count(rowCount: Int, rate: Double) -> Int {
        guard rowCount > 0 else { return 0 }
        let product = rate * Double(rowCount)
        let nearest = product.rounded()
        let count = abs(product - nearest) <= 1e-12 * product ? nearest : product.rounded(.up)
        return min(rowCount, max(1, Int(count)))
    }

    /// The number of selected rows.
    public var selectedCount: Int { selectedRows.count }

    /// One flag per row, `true` when the row is selected. Complexity: O(*n*).
    public func selectionMask() -> [Bool] {
        var mask = [Bool](repeating: false, count: rowCount)
        for row in selectedRows { mask[row] = true }
        return mask
    }
}

/// What inspecting the top `k` of a ranking finds, at one inspection rate.
///
/// All quantities are weighted when weights are given (each example counts with its weight;
/// revenue counts as `weight × revenue`).
public struct TargetingPoint: Sendable, Hashable, Codable {
    /// The inspection rate `k ∈ (0, 1]`.
    public var rate: Double
    /// `ceil(k × n)`, the number of examples selected (see ``TopSelection``).
    public var selectedCount: Int
    /// Share of the selection that is positive (precision@k); 0 when the selection has no weight.
    public var precision: Double
    /// Share of all positives that the selection holds (recall@k).
    public var recall: Double
    /// `precision / base rate`: how many times better than inspecting at random (lift@k).
    public var lift: Double
    /// Share of all known revenue that the selection holds (revenue@k); `nil` without a revenue
    /// column. Unknown amounts (NaN) count in neither the selection's revenue nor the total.
    public var revenueCapture: Double?
}

/// Cumulative weighted totals along a ``Ranking``: the sums over the first `m` ranked rows for
/// every `m`, so any inspection rate costs O(1) once the ranking exists.
struct RankedTotals: Sendable {
    let rowCount: Int
    let cumulativeWeight: [Double]      // count rowCount + 1, [0] = 0
    let cumulativePositive: [Double]
    let cumulativeRevenue: [Double]?

    init(ranking: Ranking, labels: [Float], weights: [Float]?, revenue: [Double]?) {
        let n = ranking.order.count
        rowCount = n
        var weight = [Double](repeating: 0, count: n + 1)
        var positive = [Double](repeating: 0, count: n + 1)
        var money: [Double]? = revenue == nil ? nil : [Double](repeating: 0, count: n + 1)
        for (rank, row) in ranking.order.enumerated() {
            let w = MetricInput.weight(weights, row)
            weight[rank + 1] = weight[rank] + w
            positive[rank + 1] = positive[rank] + (labels[row] > 0.5 ? w : 0)
            // An unknown amount (NaN) adds nothing: revenue@k is the share of the known revenue.
            if let r = revenue { money![rank + 1] = money![rank] + (r[row].isNaN ? 0 : w * r[row]) }
        }
        cumulativeWeight = weight
        cumulativePositive = positive
        cumulativeRevenue = money
    }

    var totalWeight: Double { cumulativeWeight[rowCount] }
    var totalPositive: Double { cumulativePositive[rowCount] }

    func point(rate: Double) -> TargetingPoint {
        let m = TopSelection.count(rowCount: rowCount, rate: rate)
        let selectedWeight = cumulativeWeight[m]
        let precision = selectedWeight > 0 ? cumulativePositive[m] / selectedWeight : 0
        let baseRate = totalPositive / totalWeight
        var revenueCapture: Double?
        if let money = cumulativeRevenue { revenueCapture = money[m] / money[rowCount] }
        return TargetingPoint(rate: rate, selectedCount: m, precision: precision,
                              recall: cumulativePositive[m] / totalPositive,
                              lift: precision / baseRate, revenueCapture: revenueCapture)
    }

    func requirePositives() throws {
        try checkTotalWeightPositive()
        guard totalPositive > 0 else {
            throw MetricError(.singleClass, "Recall and lift need at least one positive; the labels hold only "
                              + "negatives. Evaluate on data with at least one positive example.")
        }
    }

    func checkTotalWeightPositive() throws {
        guard totalWeight > 0 else {
            throw MetricError(.invalidWeight, "every weight is 0; expected at least one positive weight.")
        }
    }

    func requireRevenue() throws {
        if let money = cumulativeRevenue, !(money[rowCount] > 0) {
            throw MetricError(.invalidRevenue, "the total known revenue is 0 (every amount is 0 or unknown); "
                              + "revenue@k needs some revenue to capture.")
        }
    }
}

/// Returns precision, recall, lift and (with `revenue`) revenue capture at each inspection rate,
/// from one ranking of `scores` (see ``TopSelection`` for the count and tie rule).
///
/// - Parameters:
///   - rates: Inspection rates, each in `(0, 1]` (0.05 for the top 5 %).
///   - scores: One finite score per example; higher is inspected first.
///   - labels: `1` (or any value > 0.5) for a positive, else `0`.
///   - revenue: Optional recoverable revenue per example, finite and `>= 0` or NaN (unknown, left out), not all zero or unknown.
///   - weights: Optional finite, non-negative weights, one per example.
/// - Returns: One ``TargetingPoint`` per rate, in the order given.
/// - Throws: `MetricError` `.lengthMismatch`, `.empty`, `.nonFiniteScore`, `.invalidWeight`,
///   `.invalidParameter` (a rate outside `(0, 1]`), `.invalidRevenue`, `.singleClass` (no positive).
/// - Complexity: O(*n* log *n* + rates).
public func targetingMetrics(rates: [Double], scores: [Double], labels: [Float], revenue: [Double]? = nil,
                             weights: [Float]? = nil) throws -> [TargetingPoint] {
    let totals = try rankedTotals(scores: scores, labels: labels, revenue: revenue, weights: weights)
    for rate in rates { try MetricInput.checkRate(rate) }
    try totals.requirePositives()
    try totals.requireRevenue()
    return rates.map { totals.point(rate: $0) }
}

func rankedTotals(scores: [Double], labels: [Float], revenue: [Double]?, weights: [Float]?,
                  ranking: Ranking? = nil) throws -> RankedTotals {
    try MetricInput.check(scores: scores, labels: labels, weights: weights)
    if let revenue { try MetricInput.checkRevenue(revenue, rowCount: scores.count) }
    return RankedTotals(ranking: ranking ?? Ranking(scores: scores), labels: labels, weights: weights,
                        revenue: revenue)
}

/// Returns precision@k: the (weighted) share of positives among the top `ceil(k × n)` by score.
///
/// - Parameters: `rate` is `k ∈ (0, 1]`; the rest as ``targetingMetrics(rates:scores:labels:revenue:weights:)``.
/// - Returns: A value in `0...1`; 0 when the selected rows all have weight 0.
/// - Throws: `MetricError` `.lengthMismatch`, `.empty`, `.nonFiniteScore`, `.invalidWeight`,
///   `.invalidParameter`. Labels of a single class are allowed.
/// - Complexity: O(*n* log *n*).
public func precisionAt(rate: Double, scores: [Double], labels: [Float], weights: [Float]? = nil) throws -> Double {
    let totals = try rankedTotals(scores: scores, labels: labels, revenue: nil, weights: weights)
    try MetricInput.checkRate(rate)
    try totals.checkTotalWeightPositive()
    return totals.point(rate: rate).precision
}

/// Returns recall@k: the (weighted) share of all positives found in the top `ceil(k × n)` by score.
///
/// - Throws: as ``precisionAt(rate:scores:labels:weights:)``, and `.singleClass` without positives.
/// - Complexity: O(*n* log *n*).
public func recallAt(rate: Double, scores: [Double], labels: [Float], weights: [Float]? = nil) throws -> Double {
    try targetingMetrics(rates: [rate], scores: scores, labels: labels, weights: weights)[0].recall
}

/// Returns lift@k: precision@k divided by the (weighted) positive rate of all examples.
///
/// - Throws: as ``recallAt(rate:scores:labels:weights:)``.
/// - Complexity: O(*n* log *n*).
public func liftAt(rate: Double, scores: [Double], labels: [Float], weights: [Float]? = nil) throws -> Double {
    try targetingMetrics(rates: [rate], scores: scores, labels: labels, weights: weights)[0].lift
}

/// Returns revenue@k: the revenue in the top `ceil(k × n)` by score divided by the total revenue
/// (each weighted by its example's weight when weights are given).
///
/// - Parameters:
///   - rate: The inspection rate `k ∈ (0, 1]`.
///   - scores: One finite score per example; higher is inspected first.
///   - revenue: Recoverable revenue per example, finite and `>= 0` or NaN (unknown, left out), not all zero or unknown.
///   - weights: Optional finite, non-negative weights, one per example.
/// - Returns: A value in `0...1`.
/// - Throws: `MetricError` `.lengthMismatch`, `.empty`, `.nonFiniteScore`, `.invalidWeight`,
///   `.invalidParameter`, `.invalidRevenue`.
/// - Complexity: O(*n* log *n*).
public func revenueAt(rate: Double, scores: [Double], revenue: [Double], weights: [Float]? = nil) throws -> Double {
    let labels = [Float](repeating: 0, count: scores.count)
    let totals = try rankedTotals(scores: scores, labels: labels, revenue: revenue, weights: weights)
    try MetricInput.checkRate(rate)
    try totals.requireRevenue()
    return totals.point(rate: rate).revenueCapture!
}

/// Returns the lift / revenue-capture (gain) curve: the ``TargetingPoint`` at the rates
/// `1/pointCount, 2/pointCount, …, 1`.
///
/// - Parameters:
///   - pointCount: The number of rates, `>= 1` (100 gives every percent).
///   - others: as ``targetingMetrics(rates:scores:labels:revenue:weights:)``.
/// - Throws: as ``targetingMetrics(rates:scores:labels:revenue:weights:)``; `.invalidParameter`
///   when `pointCount < 1`.
/// - Complexity: O(*n* log *n* + pointCount).
public func captureCurve(scores: [Double], labels: [Float], revenue: [Double]? = nil, weights: [Float]? = nil,
                         pointCount: Int = 100) throws -> [TargetingPoint] {
    guard pointCount >= 1 else {
        throw MetricError(.invalidParameter, "pointCount is \(pointCount); expected at least 1.")
    }
    let rates = (1...pointCount).map { Double($0) / Double(pointCount) }
    return try targetingMetrics(rates: rates, scores: scores, labels: labels, revenue: revenue, weights: weights)
}

// Definitions follow scikit-learn's `roc_auc_score`, `roc_curve`, `average_precision_score` and
// `precision_recall_curve` (sklearn/metrics/_ranking.py: cumulative weighted true and false
// positives at each distinct threshold), checked against it in the tests' fixtures.

// MARK: - ROC

/// Returns the area under the ROC curve of `scores` against `labels`.
///
/// Ties count as half-correct (average ranks), so the result does not depend on input order.
/// Invariant under any strictly increasing transform of `scores`. With `weights`, each example
/// counts with its weight (pairs weigh `w_i · w_j`). Equals scikit-learn's `roc_auc_score`.
///
/// - Parameters:
///   - scores: One finite score per example; higher means riskier.
///   - labels: `1` (or any value > 0.5) for a confirmed infraction, else `0`.
///   - weights: Optional finite, non-negative weights, one per example.
/// - Returns: A value in `0...1`.
/// - Throws: `MetricError` `.lengthMismatch` when the arrays differ in length, `.empty` when there
///   are no examples, `.nonFiniteScore` naming the first bad index, `.invalidWeight` for a negative
///   or non-finite weight, `.singleClass` when `labels` has one class (by positive weight).
/// - Complexity: O(*n* log *n*).
public func rocAUC(scores: [Double], labels: [Float], weights: [Float]? = nil) throws -> Double {
    try MetricInput.check(scores: scores, labels: labels, weights: weights)
    return try rocAUC(ranking: Ranking(scores: scores), scores: scores, labels: labels, weights: weights)
}

func rocAUC(ranking: Ranking, scores: [Double], labels: [Float], weights: [Float]?) throws -> Double {
    var positiveAbove = 0.0, negativeWeight = 0.0
    var area = 0.0   // Σ over negatives of (positive weight above + half of the tied positive weight)
    ranking.forEachTieGroup(scores: scores, labels: labels, weights: weights) { _, positive, negative in
        area += negative * (positiveAbove + 0.5 * positive)
        positiveAbove += positive
        negativeWeight += negative
    }
    try requireBothClasses(positive: positiveAbove, negative: negativeWeight, metric: "ROC AUC")
    return area / (positiveAbove * negativeWeight)
}

func requireBothClasses(positive: Double, negative: Double, metric: String) throws {
    guard positive > 0, negative > 0 else {
        throw MetricError(.singleClass, "\(metric) needs both classes; the labels hold only "
                          + (positive > 0 ? "positives" : "negatives")
                          + ". Evaluate on data with at least one positive and one negative example.")
    }
}

/// One point of a ROC curve: the rates obtained by selecting every example scored `>= threshold`.
public struct ROCPoint: Sendable, Hashable, Codable {
    /// Weighted share of negatives selected.
    public var falsePositiveRate: Double
    /// Weighted share of positives selected (recall).
    public var truePositiveRate: Double
    /// The lowest selected score; `+infinity` for the first point (nothing selected).
    public var threshold: Double

    public init(falsePositiveRate: Double, truePositiveRate: Double, threshold: Double) {
        self.falsePositiveRate = falsePositiveRate
        self.truePositiveRate = truePositiveRate
        self.threshold = threshold
    }
}

/// Returns the ROC curve: one point per distinct score, from the highest threshold down, starting
/// at `(0, 0)` with threshold `+infinity` and ending at `(1, 1)`.
///
/// Like scikit-learn's `roc_curve(..., drop_intermediate=False)`. The trapezoidal area under these
/// points equals ``rocAUC(scores:labels:weights:)``.
///
/// - Parameters: as ``rocAUC(scores:labels:weights:)``.
/// - Returns: `d + 1` points for `d` distinct scores.
/// - Throws: as ``rocAUC(scores:labels:weights:)``.
/// - Complexity: O(*n* log *n*).
public func rocCurve(scores: [Double], labels: [Float], weights: [Float]? = nil) throws -> [ROCPoint] {
    try MetricInput.check(scores: scores, labels: labels, weights: weights)
    return try rocCurve(ranking: Ranking(scores: scores), scores: scores, labels: labels, weights: weights)
}

func rocCurve(ranking: Ranking, scores: [Double], labels: [Float], weights: [Float]?) throws -> [ROCPoint] {
    var cumulative: [(score: Double, truePositive: Double, falsePositive: Double)] = []
    var tp = 0.0, fp = 0.0
    ranking.forEachTieGroup(scores: scores, labels: labels, weights: weights) { score, positive, negative in
        tp += positive
        fp += negative
        cumulative.append((score, tp, fp))
    }
    try requireBothClasses(positive: tp, negative: fp, metric: "A ROC curve")
    var points = [ROCPoint(falsePositiveRate: 0, truePositiveRate: 0, threshold: .infinity)]
    points.reserveCapacity(cumulative.count + 1)
    for c in cumulative {
        points.append(ROCPoint(falsePositiveRate: c.falsePositive / fp, truePositiveRate: c.truePositive / tp,
                               threshold: c.score))
    }
    return points
}

// MARK: - Precision–recall

/// Returns the average precision (the area under the precision–recall curve as scikit-learn's
/// `average_precision_score` defines it): `AP = Σₙ (Rₙ − Rₙ₋₁) · Pₙ` over distinct thresholds from
/// the highest score down, with `R₀ = 0`.
///
/// Tied scores form one threshold (no interpolation), so the result does not depend on input order.
/// Invariant under any strictly increasing transform of `scores`. With `weights`, precision and
/// recall use weighted counts; a threshold whose selection has zero weight has precision 1 and adds
/// nothing (its recall step is 0).
///
/// - Parameters:
///   - scores: One finite score per example; higher means riskier.
///   - labels: `1` (or any value > 0.5) for a confirmed infraction, else `0`.
///   - weights: Optional finite, non-negative weights, one per example.
/// - Returns: A value in `0...1`; the positive rate for an uninformative constant score.
/// - Throws: `MetricError` `.lengthMismatch`, `.empty`, `.nonFiniteScore`, `.invalidWeight` as
///   ``rocAUC(scores:labels:weights:)``; `.singleClass` when there is no positive (by weight).
/// - Complexity: O(*n* log *n*).
public func averagePrecision(scores: [Double], labels: [Float], weights: [Float]? = nil) throws -> Double {
    try MetricInput.check(scores: scores, labels: labels, weights: weights)
    return try averagePrecision(ranking: Ranking(scores: scores), scores: scores, labels: labels, weights: weights)
}

func averagePrecision(ranking: Ranking, scores: [Double], labels: [Float], weights: [Float]?) throws -> Double {
    let curve = try precisionRecallCurve(ranking: ranking, scores: scores, labels: labels, weights: weights)
    var area = 0.0
    for n in 1..<curve.count {
        area += (curve[n].recall - curve[n - 1].recall) * curve[n].precision
    }
    return area
}

/// One point of a precision–recall curve: selecting every example scored `>= threshold`.
public struct PrecisionRecallPoint: Sendable, Hashable, Codable {
    /// Weighted share of positives selected.
    public var recall: Double
    /// Weighted share of the selection that is positive (1 when the selection has no weight).
    public var precision: Double
    /// The lowest selected score; `+infinity` for the first point (nothing selected).
    public var threshold: Double

    public init(recall: Double, precision: Double, threshold: Double) {
        self.recall = recall
        self.precision = precision
        self.threshold = threshold
    }
}

/// Returns the precision–recall curve: `(recall 0, precision 1, threshold +infinity)`, then one
/// point per distinct score from the highest down (recall increasing).
///
/// The same points as scikit-learn's `precision_recall_curve`, in the opposite order.
///
/// - Parameters: as ``averagePrecision(scores:labels:weights:)``.
/// - Throws: as ``averagePrecision(scores:labels:weights:)``.
/// - Complexity: O(*n* log *n*).
public func precisionRecallCurve(scores: [Double], labels: [Float],
                                 weights: [Float]? = nil) throws -> [PrecisionRecallPoint] {
    try MetricInput.check(scores: scores, labels: labels, weights: weights)
    return try precisionRecallCurve(ranking: Ranking(scores: scores), scores: scores, labels: labels,
                                    weights: weights)
}

func precisionRecallCurve(ranking: Ranking, scores: [Double], labels: [Float],
                          weights: [Float]?) throws -> [PrecisionRecallPoint] {
    var cumulative: [(score: Double, truePositive: Double, selected: Double)] = []
    var tp = 0.0, selected = 0.0
    ranking.forEachTieGroup(scores: scores, labels: labels, weights: weights) { score, positive, negative in
        tp += positive
        selected += positive + negative
        cumulative.append((score, tp, selected))
    }
    guard tp > 0 else {
        throw MetricError(.singleClass, "Average precision needs at least one positive; the labels hold only "
                          + "negatives. Evaluate on data with at least one positive example.")
    }
    var points = [PrecisionRecallPoint(recall: 0, precision: 1, threshold: .infinity)]
    points.reserveCapacity(cumulative.count + 1)
    for c in cumulative {
        points.append(PrecisionRecallPoint(recall: c.truePositive / tp,
                                           precision: c.selected > 0 ? c.truePositive / c.selected : 1,
                                           threshold: c.score))
    }
    return points
}

import Foundation

/// Everything `riskctl evaluate` reports about predicted probabilities on labelled data.
///
/// The JSON encoding has exactly the keys `rows`, `positives`, `auc`, `pr_auc`, `logloss`, `brier`,
/// `precision_at`, `recall_at`, `revenue_at` (only when some known revenue was given) and `calibration` (an
/// array of bins, see ``CalibrationBin``). The `*_at` objects are keyed by the inspection rate in
/// percent: `"1"`, `"2"`, `"5"`, `"10"` (``inspectionRatesPercent``). The chart data
/// (``details``) is not encoded, so a decoded report has `details == nil`; ``html(title:)`` then
/// draws the calibration chart only and says the other curves are unavailable.
public struct EvaluationReport: Sendable, Hashable, Codable {
    /// The inspection rates, in percent, of the `*_at` metrics.
    public static let inspectionRatesPercent = [1, 2, 5, 10]

    /// The number of examples.
    public var rows: Int
    /// The number of examples labelled positive (unweighted).
    public var positives: Int
    /// ROC AUC (``rocAUC(scores:labels:weights:)``).
    public var auc: Double
    /// Average precision (``averagePrecision(scores:labels:weights:)``).
    public var prAUC: Double
    /// Log loss (``logLoss(probabilities:labels:weights:)``).
    public var logLoss: Double
    /// Brier score (``brierScore(probabilities:labels:weights:)``).
    public var brier: Double
    /// Precision@k keyed by k in percent (`"1"`, `"2"`, `"5"`, `"10"`).
    public var precisionAt: [String: Double]
    /// Recall@k keyed by k in percent.
    public var recallAt: [String: Double]
    /// Revenue@k keyed by k in percent: the share of the known revenue (unknown amounts, NaN, are
    /// left out). `nil` when no revenue was given, or when the known revenue totals 0 (every amount
    /// 0 or unknown), where the metric cannot be computed.
    public var revenueAt: [String: Double]?
    /// The 10-bin calibration table.
    public var calibration: CalibrationTable
    /// Curves and lift for charts and the text table; not encoded (`nil` after decoding).
    public var details: EvaluationDetails? = nil

    enum CodingKeys: String, CodingKey {
        case rows, positives, auc, prAUC = "pr_auc", logLoss = "logloss", brier
        case precisionAt = "precision_at", recallAt = "recall_at", revenueAt = "revenue_at", calibration
    }

    /// Evaluates `probabilities` against `labels` (and `revenue`).
    ///
    /// All metrics share one ranking of the probabilities (O(*n* log *n*)); see each metric's
    /// function for its definition. Weights, when given, apply to every metric.
    ///
    /// - Parameters:
    ///   - probabilities: One predicted probability per example, in `0...1`.
    ///   - labels: `1` (or any value > 0.5) for a confirmed infraction, else `0`.
    ///   - revenue: Optional recoverable revenue per example, finite and `>= 0`, or NaN when unknown.
    ///   - weights: Optional finite, non-negative weights, one per example, not all zero.
    ///   - tieBreakers: Optional finite raw scores, one per example: among equal probabilities the
    ///     higher raw score is inspected first (precision, recall and revenue at k % and the capture
    ///     curve); without them, the earlier row. AUC and the curves count ties as ties either way.
    /// - Throws: `MetricError` `.lengthMismatch`, `.empty`, `.nonFiniteScore`, `.invalidProbability`,
    ///   `.invalidWeight`, `.invalidRevenue`, `.singleClass` (both classes are needed for AUC).
    /// - Complexity: O(*n* log *n*).
    public init(probabilities: [Double], labels: [Float], revenue: [Double]? = nil, weights: [Float]? = nil,
                tieBreakers: [Double]? = nil) throws {
        try checkProbabilityInput(probabilities: probabilities, labels: labels, weights: weights)
        if let tieBreakers {
            try MetricInput.check(scores: tieBreakers, labels: labels, weights: nil, scoreName: "tieBreakers",
                                  itemName: "tie-breaker")
        }
        let ranking = Ranking(scores: probabilities, tieBreakers: tieBreakers)
        let totals = try rankedTotals(scores: probabilities, labels: labels, revenue: revenue, weights: weights,
                                      ranking: ranking)
        rows = probabilities.count
        positives = labels.reduce(0) { $0 + ($1 > 0.5 ? 1 : 0) }
        auc = try rocAUC(ranking: ranking, scores: probabilities, labels: labels, weights: weights)
        let precisionRecall = try precisionRecallCurve(ranking: ranking, scores: probabilities, labels: labels,
                                                       weights: weights)
        prAUC = try averagePrecision(ranking: ranking, scores: probabilities, labels: labels, weights: weights)
        logLoss = try RiskMetrics.logLoss(probabilities: probabilities, labels: labels, weights: weights)
        brier = try brierScore(probabilities: probabilities, labels: labels, weights: weights)
        try totals.requirePositives()
        let targeting = Self.inspectionRatesPercent.map { totals.point(rate: Double($0) / 100) }
        var precision: [String: Double] = [:], recall: [String: Double] = [:], money: [String: Double] = [:]
        for (percent, point) in zip(Self.inspectionRatesPercent, targeting) {
            precision[String(percent)] = point.precision
            recall[String(percent)] = point.recall
            money[String(percent)] = point.revenueCapture
        }
        precisionAt = precision
        recallAt = recall
        revenueAt = (totals.cumulativeRevenue?.last ?? 0) > 0 ? money : nil
        calibration = try CalibrationTable(probabilities: probabilities, labels: labels, weights: weights)
        let roc = try rocCurve(ranking: ranking, scores: probabilities, labels: labels, weights: weights)
        let capture = (1...EvaluationDetails.capturePointCount).map {
            totals.point(rate: Double($0) / Double(EvaluationDetails.capturePointCount))
        }
        let resolution = EvaluationDetails.curveResolution
        details = EvaluationDetails(
            targeting: targeting,
            positiveRate: totals.totalPositive / totals.totalWeight,
            roc: thinnedCurve(roc, resolution: resolution, x: \.falsePositiveRate, y: \.truePositiveRate),
            precisionRecall: thinnedCurve(precisionRecall, resolution: resolution, x: \.recall, y: \.precision),
            capture: capture)
    }

    /// The report as JSON (keys sorted, so the output is reproducible).
    ///
    /// - Parameter prettyPrinted: Indent for people (default) or one line for machines.
    public func jsonData(prettyPrinted: Bool = true) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = prettyPrinted ? [.sortedKeys, .prettyPrinted] : [.sortedKeys]
        return try encoder.encode(self)
    }
}

/// What the JSON of an ``EvaluationReport`` leaves out: lift and the curves drawn in its HTML page.
///
/// Curves are thinned for drawing (a point is kept when it moves at least 1/``curveResolution`` of an
/// axis), so they are pictures of the exact curves, not inputs to further metrics.
public struct EvaluationDetails: Sendable, Hashable, Codable {
    /// Points kept per unit of a curve's axes.
    public static let curveResolution = 250
    /// The number of inspection rates on the capture curve (every 0.5 %).
    public static let capturePointCount = 200

    /// Precision, recall, lift and revenue capture at ``EvaluationReport/inspectionRatesPercent``.
    public var targeting: [TargetingPoint]
    /// The (weighted) share of positives, the precision of inspecting at random.
    public var positiveRate: Double
    /// The ROC curve (thinned).
    public var roc: [ROCPoint]
    /// The precision–recall curve (thinned).
    public var precisionRecall: [PrecisionRecallPoint]
    /// Positive and revenue capture at every 0.5 % of inspection rate.
    public var capture: [TargetingPoint]
}

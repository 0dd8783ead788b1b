/// Isotonic calibration: the non-decreasing step-then-linear function of the score that best fits
/// the labels in weighted least squares, as scikit-learn's
/// `IsotonicRegression(increasing=True, out_of_bounds="clip")`.
///
/// Fitting (following sklearn/isotonic.py and sklearn/_isotonic.pyx):
/// 1. drop examples of weight 0; sort by score;
/// 2. merge scores closer than `1e-15` to the first of their run into one point whose target is the
///    weighted mean label and whose weight is the summed weight;
/// 3. pool adjacent violators (Best & Chakravarti 1990), O(*n*) with a stack of blocks;
/// 4. keep only the points where the fitted value changes (first and last of every flat run).
///
/// Unlike scikit-learn, the fitted values are kept inside [ε, 1 − ε] with ε = 1 / (2(*W* + 1)) for a
/// total weight *W*: a run of all-positive (or all-negative) calibration rows does not prove
/// certainty, so no declaration gets probability exactly 1 (or 0), and clamping a non-decreasing
/// sequence keeps it non-decreasing.
///
/// Prediction interpolates linearly between the kept points and clips scores outside the fitted range
/// to the end values, so the output is non-decreasing in the score and lies in `0...1` (in
/// `ε...1 − ε` for a calibrator fitted here; loaded ones keep the values they were saved with).
public struct IsotonicCalibrator: Sendable, Hashable, Codable {
    /// Scores of the kept points, strictly increasing.
    public let thresholds: [Double]
    /// Fitted probabilities at ``thresholds``, non-decreasing, in `0...1`.
    public let values: [Double]

    enum CodingKeys: String, CodingKey { case thresholds, values }

    /// Creates a calibrator from its points.
    ///
    /// - Throws: `MetricError` `.invalidParameter` unless the arrays are non-empty, of equal length,
    ///   finite, thresholds strictly increasing and values non-decreasing in `0...1`.
    public init(thresholds: [Double], values: [Double]) throws {
        if let problem = Self.problem(thresholds: thresholds, values: values) {
            throw MetricError(.invalidParameter, problem)
        }
        self.thresholds = thresholds
        self.values = values
    }

    private init(checkedThresholds: [Double], values: [Double]) {
        thresholds = checkedThresholds
        self.values = values
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let thresholds = try container.decode([Double].self, forKey: .thresholds)
        let values = try container.decode([Double].self, forKey: .values)
        if let problem = Self.problem(thresholds: thresholds, values: values) {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: problem))
        }
        self.init(checkedThresholds: thresholds, values: values)
    }

    static func problem(thresholds: [Double], values: [Double]) -> String? {
        guard !thresholds.isEmpty else {
            return "Isotonic calibration has no points; expected at least one threshold. Refit the calibration."
        }
        guard thresholds.count == values.count else {
            return "Isotonic calibration has \(thresholds.count) thresholds but \(values.count) values; "
                + "expected one value per threshold. Refit the calibration."
        }
        for i in thresholds.indices {
            guard thresholds[i].isFinite else {
                return "Isotonic calibration threshold \(i) is \(thresholds[i]); expected a finite number."
            }
            guard values[i] >= 0 && values[i] <= 1 else {
                return "Isotonic calibration value \(i) is \(values[i]); expected a probability in 0...1."
            }
            if i > 0 && !(thresholds[i] > thresholds[i - 1]) {
                return "Isotonic calibration threshold \(i) is \(thresholds[i]), not above threshold \(i - 1) "
                    + "(\(thresholds[i - 1])); thresholds must increase strictly."
            }
            if i > 0 && values[i] < values[i - 1] {
                return "Isotonic calibration value \(i) is \(values[i]), below value \(i - 1) (\(values[i - 1])); "
                    + "values must not decrease."
            }
        }
        return nil
    }

    /// Returns the calibrated probability of `score`: linear interpolation between the fitted points,
    /// clipped to the end values outside them. NaN in gives NaN out.
    ///
    /// - Complexity: O(log *m*) for *m* points.
    public func calibrate(_ score: Double) -> Double {
        guard !score.isNaN else { return .nan }
        let last = thresholds.count - 1
        if score <= thresholds[0] { return values[0] }
        if score >= thresholds[last] { return values[last] }
        // Binary search for the first threshold > score: thresholds[lower - 1] <= score < thresholds[lower].
        var lower = 1, upper = last
        while lower < upper {
            let middle = (lower + upper) / 2
            if thresholds[middle] > score { upper = middle } else { lower = middle + 1 }
        }
        let x0 = thresholds[lower - 1], x1 = thresholds[lower]
        let y0 = values[lower - 1], y1 = values[lower]
        return y0 + (y1 - y0) * ((score - x0) / (x1 - x0))
    }

    /// Fits the isotonic calibration of `scores` to `labels`.
    ///
    /// - Parameters:
    ///   - scores: One finite score per example (raw score or uncalibrated probability).
    ///   - labels: `1` (or any value > 0.5) for a positive, else `0`.
    ///   - weights: Optional finite, non-negative weights, one per example; examples of weight 0 are
    ///     ignored.
    /// - Returns: The fitted calibrator (a single point when every score is equal).
    /// - Throws: `MetricError` `.lengthMismatch`, `.empty`, `.nonFiniteScore`, `.invalidWeight` (also
    ///   when every weight is 0).
    /// - Complexity: O(*n* log *n*).
    public static func fit(scores: [Double], labels: [Float], weights: [Float]? = nil) throws -> IsotonicCalibrator {
        try MetricInput.check(scores: scores, labels: labels, weights: weights)
        try checkTotalWeight(weights)
        let kept = scores.indices.filter { MetricInput.weight(weights, $0) > 0 }
        let order = kept.sorted { a, b in scores[a] < scores[b] || (scores[a] == scores[b] && a < b) }

        // 2. Merge (near-)equal scores, as sklearn's `_make_unique` (resolution 1e-15 of float64).
        var x: [Double] = [], y: [Double] = [], w: [Double] = []
        var currentX = scores[order[0]], sumWeight = 0.0, sumLabel = 0.0
        for row in order {
            let s = scores[row]
            let weight = MetricInput.weight(weights, row)
            if s - currentX >= 1e-15 {
                x.append(currentX); y.append(sumLabel / sumWeight); w.append(sumWeight)
                currentX = s; sumWeight = 0; sumLabel = 0
            }
            sumWeight += weight
            sumLabel += labels[row] > 0.5 ? weight : 0
        }
        x.append(currentX); y.append(sumLabel / sumWeight); w.append(sumWeight)

        // 3. Pool adjacent violators: blocks of (weighted mean, weight, end index).
        var blockMean: [Double] = [], blockWeight: [Double] = [], blockEnd: [Int] = []
        for i in x.indices {
            var mean = y[i], weight = w[i]
            while let previous = blockMean.last, previous >= mean {
                let previousWeight = blockWeight.removeLast()
                blockMean.removeLast()
                blockEnd.removeLast()
                mean = (previous * previousWeight + mean * weight) / (previousWeight + weight)
                weight += previousWeight
            }
            blockMean.append(mean); blockWeight.append(weight); blockEnd.append(i)
        }
        var fitted = [Double](repeating: 0, count: x.count)
        let epsilon = 1 / (2 * (w.reduce(0, +) + 1))
        var start = 0
        for (b, end) in blockEnd.enumerated() {
            for i in start...end { fitted[i] = min(1 - epsilon, max(epsilon, blockMean[b])) }
            start = end + 1
        }

        // 4. Keep the ends of every flat run.
        var thresholds: [Double] = [], values: [Double] = []
        for i in x.indices {
            let isEnd = i == 0 || i == x.count - 1
            if isEnd || fitted[i] != fitted[i - 1] || fitted[i] != fitted[i + 1] {
                thresholds.append(x[i]); values.append(fitted[i])
            }
        }
        return IsotonicCalibrator(checkedThresholds: thresholds, values: values)
    }
}

/// One bin of a ``CalibrationTable``: examples whose predicted probability falls in
/// `lowerBound ..< upperBound` (the last bin includes 1).
public struct CalibrationBin: Sendable, Hashable, Codable {
    /// The bin's lower edge, `i / binCount`.
    public var lowerBound: Double
    /// The bin's upper edge, `(i + 1) / binCount`.
    public var upperBound: Double
    /// The number of examples in the bin (unweighted).
    public var count: Int
    /// The sum of the examples' weights (equals `count` without weights).
    public var weight: Double
    /// The weighted mean predicted probability; `nil` when the bin has no weight.
    public var meanPredicted: Double?
    /// The weighted share of positives; `nil` when the bin has no weight.
    public var observedRate: Double?

    public init(lowerBound: Double, upperBound: Double, count: Int, weight: Double, meanPredicted: Double?,
                observedRate: Double?) {
        self.lowerBound = lowerBound
        self.upperBound = upperBound
        self.count = count
        self.weight = weight
        self.meanPredicted = meanPredicted
        self.observedRate = observedRate
    }

    enum CodingKeys: String, CodingKey {
        case lowerBound = "lower", upperBound = "upper", count, weight
        case meanPredicted = "mean_predicted", observedRate = "observed_rate"
    }

    /// Encodes every key; an empty bin's `mean_predicted` and `observed_rate` are `null`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(lowerBound, forKey: .lowerBound)
        try container.encode(upperBound, forKey: .upperBound)
        try container.encode(count, forKey: .count)
        try container.encode(weight, forKey: .weight)
        try container.encode(meanPredicted, forKey: .meanPredicted)
        try container.encode(observedRate, forKey: .observedRate)
    }
}

/// A reliability table: predicted probability against observed positive rate, in equal-width bins.
///
/// A well-calibrated model has `meanPredicted ≈ observedRate` in every bin with enough weight.
/// Bin `i` holds the probabilities `p` with `i / binCount <= p < (i + 1) / binCount` (the edges are
/// computed as `Double(i) / Double(binCount)`); `p = 1` goes to the last bin. Every bin is listed,
/// empty ones too, so tables of different models line up.
public struct CalibrationTable: Sendable, Hashable, Codable {
    /// The bins from low to high probability.
    public var bins: [CalibrationBin]

    /// Builds the table of `probabilities` against `labels`.
    ///
    /// - Parameters:
    ///   - probabilities: One predicted probability per example, in `0...1`.
    ///   - labels: `1` (or any value > 0.5) for a positive, else `0`.
    ///   - weights: Optional finite, non-negative weights, one per example.
    ///   - binCount: The number of equal-width bins, `>= 1` (default 10).
    /// - Throws: `MetricError` `.lengthMismatch`, `.empty`, `.nonFiniteScore`, `.invalidProbability`,
    ///   `.invalidWeight`, `.invalidParameter` (`binCount < 1`).
    /// - Complexity: O(*n* + binCount).
    public init(probabilities: [Double], labels: [Float], weights: [Float]? = nil, binCount: Int = 10) throws {
        guard binCount >= 1 else {
            throw MetricError(.invalidParameter, "binCount is \(binCount); expected at least 1 (10 is usual).")
        }
        try MetricInput.check(scores: probabilities, labels: labels, weights: weights, scoreName: "probabilities",
                              itemName: "probability")
        try MetricInput.checkProbabilities(probabilities)
        var count = [Int](repeating: 0, count: binCount)
        var weight = [Double](repeating: 0, count: binCount)
        var predicted = [Double](repeating: 0, count: binCount)
        var positive = [Double](repeating: 0, count: binCount)
        for i in probabilities.indices {
            let p = probabilities[i]
            let bin = Self.bin(of: p, binCount: binCount)
            let w = MetricInput.weight(weights, i)
            count[bin] += 1
            weight[bin] += w
            predicted[bin] += w * p
            if labels[i] > 0.5 { positive[bin] += w }
        }
        bins = (0..<binCount).map { b in
            CalibrationBin(lowerBound: Double(b) / Double(binCount), upperBound: Double(b + 1) / Double(binCount),
                           count: count[b], weight: weight[b],
                           meanPredicted: weight[b] > 0 ? predicted[b] / weight[b] : nil,
                           observedRate: weight[b] > 0 ? positive[b] / weight[b] : nil)
        }
    }

    /// The bin index of probability `p ∈ 0...1`: the largest `i` with `Double(i) / Double(binCount) <= p`.
    static func bin(of p: Double, binCount: Int) -> Int {
        var bin = min(binCount - 1, Int(p * Double(binCount)))
        // `p × binCount` may round across an edge; settle against the edges as documented.
        while bin + 1 < binCount && p >= Double(bin + 1) / Double(binCount) { bin += 1 }
        while bin > 0 && p < Double(bin) / Double(binCount) { bin -= 1 }
        return bin
    }

    /// The weighted expected calibration error: `Σ_bins weight · |meanPredicted − observedRate| / Σ weight`.
    public var expectedCalibrationError: Double {
        var total = 0.0, error = 0.0
        for bin in bins {
            guard let predicted = bin.meanPredicted, let observed = bin.observedRate else { continue }
            total += bin.weight
            error += bin.weight * abs(predicted - observed)
        }
        return total > 0 ? error / total : 0
    }

    public init(from decoder: any Decoder) throws {
        bins = try [CalibrationBin](from: decoder)
    }

    /// Encodes as a JSON array of bins.
    public func encode(to encoder: any Encoder) throws {
        try bins.encode(to: encoder)
    }
}

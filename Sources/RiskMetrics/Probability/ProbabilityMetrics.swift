#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Probabilities are clipped to `[logLossClip, 1 − logLossClip]` before the logarithm in
/// ``logLoss(probabilities:labels:weights:)``, so a confident mistake costs at most `−log(1e-15) ≈ 34.5`.
public let logLossClip = 1e-15

/// Returns the weighted mean negative log-likelihood (binary cross-entropy) of `probabilities`:
/// `Σ wᵢ · −[yᵢ log pᵢ + (1 − yᵢ) log(1 − pᵢ)] / Σ wᵢ`, with `pᵢ` clipped to
/// `[1e-15, 1 − 1e-15]` (``logLossClip``).
///
/// Equals scikit-learn's `log_loss` for probabilities inside the clip range (scikit-learn ≥ 1.5
/// clips at the float64 machine epsilon instead of 1e-15, so the two differ only for probabilities
/// within 1e-15 of 0 or 1).
///
/// - Parameters:
///   - probabilities: One predicted probability of a positive per example, in `0...1`.
///   - labels: `1` (or any value > 0.5) for a positive, else `0`.
///   - weights: Optional finite, non-negative weights, one per example, not all zero.
/// - Returns: A value `>= 0`; lower is better.
/// - Throws: `MetricError` `.lengthMismatch`, `.empty`, `.nonFiniteScore` (NaN or infinite
///   probability), `.invalidProbability` (outside `0...1`), `.invalidWeight` (negative, non-finite,
///   or all zero).
/// - Complexity: O(*n*).
public func logLoss(probabilities: [Double], labels: [Float], weights: [Float]? = nil) throws -> Double {
    try checkProbabilityInput(probabilities: probabilities, labels: labels, weights: weights)
    var loss = 0.0, total = 0.0
    probabilities.withUnsafeBufferPointer { p in
        labels.withUnsafeBufferPointer { y in
            for i in p.indices {
                let w = MetricInput.weight(weights, i)
                let clipped = min(max(p[i], logLossClip), 1 - logLossClip)
                loss -= w * (y[i] > 0.5 ? log(clipped) : log1p(-clipped))
                total += w
            }
        }
    }
    return loss / total
}

/// Returns the weighted Brier score `Σ wᵢ (pᵢ − yᵢ)² / Σ wᵢ` (scikit-learn's `brier_score_loss`).
///
/// - Parameters: as ``logLoss(probabilities:labels:weights:)``.
/// - Returns: A value in `0...1`; lower is better.
/// - Throws: as ``logLoss(probabilities:labels:weights:)``.
/// - Complexity: O(*n*).
public func brierScore(probabilities: [Double], labels: [Float], weights: [Float]? = nil) throws -> Double {
    try checkProbabilityInput(probabilities: probabilities, labels: labels, weights: weights)
    var sum = 0.0, total = 0.0
    probabilities.withUnsafeBufferPointer { p in
        labels.withUnsafeBufferPointer { y in
            for i in p.indices {
                let w = MetricInput.weight(weights, i)
                let d = p[i] - (y[i] > 0.5 ? 1 : 0)
                sum += w * d * d
                total += w
            }
        }
    }
    return sum / total
}

func checkProbabilityInput(probabilities: [Double], labels: [Float], weights: [Float]?) throws {
    try MetricInput.check(scores: probabilities, labels: labels, weights: weights, scoreName: "probabilities",
                          itemName: "probability")
    try MetricInput.checkProbabilities(probabilities)
    try checkTotalWeight(weights)
}

func checkTotalWeight(_ weights: [Float]?) throws {
    if let w = weights, !w.contains(where: { $0 > 0 }) {
        throw MetricError(.invalidWeight, "every weight is 0; expected at least one positive weight.")
    }
}

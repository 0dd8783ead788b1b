/// Input checks shared by every metric, so each failure has one message wherever it is detected.
enum MetricInput {
    /// Checks that `scores`, `labels` and `weights` are parallel, non-empty, finite and non-negative.
    static func check(scores: [Double], labels: [Float], weights: [Float]?, scoreName: String = "scores",
                      itemName: String = "score") throws {
        guard scores.count == labels.count else {
            throw MetricError(.lengthMismatch, "\(scoreName) has \(scores.count) entries but labels has "
                              + "\(labels.count); pass one label per score.")
        }
        if let w = weights, w.count != scores.count {
            throw MetricError(.lengthMismatch, "weights has \(w.count) entries but \(scoreName) has "
                              + "\(scores.count); pass one weight per score, or no weights.")
        }
        guard !scores.isEmpty else { throw MetricError(.empty, "No examples to score: \(scoreName) is empty.") }
        if let bad = scores.firstIndex(where: { !$0.isFinite }) {
            throw MetricError(.nonFiniteScore, "\(itemName) \(bad) is \(scores[bad]); expected a finite number. "
                              + "Remove or impute the row before evaluating.")
        }
        if let w = weights {
            if let bad = w.firstIndex(where: { !($0.isFinite && $0 >= 0) }) {
                throw MetricError(.invalidWeight, "weight \(bad) is \(w[bad]); expected a finite number >= 0.")
            }
        }
    }

    /// Checks that every probability is in `0...1` (after `check`).
    static func checkProbabilities(_ probabilities: [Double]) throws {
        if let bad = probabilities.firstIndex(where: { !($0 >= 0 && $0 <= 1) }) {
            throw MetricError(.invalidProbability, "probability \(bad) is \(probabilities[bad]); expected a "
                              + "value in 0...1. Pass calibrated probabilities, not raw scores.")
        }
    }

    /// Checks a revenue column against `rowCount`.
    static func checkRevenue(_ revenue: [Double], rowCount: Int) throws {
        guard revenue.count == rowCount else {
            throw MetricError(.lengthMismatch, "revenue has \(revenue.count) entries but scores has \(rowCount); "
                              + "pass one revenue value per score.")
        }
        // NaN is an unknown amount (an empty revenue cell): left out of every revenue total.
        if let bad = revenue.firstIndex(where: { !($0.isNaN || ($0.isFinite && $0 >= 0)) }) {
            throw MetricError(.invalidRevenue, "revenue \(bad) is \(revenue[bad]); expected a finite amount >= 0, "
                              + "or NaN when it is unknown.")
        }
    }

    /// Checks an inspection rate `k ∈ (0, 1]`.
    static func checkRate(_ rate: Double) throws {
        guard rate > 0 && rate <= 1 else {
            throw MetricError(.invalidParameter, "rate is \(rate); expected a fraction in (0, 1] such as 0.05 "
                              + "for the top 5 %.")
        }
    }

    @inline(__always)
    static func weight(_ weights: [Float]?, _ index: Int) -> Double {
        weights.map { Double($0[index]) } ?? 1
    }
}

/// Returns the area under the ROC curve of `scores` against `labels`.
///
/// Ties count as half-correct (average ranks), so the result does not depend on input order.
/// Invariant under any strictly increasing transform of `scores`. With `weights`, each example
/// counts with its weight (pairs weigh `w_i · w_j`).
///
/// - Parameters:
///   - scores: One finite score per example; higher means riskier.
///   - labels: `1` (or any value > 0.5) for a confirmed infraction, else `0`.
///   - weights: Optional non-negative weights, one per example.
/// - Returns: A value in `0...1`.
/// - Throws: `MetricError` `.lengthMismatch` when the arrays differ in length, `.singleClass` when
///   `labels` has one class (by positive weight), `.nonFiniteScore` naming the first bad index.
/// - Complexity: O(*n* log *n*).
public func rocAUC(scores: [Double], labels: [Float], weights: [Float]? = nil) throws -> Double {
    try MetricInput.check(scores: scores, labels: labels, weights: weights)
    let order = scores.indices.sorted { scores[$0] < scores[$1] }
    var positiveWeight = 0.0, negativeWeight = 0.0
    var area = 0.0   // Σ over positives of (negative weight below + half of tied negative weight)
    var i = 0
    while i < order.count {
        var j = i
        var tiedPositive = 0.0, tiedNegative = 0.0
        while j < order.count && scores[order[j]] == scores[order[i]] {
            let w = Double(weights?[order[j]] ?? 1)
            if labels[order[j]] > 0.5 { tiedPositive += w } else { tiedNegative += w }
            j += 1
        }
        area += tiedPositive * (negativeWeight + 0.5 * tiedNegative)
        positiveWeight += tiedPositive
        negativeWeight += tiedNegative
        i = j
    }
    guard positiveWeight > 0, negativeWeight > 0 else {
        throw MetricError(.singleClass, "AUC needs both classes; the labels hold only "
                          + (positiveWeight > 0 ? "positives" : "negatives") + ".")
    }
    return area / (positiveWeight * negativeWeight)
}

/// An error from a metric: the input it cannot score and why.
public struct MetricError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }
        public static let lengthMismatch = Code("lengthMismatch")
        public static let singleClass = Code("singleClass")
        public static let nonFiniteScore = Code("nonFiniteScore")
        public static let invalidParameter = Code("invalidParameter")
        public static let empty = Code("empty")
    }

    public var code: Code
    public var message: String
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
    public var description: String { message }
}

enum MetricInput {
    static func check(scores: [Double], labels: [Float], weights: [Float]?) throws {
        guard scores.count == labels.count else {
            throw MetricError(.lengthMismatch, "scores has \(scores.count) entries but labels has \(labels.count).")
        }
        if let w = weights, w.count != scores.count {
            throw MetricError(.lengthMismatch, "weights has \(w.count) entries but scores has \(scores.count).")
        }
        guard !scores.isEmpty else { throw MetricError(.empty, "No examples to score.") }
        if let bad = scores.firstIndex(where: { !$0.isFinite }) {
            throw MetricError(.nonFiniteScore, "score \(bad) is \(scores[bad]); expected a finite number.")
        }
    }
}

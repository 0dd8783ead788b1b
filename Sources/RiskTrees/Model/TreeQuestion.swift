/// Whether the category code `x` (not NaN) is in the bitset of `wordCount` 64-bit words at
/// `words[start...]`. Codes outside the bitset, negative and fractional-beyond-range ones included,
/// are not in it: they go right, like unseen codes. The categorical half of
/// `RegressionTree.goesLeft`, shared by every routing path (the predictor, symmetric forests,
/// TreeSHAP), so that all of them send a code the same way.
@inlinable @inline(__always)
package func categorySetContains(_ x: Float, start: Int, wordCount: Int, words: UnsafePointer<UInt64>) -> Bool {
    guard x >= 0, x < Float(wordCount &* 64) else { return false }
    let code = Int(x)
    return (words[start &+ (code >> 6)] >> UInt64(code & 63)) & 1 == 1
}

/// One split question in a compact form for table-driven routing (symmetric forests, tabulated
/// TreeSHAP): numeric `x <= threshold` with missing values compared as −∞ (go left) or +∞ (go
/// right), or membership of the code in a category bitset. 20 bytes, no branch on the data for a
/// numeric question. Numeric thresholds must be finite (the ±∞ trick needs it): `init` returns nil
/// otherwise, and callers keep such trees on their general path.
@usableFromInline
package struct TreeQuestion: Sendable {
    @usableFromInline package var feature: Int32
    @usableFromInline package var threshold: Float
    /// What NaN is compared as: −∞ when missing values go left, +∞ when they go right.
    @usableFromInline package var missingValue: Float
    /// Categorical questions: the bitset's start and length (64-bit words) in the caller's word
    /// array; length 0 for a numeric question.
    @usableFromInline package var categoryStart: Int32
    @usableFromInline package var categoryWordCount: Int32
    @usableFromInline package var missingGoesLeft: Bool

    /// A question, or nil for a numeric one with a non-finite threshold.
    package init?(feature: Int32, threshold: Float, missingGoesLeft: Bool, categoryStart: Int32,
                  categoryWordCount: Int32) {
        guard categoryWordCount > 0 || threshold.isFinite else { return nil }
        self.feature = feature
        self.threshold = threshold
        self.missingValue = missingGoesLeft ? -.infinity : .infinity
        self.categoryStart = categoryWordCount > 0 ? categoryStart : 0
        self.categoryWordCount = categoryWordCount
        self.missingGoesLeft = missingGoesLeft
    }

    /// `goesLeft` for a numeric question (`categoryWordCount == 0`): one select and one compare.
    @inlinable @inline(__always)
    package func numericGoesLeft(_ x: Float) -> Bool { (x.isNaN ? missingValue : x) <= threshold }

    /// Whether `x` goes left: the rule of `RegressionTree.goesLeft`.
    @inlinable @inline(__always)
    package func goesLeft(_ x: Float, categoryWords: UnsafePointer<UInt64>) -> Bool {
        if categoryWordCount == 0 { return numericGoesLeft(x) }
        if x.isNaN { return missingGoesLeft }
        return categorySetContains(x, start: Int(categoryStart), wordCount: Int(categoryWordCount),
                                   words: categoryWords)
    }
}

/// Whether the category code `x` (not NaN) is in the bitset of `wordCount` 64-bit words at
/// `words[start...]`. Codes outside the bitset, negative and fractional-beyond-range ones included,
/// are not in it: they go right, like unseen codes. The categorical half of
/// `CompiledForest.Layout.goesLeft`, shared by every routing path (the walks, symmetric tables,
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

    /// Whether `x` goes left: the rule of `CompiledForest.Layout.goesLeft`.
    @inlinable @inline(__always)
    package func goesLeft(_ x: Float, categoryWords: UnsafePointer<UInt64>) -> Bool {
        if categoryWordCount == 0 { return numericGoesLeft(x) }
        if x.isNaN { return missingGoesLeft }
        return categorySetContains(x, start: Int(categoryStart), wordCount: Int(categoryWordCount),
                                   words: categoryWords)
    }
}

// MARK: - Blocks of rows

/// The category codes of a block's values, for `TreeQuestion.addCategoryAnswers`: a code in
/// 0..<2^31 for a value ≥ 0 (truncated, as `categorySetContains` does), −2 for NaN, −1 otherwise.
/// Converted once per block and feature, so that every categorical question of the block is a
/// branch-free bit test per row. Shared by symmetric forests and tabulated TreeSHAP.
@inlinable @inline(__always)
package func blockCategoryCodes(_ column: UnsafePointer<Float>, count: Int, into codes: UnsafeMutablePointer<Int32>) {
    for r in 0..<count {
        let x = column[r]
        let code = Int32(x >= 0 && x < 2_147_483_648 ? x : -1)
        codes[r] = x.isNaN ? -2 : code
    }
}

extension TreeQuestion {
    /// ORs `bit` into `masks[r]` for every row of a block that goes left at this numeric question
    /// (`categoryWordCount == 0`, finite threshold): one comparison per row, since NaN fails both
    /// `x <= t` (goes right) and `x > t` (so `!(x > t)` sends it left).
    @inlinable @inline(__always)
    package func addNumericAnswers(_ column: UnsafePointer<Float>, count: Int, bit: Int32,
                                   to masks: UnsafeMutablePointer<Int32>) {
        if missingGoesLeft {
            for r in 0..<count { masks[r] |= !(column[r] > threshold) ? bit : 0 }
        } else {
            for r in 0..<count { masks[r] |= column[r] <= threshold ? bit : 0 }
        }
    }

    /// ORs `bit` into `masks[r]` for every row of a block that goes left at this categorical
    /// question, from the block's `blockCategoryCodes` of its feature: NaN (−2) goes the missing
    /// direction; a code outside the bitset (−1 included, as unsigned) is not a member and goes right.
    @inlinable @inline(__always)
    package func addCategoryAnswers(codes column: UnsafePointer<Int32>, count: Int, words: UnsafePointer<UInt64>,
                                    bit: Int32, to masks: UnsafeMutablePointer<Int32>) {
        let set = words + Int(categoryStart)
        let missingBit = missingGoesLeft ? bit : 0
        if categoryWordCount == 1 {
            let word = set[0]
            for r in 0..<count {
                let code = column[r]
                let member = UInt32(bitPattern: code) < 64 && (word &>> UInt64(code & 63)) & 1 == 1
                masks[r] |= code == -2 ? missingBit : (member ? bit : 0)
            }
        } else {
            let limit = UInt32(Int(categoryWordCount) &* 64)
            for r in 0..<count {
                let code = column[r]
                let inSet = UInt32(bitPattern: code) < limit
                let word = set[Int(inSet ? code : 0) &>> 6]
                let member = inSet && (word &>> UInt64(code & 63)) & 1 == 1
                masks[r] |= code == -2 ? missingBit : (member ? bit : 0)
            }
        }
    }
}

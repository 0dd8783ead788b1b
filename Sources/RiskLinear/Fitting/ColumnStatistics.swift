/// Vectorised single-pass statistics of one `Float` column, for `DesignMatrix`.
///
/// A plain `sum += Double(v)` loop is bound by the latency of one chain of additions (≈ 4 cycles
/// a value); eight interleaved partial sums (`SIMD8<Double>`) let the pass run at memory speed.
/// The partial sums are combined in a fixed pairwise order, so the result depends on the values
/// only — not on threads or alignment — but it may differ from the sequential sum in the last
/// bits (both are within `n·ε·Σ|x|` of the exact sum).
enum ColumnStatistics {
    /// Σ Double(x), and the smallest and largest value. A NaN or ±∞ anywhere makes `sum` non-finite
    /// (a sum of finite `Float`s cannot overflow a `Double`); `lowest`/`highest` are then unspecified.
    ///
    /// - Complexity: O(n), one pass.
    static func summarise(_ column: UnsafeBufferPointer<Float>) -> (sum: Double, lowest: Float, highest: Float) {
        guard let base = column.baseAddress, column.count > 0 else { return (0, .infinity, -.infinity) }
        let count = column.count
        var sum = SIMD8<Double>(repeating: 0)
        var low = SIMD8<Float>(repeating: .infinity), high = SIMD8<Float>(repeating: -.infinity)
        var i = 0
        while i + 8 <= count {
            let v = UnsafeRawPointer(base + i).loadUnaligned(as: SIMD8<Float>.self)
            sum += SIMD8<Double>(v)
            // `replacing(with:where:)` compiles to compare-and-blend; `pointwiseMin` goes lane by lane
            // through the NaN-aware `Float.minimum` and took most of the pass. NaN is caught by the sum.
            low.replace(with: v, where: v .< low)
            high.replace(with: v, where: v .> high)
            i += 8
        }
        var tail = 0.0, lowest = low.min(), highest = high.max()
        while i < count {
            let v = base[i]
            tail += Double(v)
            lowest = min(lowest, v)
            highest = max(highest, v)
            i += 1
        }
        return (combine(sum) + tail, lowest, highest)
    }

    /// Σ (Double(x) − mean)². - Complexity: O(n), one pass.
    static func sumOfSquaredDeviations(_ column: UnsafeBufferPointer<Float>, mean: Double) -> Double {
        guard let base = column.baseAddress, column.count > 0 else { return 0 }
        let count = column.count
        var sum = SIMD8<Double>(repeating: 0)
        let center = SIMD8<Double>(repeating: mean)
        var i = 0
        while i + 8 <= count {
            let d = SIMD8<Double>(UnsafeRawPointer(base + i).loadUnaligned(as: SIMD8<Float>.self)) - center
            sum += d * d
            i += 8
        }
        var tail = 0.0
        while i < count {
            let d = Double(base[i]) - mean
            tail += d * d
            i += 1
        }
        return combine(sum) + tail
    }

    /// The eight lanes added pairwise in a fixed order.
    @inline(__always)
    private static func combine(_ v: SIMD8<Double>) -> Double {
        let quads = v.lowHalf + v.highHalf, pairs = quads.lowHalf + quads.highHalf
        return pairs[0] + pairs[1]
    }
}

import RiskData

/// Maps the raw values of one feature to `UInt8` bins.
///
/// Numeric features: bin `b` holds the values `x` with `upperBounds[b-1] < x <= upperBounds[b]`;
/// the last value bin is unbounded above. Edges are midpoints between distinct sample values
/// when the sample has at most `binCount` of them, else quantiles of the sample (midpoints
/// between the two sample values that straddle each quantile, as scikit-learn's `_BinMapper`
/// does). By construction `bin(x) <= b ⇔ x <= upperBounds[b]`, so a split learned on bins is
/// exactly the raw split `x <= upperBounds[b]`.
///
/// Categorical features: code `c` (the integer part of the value) has its own bin when
/// `0 <= c < min(levelCount, 254)`; every other code (negative, ≥ 254, or ≥ `levelCount`)
/// shares one "other" bin that never goes to the left set of a split, matching the routing
/// rule that codes outside a split's bitset go right.
///
/// Missing values (NaN) always go to bin `missingBin` (255).
package struct FeatureBinMapper: Sendable, Hashable {
    /// The bin of missing values.
    package static let missingBin: UInt8 = 255
    /// Number of bins in a histogram (value bins plus the missing bin, with unused bins between).
    package static let histogramBinCount = 256
    /// Largest number of categories with their own bin.
    package static let maximumOwnCategories = 254

    package let isCategorical: Bool
    /// Numeric: upper bound of each value bin except the last (`valueBinCount - 1` entries).
    package let upperBounds: [Float]
    /// Number of value bins (excluding the missing bin); ≥ 1.
    package let valueBinCount: Int

    package init(upperBounds: [Float]) {
        self.isCategorical = false
        self.upperBounds = upperBounds
        self.valueBinCount = upperBounds.count + 1
    }

    package init(categoryCount: Int) {
        self.isCategorical = true
        self.upperBounds = []
        // Own bins for 0..<own, then the shared "other" bin at index `own`.
        self.valueBinCount = min(max(categoryCount, 0), Self.maximumOwnCategories) + 1
    }

    /// Number of categories with their own bin (categorical features only).
    package var ownCategoryCount: Int { isCategorical ? valueBinCount - 1 : 0 }

    /// The bin of a raw value.
    @inline(__always)
    package func bin(_ x: Float) -> UInt8 {
        if x.isNaN { return Self.missingBin }
        if isCategorical {
            let own = valueBinCount - 1
            guard x >= 0, x < Float(own) else { return UInt8(own) }
            return UInt8(Int(x))
        }
        return upperBounds.withUnsafeBufferPointer { Self.numericBin(x, bounds: $0) }
    }

    /// First `b` with `x <= bounds[b]` (= number of bounds below `x`), by a branch-free binary search.
    @inline(__always)
    package static func numericBin(_ x: Float, bounds: UnsafeBufferPointer<Float>) -> UInt8 {
        var length = bounds.count
        guard length > 0 else { return 0 }
        var base = 0
        // The length shrinks independently of the comparison, so `base` is a conditional move.
        while length > 1 {
            let half = length >> 1
            base = bounds[base &+ half &- 1] < x ? base &+ half : base
            length &-= half
        }
        return UInt8(truncatingIfNeeded: base &+ (bounds[base] < x ? 1 : 0))
    }

    /// Bins `count` numeric values, four searches interleaved so their load chains overlap.
    /// Same result as `numericBin` per value (NaN → `missingBin`).
    package static func binColumn(_ column: UnsafePointer<Float>, count: Int, bounds: UnsafeBufferPointer<Float>,
                                  into destination: UnsafeMutablePointer<UInt8>) {
        let boundCount = bounds.count
        var r = 0
        if boundCount > 0 {
            while r &+ 4 <= count {
                let x0 = column[r], x1 = column[r &+ 1], x2 = column[r &+ 2], x3 = column[r &+ 3]
                var b0 = 0, b1 = 0, b2 = 0, b3 = 0
                var length = boundCount
                while length > 1 {
                    let half = length >> 1
                    b0 = bounds[b0 &+ half &- 1] < x0 ? b0 &+ half : b0
                    b1 = bounds[b1 &+ half &- 1] < x1 ? b1 &+ half : b1
                    b2 = bounds[b2 &+ half &- 1] < x2 ? b2 &+ half : b2
                    b3 = bounds[b3 &+ half &- 1] < x3 ? b3 &+ half : b3
                    length &-= half
                }
                destination[r] = x0.isNaN ? missingBin : UInt8(truncatingIfNeeded: b0 &+ (bounds[b0] < x0 ? 1 : 0))
                destination[r &+ 1] = x1.isNaN ? missingBin : UInt8(truncatingIfNeeded: b1 &+ (bounds[b1] < x1 ? 1 : 0))
                destination[r &+ 2] = x2.isNaN ? missingBin : UInt8(truncatingIfNeeded: b2 &+ (bounds[b2] < x2 ? 1 : 0))
                destination[r &+ 3] = x3.isNaN ? missingBin : UInt8(truncatingIfNeeded: b3 &+ (bounds[b3] < x3 ? 1 : 0))
                r &+= 4
            }
        }
        while r < count {
            let x = column[r]
            destination[r] = x.isNaN ? missingBin : numericBin(x, bounds: bounds)
            r &+= 1
        }
    }

    /// The raw threshold of a numeric split that sends bins `0...bin` left.
    package func threshold(afterBin bin: Int) -> Float {
        bin < upperBounds.count ? upperBounds[bin] : Float.greatestFiniteMagnitude
    }

    /// Finds numeric bin edges from sample values (NaN allowed and ignored).
    ///
    /// - Complexity: O(*m* log *m*) for *m* sample values.
    package static func numeric(sample: [Float], binCount: Int) -> FeatureBinMapper {
        let values = sortedNonMissing(sample)
        guard let first = values.first, let last = values.last, first < last else {
            return FeatureBinMapper(upperBounds: [])
        }
        var distinct: [Float] = []
        distinct.reserveCapacity(min(values.count, 1024))
        for v in values where distinct.last != v { distinct.append(v) }
        var edges: [Float] = []
        if distinct.count <= binCount {
            edges.reserveCapacity(distinct.count - 1)
            for i in 1..<distinct.count { edges.append(midpoint(distinct[i - 1], distinct[i])) }
        } else {
            let m = values.count
            for k in 1..<binCount {
                let position = min(max(Int(Double(k) * Double(m) / Double(binCount)), 1), m - 1)
                let low = values[position - 1], high = values[position]
                let edge = low < high ? midpoint(low, high) : low
                if edge < last, edges.last.map({ edge > $0 }) ?? true { edges.append(edge) }
            }
        }
        return FeatureBinMapper(upperBounds: edges)
    }

    /// The non-NaN values of `sample`, sorted ascending: an LSD radix sort on order-preserving
    /// integer keys (3 passes of 11 bits), ~10× faster than a comparison sort on 200 000 values.
    static func sortedNonMissing(_ sample: [Float]) -> [Float] {
        var keys: [UInt32] = []
        keys.reserveCapacity(sample.count)
        for x in sample where !x.isNaN {
            let bits = x.bitPattern
            keys.append(bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000)
        }
        var scratch = [UInt32](repeating: 0, count: keys.count)
        var counts = [Int](repeating: 0, count: 2048)
        for pass in 0..<3 {
            let shift = UInt32(pass * 11)
            for i in counts.indices { counts[i] = 0 }
            keys.withUnsafeBufferPointer { source in
                scratch.withUnsafeMutableBufferPointer { destination in
                    counts.withUnsafeMutableBufferPointer { count in
                        for key in source { count[Int((key >> shift) & 0x7FF)] += 1 }
                        var total = 0
                        for i in 0..<2048 {
                            let c = count[i]
                            count[i] = total
                            total += c
                        }
                        for key in source {
                            let digit = Int((key >> shift) & 0x7FF)
                            destination[count[digit]] = key
                            count[digit] += 1
                        }
                    }
                }
            }
            swap(&keys, &scratch)
        }
        return keys.map { key in
            Float(bitPattern: key & 0x8000_0000 != 0 ? key & 0x7FFF_FFFF : ~key)
        }
    }

    /// A `Float` edge `e` with `low <= e < high` (so `low` goes left and `high` right).
    private static func midpoint(_ low: Float, _ high: Float) -> Float {
        let mid = Float((Double(low) + Double(high)) / 2)
        return mid < high && mid >= low ? mid : low
    }
}

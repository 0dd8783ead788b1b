/// The best split found for a node on one feature (or over all features).
package struct SplitCandidate: Sendable, Hashable {
    package var feature: Int = -1
    /// Loss reduction: G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ) (LightGBM's gain, no ½ factor).
    package var gain: Double = -.infinity
    package var isCategorical = false
    /// Numeric: bins `0...binThreshold` go left.
    package var binThreshold: UInt8 = 0
    package var missingGoesLeft = false
    /// Categorical: bins whose bit is set go left (bit 255 = missing).
    package var leftBins: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    package var left = NodeTotals(gradient: 0, hessian: 0, count: 0)
    package var right = NodeTotals(gradient: 0, hessian: 0, count: 0)

    package init() {}

    package var isValid: Bool { feature >= 0 }

    /// Whether a row in bin `bin` goes left.
    @inline(__always)
    package func goesLeft(bin: UInt8) -> Bool {
        if isCategorical { return Self.contains(leftBins, bin) }
        if bin == FeatureBinMapper.missingBin { return missingGoesLeft }
        return bin <= binThreshold
    }

    @inline(__always)
    package static func contains(_ bits: (UInt64, UInt64, UInt64, UInt64), _ bin: UInt8) -> Bool {
        let shift = UInt64(bin & 63)
        switch bin >> 6 {
        case 0: return (bits.0 >> shift) & 1 == 1
        case 1: return (bits.1 >> shift) & 1 == 1
        case 2: return (bits.2 >> shift) & 1 == 1
        default: return (bits.3 >> shift) & 1 == 1
        }
    }

    @inline(__always)
    package static func insert(_ bits: inout (UInt64, UInt64, UInt64, UInt64), _ bin: Int) {
        let mask = UInt64(1) << UInt64(bin & 63)
        switch bin >> 6 {
        case 0: bits.0 |= mask
        case 1: bits.1 |= mask
        case 2: bits.2 |= mask
        default: bits.3 |= mask
        }
    }

    package static func == (a: SplitCandidate, b: SplitCandidate) -> Bool {
        a.feature == b.feature && a.gain == b.gain && a.isCategorical == b.isCategorical
            && a.binThreshold == b.binThreshold && a.missingGoesLeft == b.missingGoesLeft
            && a.leftBins == b.leftBins && a.left == b.left && a.right == b.right
    }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(feature)
        hasher.combine(gain)
        hasher.combine(binThreshold)
    }
}

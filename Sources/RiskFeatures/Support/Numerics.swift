#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Small numeric helpers shared by fit, transform and the reason facts.
enum Numerics {
    /// Largest magnitude written to a `Float` matrix: beyond it values are clamped (absurd magnitudes).
    static let floatLimit: Double = 3.0e38
    /// Clamp applied to identity-transformed numbers before linear statistics.
    static let linearIdentityLimit: Double = 1.0e15
    /// Standardised linear values are clipped to ±this.
    static let standardClip: Double = 10
    /// Unit-value log-ratios are clamped to ±this (e^20 ≈ 5·10⁸); a zero value gives −20.
    static let logRatioLimit: Double = 20
    /// Smallest robust scale (in natural-log units) of a reference group.
    static let minimumReferenceScale: Double = 0.05
    /// Rates are clamped to `[ε, 1 − ε]` before their log-odds are taken (|log-odds| ≤ 13.8).
    static let logOddsEpsilon: Double = 1e-6

    /// NaN stays NaN (missing); ±∞ and huge values become ±`floatLimit`.
    @inline(__always)
    static func toFloat(_ x: Double) -> Float {
        if x.isNaN { return .nan }
        return Float(Swift.min(Swift.max(x, -floatLimit), floatLimit))
    }

    @inline(__always)
    static func signedLog1p(_ x: Double) -> Double {
        x >= 0 ? log1p(x) : -log1p(-x)
    }

    @inline(__always)
    static func logarithm(_ x: Double) -> Double { log(x) }

    /// ln(p / (1 − p)) of `p` clamped to `[logOddsEpsilon, 1 − logOddsEpsilon]`; NaN stays NaN.
    @inline(__always)
    static func logOdds(_ p: Double) -> Double {
        if p.isNaN { return .nan }
        let q = Swift.min(Swift.max(p, logOddsEpsilon), 1 - logOddsEpsilon)
        return log(q / (1 - q))
    }

    @inline(__always)
    static func exponential(_ x: Double) -> Double { exp(x) }

    /// The median of `values` (non-empty, no NaN; reordered in place): the mean of the two middle
    /// values for an even count. Quickselect (Hoare, median-of-three pivot), expected O(*n*).
    static func median(selecting values: inout [Double]) -> Double {
        let n = values.count
        return values.withUnsafeMutableBufferPointer { buffer in
            let upper = select(buffer, rank: n / 2)
            guard n % 2 == 0 else { return upper }
            // After selection every value left of n/2 is ≤ the upper middle: the lower middle is their maximum.
            var lower = -Double.infinity
            for i in 0..<(n / 2) where buffer[i] > lower { lower = buffer[i] }
            return (lower + upper) / 2
        }
    }

    /// Rearranges `buffer` so that `buffer[rank]` is the value of that rank, smaller-or-equal values
    /// before it and greater-or-equal after it; returns it.
    private static func select(_ buffer: UnsafeMutableBufferPointer<Double>, rank: Int) -> Double {
        var low = 0, high = buffer.count - 1
        while high > low {
            let middle = low + (high - low) / 2
            // Median of three as pivot.
            if buffer[middle] < buffer[low] { buffer.swapAt(middle, low) }
            if buffer[high] < buffer[low] { buffer.swapAt(high, low) }
            if buffer[high] < buffer[middle] { buffer.swapAt(high, middle) }
            let pivot = buffer[middle]
            var i = low, j = high
            while i <= j {
                while buffer[i] < pivot { i += 1 }
                while buffer[j] > pivot { j -= 1 }
                if i <= j {
                    buffer.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if rank <= j {
                high = j
            } else if rank >= i {
                low = i
            } else {
                break
            }
        }
        return buffer[rank]
    }
}

/// Civil calendar from days since 1970-01-01 (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms").
enum CivilCalendar {
    /// Month `1...12` of `days`.
    @inline(__always)
    static func month(daysSince1970 days: Int32) -> Int {
        let z = Int(days) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        return shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
    }

    /// Weekday `0...6`, Monday = 0 (1970-01-01 was a Thursday = 3).
    @inline(__always)
    static func weekday(daysSince1970 days: Int32) -> Int {
        ((Int(days) % 7) + 7 + 3) % 7
    }
}

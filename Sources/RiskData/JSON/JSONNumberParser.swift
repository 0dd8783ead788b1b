/// Converts validated JSON number text to `Double`, `Float` and integers.
///
/// Floating-point results are correctly rounded (round-to-nearest-even), the same bits as
/// `strtod`/`strtof` and Foundation's `JSONDecoder`: exact small cases by Clinger's fast path,
/// nearly all others by the Eisel-Lemire algorithm over the 128-bit table of
/// `JSONPowersOfTen.swift`, and the rest (more than 19 significant digits, or a case Eisel-Lemire
/// declines) by the standard library's `Double(_:)`/`Float(_:)` on the text (C locale, correctly
/// rounded). Each path is checked against Foundation in `JSONNumberParserTests`.
enum JSONNumberParser {
    /// A decimal `±mantissa × 10^exponent` read from number text.
    struct Decimal {
        var mantissa: UInt64 = 0
        var exponent = 0
        var isNegative = false
        /// More than 19 significant digits: `mantissa` dropped some non-zero digits.
        var isTruncated = false
        /// The text had a fraction or an exponent.
        var hasFractionOrExponent = false
    }

    /// Reads the (already validated) number text starting at `start`; returns it and the offset after it.
    @inline(__always)
    static func decimal(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> (Decimal, end: Int) {
        var d = Decimal()
        let n = bytes.count
        var i = start
        if bytes[i] == UInt8(ascii: "-") {
            d.isNegative = true
            i += 1
        }
        var significantDigits = 0
        while i < n {
            let digit = bytes[i] &- UInt8(ascii: "0")
            guard digit < 10 else { break }
            if significantDigits < 19 {
                d.mantissa = d.mantissa &* 10 &+ UInt64(digit)
                if d.mantissa != 0 { significantDigits += 1 }
            } else {
                d.exponent += 1
                if digit != 0 { d.isTruncated = true }
            }
            i += 1
        }
        if i < n, bytes[i] == UInt8(ascii: ".") {
            d.hasFractionOrExponent = true
            i += 1
            while i < n {
                let digit = bytes[i] &- UInt8(ascii: "0")
                guard digit < 10 else { break }
                if significantDigits < 19 {
                    d.mantissa = d.mantissa &* 10 &+ UInt64(digit)
                    if d.mantissa != 0 { significantDigits += 1 }
                    d.exponent -= 1
                } else if digit != 0 {
                    d.isTruncated = true
                }
                i += 1
            }
        }
        if i < n, bytes[i] | 0x20 == UInt8(ascii: "e") {
            d.hasFractionOrExponent = true
            i += 1
            var negative = false
            if bytes[i] == UInt8(ascii: "-") {
                negative = true
                i += 1
            } else if bytes[i] == UInt8(ascii: "+") {
                i += 1
            }
            var value = 0
            while i < n {
                let digit = bytes[i] &- UInt8(ascii: "0")
                guard digit < 10 else { break }
                value = min(value * 10 + Int(digit), 1_000_000)
                i += 1
            }
            d.exponent += negative ? -value : value
        }
        return (d, i)
    }

    /// The number at `start` as a `Double`, and the offset after it. The value is infinite when the
    /// number is beyond the finite range and NaN when it is not zero but rounds to zero.
    @inline(__always)
    static func double(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> (Double, end: Int) {
        let (d, end) = decimal(bytes, from: start)
        if d.mantissa == 0 && !d.isTruncated { return (d.isNegative ? -0.0 : 0.0, end) }
        if !d.isTruncated {
            if d.mantissa <= 1 << 53 && d.exponent >= -22 && d.exponent <= 22 {
                let m = Double(d.mantissa)
                let value = d.exponent >= 0 ? m * exactPowersOfTen[d.exponent] : m / exactPowersOfTen[-d.exponent]
                return (d.isNegative ? -value : value, end)
            }
            if let value = eiselLemire64(d.mantissa, d.exponent, d.isNegative) { return (value, end) }
        }
        let value = Double(text(bytes, start, end)) ?? .nan
        return (value == 0 ? .nan : value, end)
    }

    /// The number at `start` as a `Float` (rounded once, from the text), and the offset after it;
    /// infinite beyond the finite `Float` range, NaN when not zero but rounding to zero.
    @inline(__always)
    static func float(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> (Float, end: Int) {
        let (d, end) = decimal(bytes, from: start)
        if d.mantissa == 0 && !d.isTruncated { return (d.isNegative ? -0.0 : 0.0, end) }
        if !d.isTruncated {
            if d.mantissa <= 1 << 24 && d.exponent >= -10 && d.exponent <= 10 {
                let m = Float(d.mantissa)
                let p = Float(exactPowersOfTen[abs(d.exponent)])
                let value = d.exponent >= 0 ? m * p : m / p
                return (d.isNegative ? -value : value, end)
            }
            if let value = eiselLemire32(d.mantissa, d.exponent, d.isNegative) { return (value, end) }
        }
        let value = Float(text(bytes, start, end)) ?? .nan
        return (value == 0 ? .nan : value, end)
    }

    /// The number at `start` as an integer of type `T`, or why not.
    enum IntegerResult<T> { case value(T), notAnInteger, outOfRange }

    /// The integer at `start`: up to 19 digits accumulate in a `UInt64` without checks (10^19 − 1
    /// fits), longer ones with overflow checks; the range of `T` is checked once at the end.
    @inline(__always)
    static func integer<T: FixedWidthInteger>(_ type: T.Type, _ bytes: UnsafeBufferPointer<UInt8>,
                                              from start: Int) -> (IntegerResult<T>, end: Int) {
        let n = bytes.count
        var i = start
        let negative = bytes[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        let firstDigit = i
        var magnitude: UInt64 = 0
        while i < n, i - firstDigit < 19 {
            let digit = bytes[i] &- UInt8(ascii: "0")
            guard digit < 10 else { break }
            magnitude = magnitude &* 10 &+ UInt64(digit)
            i += 1
        }
        var overflow = false
        while i < n {
            let digit = bytes[i] &- UInt8(ascii: "0")
            guard digit < 10 else { break }
            let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (next, o2) = times10.addingReportingOverflow(UInt64(digit))
            overflow = overflow || o1 || o2
            magnitude = next
            i += 1
        }
        if i < n, bytes[i] == UInt8(ascii: ".") || bytes[i] | 0x20 == UInt8(ascii: "e") {
            let (_, end) = decimal(bytes, from: start)
            return (.notAnInteger, end)
        }
        if overflow { return (.outOfRange, i) }
        if negative {
            guard magnitude <= T.min.magnitude else { return (.outOfRange, i) }
            return (.value(T(truncatingIfNeeded: 0 &- magnitude)), i)
        }
        guard magnitude <= T.max else { return (.outOfRange, i) }
        return (.value(T(truncatingIfNeeded: magnitude)), i)
    }

    // MARK: - Eisel-Lemire (after Go's strconv/eisel_lemire.go and Wuffs)

    private static func eiselLemire64(_ mantissa: UInt64, _ exponent10: Int, _ negative: Bool) -> Double? {
        eiselLemire(mantissa, exponent10, negative, fractionBits: 52, exponentBits: 11).map { Double(bitPattern: $0) }
    }

    private static func eiselLemire32(_ mantissa: UInt64, _ exponent10: Int, _ negative: Bool) -> Float? {
        eiselLemire(mantissa, exponent10, negative, fractionBits: 23, exponentBits: 8)
            .map { Float(bitPattern: UInt32(truncatingIfNeeded: $0)) }
    }

    /// The IEEE-754 bits of `mantissa × 10^exponent10` correctly rounded to a binary format with
    /// `fractionBits` stored fraction bits and `exponentBits` exponent bits (52/11: Double, 23/8:
    /// Float), or nil when the fast algorithm cannot decide (the caller falls back).
    private static func eiselLemire(_ mantissa: UInt64, _ exponent10: Int, _ negative: Bool,
                                    fractionBits: UInt64, exponentBits: UInt64) -> UInt64? {
        guard exponent10 >= jsonPowersOfTenMinimumExponent, exponent10 <= jsonPowersOfTenMaximumExponent else {
            return nil
        }
        let bias = Int((1 << (exponentBits - 1)) - 1)          // 1023 or 127
        let shift = 64 - fractionBits - 3                      // 9 or 38: bits below the result
        let lowMask: UInt64 = (1 << shift) - 1                 // 0x1FF or 0x3F_FFFF_FFFF
        let maximumExponent: UInt64 = (1 << exponentBits) - 1  // 0x7FF or 0xFF
        let leadingZeros = mantissa.leadingZeroBitCount
        let m = mantissa << UInt64(leadingZeros)
        var exponent2 = UInt64(bitPattern: Int64(((217_706 * exponent10) >> 16) + 64 + bias)) &- UInt64(leadingZeros)
        let row = 2 * (exponent10 - jsonPowersOfTenMinimumExponent)
        let (high, low) = jsonPowersOfTen.withUnsafeBufferPointer { ($0[row], $0[row + 1]) }
        var (xHigh, xLow) = m.multipliedFullWidth(by: high)
        if xHigh & lowMask == lowMask && xLow &+ m < m {
            let (yHigh, yLow) = m.multipliedFullWidth(by: low)
            var mergedHigh = xHigh
            let mergedLow = xLow &+ yHigh
            if mergedLow < xLow { mergedHigh &+= 1 }
            if mergedHigh & lowMask == lowMask && mergedLow &+ 1 == 0 && yLow &+ m < m { return nil }
            xHigh = mergedHigh
            xLow = mergedLow
        }
        let msb = xHigh >> 63
        var result = xHigh >> (msb + shift)
        exponent2 = exponent2 &- (1 ^ msb)
        if xLow == 0 && xHigh & lowMask == 0 && result & 3 == 1 { return nil }
        result += result & 1
        result >>= 1
        if result >> (fractionBits + 1) > 0 {
            result >>= 1
            exponent2 &+= 1
        }
        if exponent2 &- 1 >= maximumExponent - 1 { return nil }
        return exponent2 << fractionBits | result & ((1 << fractionBits) - 1)
            | (negative ? 1 << (fractionBits + exponentBits) : 0)
    }

    // MARK: - Support

    /// 10^0 … 10^22, exact in a `Double`.
    private static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
        1e19, 1e20, 1e21, 1e22,
    ]

    private static func text(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Parsers from field bytes to typed values, shared by the CSV reader and `Declaration` values.
///
/// Every parser trims ASCII spaces and tabs around the value; an empty value is "missing" and is
/// handled by the caller before a parser is called.
package enum ValueParsers {
    /// Exact powers of ten representable in a `Double` (10^0 … 10^22).
    private static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// The offset of the first byte of `bytes` that does not belong to a valid UTF-8 sequence
    /// (`bytes.count` when all are valid).
    package static func firstInvalidUTF8Offset(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded): offset += encoded.count
            case .error: return offset
            case .emptyInput: return offset
            }
        }
    }

    /// Removes leading and trailing spaces and tabs.
    @inline(__always)
    package static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        guard var start = bytes.baseAddress else { return bytes }
        var count = bytes.count
        while count > 0 && (start[0] == 0x20 || start[0] == 0x09) {
            start += 1
            count -= 1
        }
        while count > 0 && (start[count - 1] == 0x20 || start[count - 1] == 0x09) { count -= 1 }
        return UnsafeBufferPointer(start: start, count: count)
    }

    /// Parses a decimal number: `[+-]digits[.digits][(e|E)[+-]digits]` (also `.5` and `5.`).
    ///
    /// Fast path (Clinger): when the decimal mantissa has at most 19 significant digits, is at most
    /// 2^53, and the decimal exponent is within ±22, the result is one exactly rounded multiply or
    /// divide by an exact power of ten, hence correctly rounded — identical to `strtod`. Longer
    /// mantissas and exponent notation go to `strtod` (correctly rounded in glibc).
    ///
    /// - Returns: The value, or `nil` when the bytes are not a decimal number (thousands
    ///   separators, letters, `nan`, `inf`).
    package static func parseDouble(_ raw: UnsafeBufferPointer<UInt8>) -> Double? {
        let bytes = trimmed(raw)
        let n = bytes.count
        guard n > 0, let p = bytes.baseAddress else { return nil }
        var i = 0
        var negative = false
        if p[0] == 0x2D || p[0] == 0x2B {
            negative = p[0] == 0x2D
            i = 1
        }
        var mantissa: UInt64 = 0
        var significantDigits = 0
        var digitCount = 0
        var exponent = 0
        var overflowDigits = false
        while i < n {
            let d = p[i] &- 0x30
            if d > 9 { break }
            digitCount += 1
            if mantissa != 0 || d != 0 {
                if significantDigits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(d)
                    significantDigits += 1
                } else {
                    overflowDigits = true
                    exponent += 1
                }
            }
            i += 1
        }
        if i < n && p[i] == 0x2E {
            i += 1
            while i < n {
                let d = p[i] &- 0x30
                if d > 9 { break }
                digitCount += 1
                if mantissa != 0 || d != 0 {
                    if significantDigits < 19 {
                        mantissa = mantissa &* 10 &+ UInt64(d)
                        significantDigits += 1
                        exponent -= 1
                    } else {
                        overflowDigits = true
                    }
                } else {
                    exponent -= 1
                }
                i += 1
            }
        }
        guard digitCount > 0 else { return nil }
        var hasExponent = false
        if i < n && (p[i] == 0x65 || p[i] == 0x45) {
            hasExponent = true
            i += 1
            if i < n && (p[i] == 0x2D || p[i] == 0x2B) { i += 1 }
            let exponentStart = i
            while i < n && p[i] &- 0x30 <= 9 { i += 1 }
            guard i > exponentStart else { return nil }
        }
        guard i == n else { return nil }
        if mantissa == 0 && !hasExponent { return negative ? -0.0 : 0.0 }
        if !hasExponent && !overflowDigits && mantissa <= (1 << 53) && exponent >= -22 && exponent <= 22 {
            let value = Double(mantissa)
            let result = exponent < 0 ? value / powersOfTen[-exponent] : value * powersOfTen[exponent]
            return negative ? -result : result
        }
        return slowParse(p, count: n)
    }

    /// `strtod` over a NUL-terminated copy (the grammar was already checked).
    private static func slowParse(_ p: UnsafePointer<UInt8>, count: Int) -> Double? {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: count + 1) { text in
            for k in 0..<count { text[k] = CChar(bitPattern: p[k]) }
            text[count] = 0
            return strtod(text.baseAddress!, nil)
        }
    }

    /// Parses `YYYY-MM-DD`, `YYYY/MM/DD` or `YYYYMMDD` into days since 1970-01-01.
    ///
    /// - Returns: `nil` when the shape is wrong or the month/day do not exist (e.g. 2021-02-29).
    package static func parseDate(_ raw: UnsafeBufferPointer<UInt8>) -> Int32? {
        let bytes = trimmed(raw)
        guard let p = bytes.baseAddress else { return nil }
        @inline(__always) func digits(_ from: Int, _ count: Int) -> Int? {
            var value = 0
            for k in from..<(from + count) {
                let d = p[k] &- 0x30
                if d > 9 { return nil }
                value = value * 10 + Int(d)
            }
            return value
        }
        let year: Int, month: Int, day: Int
        if bytes.count == 10 {
            let separator = p[4]
            guard separator == 0x2D || separator == 0x2F, p[7] == separator,
                  let y = digits(0, 4), let m = digits(5, 2), let d = digits(8, 2) else { return nil }
            (year, month, day) = (y, m, d)
        } else if bytes.count == 8 {
            guard let y = digits(0, 4), let m = digits(4, 2), let d = digits(6, 2) else { return nil }
            (year, month, day) = (y, m, d)
        } else {
            return nil
        }
        guard month >= 1, month <= 12, day >= 1, day <= daysInMonth(year: year, month: month) else { return nil }
        return Int32(daysFromCivil(year: year, month: month, day: day))
    }

    package static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant, "chrono-Compatible
    /// Low-Level Date Algorithms", `days_from_civil`).
    package static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The inverse of `daysFromCivil`.
    package static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Case-insensitive comparison of trimmed bytes with a lowercase ASCII word.
    @inline(__always)
    static func equalsLowercase(_ bytes: UnsafeBufferPointer<UInt8>, _ word: StaticString) -> Bool {
        guard bytes.count == word.utf8CodeUnitCount else { return false }
        let w = word.utf8Start
        for k in 0..<bytes.count where bytes[k] | 0x20 != w[k] { return false }
        return true
    }

    /// Parses a 0/1 label: `0`, `1`, `true`, `false` (any case), or a number equal to 0 or 1.
    package static func parseLabel(_ raw: UnsafeBufferPointer<UInt8>) -> Float? {
        let bytes = trimmed(raw)
        if bytes.count == 1 {
            if bytes[0] == 0x30 { return 0 }
            if bytes[0] == 0x31 { return 1 }
        }
        if equalsLowercase(bytes, "true") { return 1 }
        if equalsLowercase(bytes, "false") { return 0 }
        if let value = parseDouble(bytes), value == 0 || value == 1 { return Float(value) }
        return nil
    }

    /// Parses a yes/no flag: `1`/`0`, `true`/`false`, `yes`/`no`, `Y`/`N` (any case) → 1/0.
    package static func parseFlag(_ raw: UnsafeBufferPointer<UInt8>) -> Double? {
        let bytes = trimmed(raw)
        if bytes.count == 1 {
            switch bytes[0] | 0x20 {
            case 0x31, 0x79: return 1  // "1", "y"
            case 0x30, 0x6E: return 0  // "0", "n"
            default: return nil
            }
        }
        if equalsLowercase(bytes, "true") || equalsLowercase(bytes, "yes") { return 1 }
        if equalsLowercase(bytes, "false") || equalsLowercase(bytes, "no") { return 0 }
        return nil
    }

    /// Normalises an HS code: removes dots and spaces; the rest must be 6–10 ASCII digits.
    ///
    /// - Parameters:
    ///   - raw: The field bytes.
    ///   - output: At least 10 bytes; receives the digits.
    /// - Returns: The number of digits written, or `nil` when the code is not 6–10 digits.
    package static func normalizeHSCode(_ raw: UnsafeBufferPointer<UInt8>,
                                        into output: UnsafeMutablePointer<UInt8>) -> Int? {
        var count = 0
        for c in raw {
            if c == 0x2E || c == 0x20 || c == 0x09 { continue }
            guard c &- 0x30 <= 9, count < 10 else { return nil }
            output[count] = c
            count += 1
        }
        return count >= 6 ? count : nil
    }
}

/// `YYYY-MM-DD` of a day (days since 1970-01-01): how training metadata, replays and drift windows
/// print dates.
package enum CivilDate {
    package static func format(daysSinceEpoch days: Int32) -> String {
        let (y, m, d) = ValueParsers.civilFromDays(Int(days))
        func pad(_ v: Int, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
    }
}

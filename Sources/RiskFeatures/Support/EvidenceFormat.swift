import Foundation

/// Display formatting of evidence values (fixed, locale-independent).
package enum EvidenceFormat {
    /// A number for people: "0", "0.18", "3.1", "17.25", "1250", "1.2e+300"; "n/a" for NaN.
    package static func number(_ x: Double) -> String {
        guard x.isFinite else { return x.isNaN ? "n/a" : (x > 0 ? "∞" : "-∞") }
        let magnitude = abs(x)
        if magnitude == 0 { return "0" }
        if magnitude >= 1e15 || magnitude < 1e-3 { return formatted("%.2g", x) }
        let decimals = magnitude >= 100 ? 0 : magnitude >= 1 ? 2 : 3
        if let text = fixedTrimmed(x, decimals: decimals) { return text }
        let text: String
        if magnitude >= 100 {
            text = formatted("%.0f", x)
        } else if magnitude >= 1 {
            text = formatted("%.2f", x)
        } else {
            text = formatted("%.3f", x)
        }
        return trimmed(text)
    }

    /// A count: "12" (whole numbers without decimals).
    package static func count(_ x: Double) -> String {
        x.isFinite && x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : number(x)
    }

    /// A rate in `0...1` as a percentage: "12%", "3.5%", "0.2%".
    package static func percent(_ rate: Double) -> String {
        guard rate.isFinite else { return "n/a" }
        let p = rate * 100
        if let text = fixedTrimmed(p, decimals: abs(p) >= 10 ? 0 : 1) { return text + "%" }
        return (abs(p) >= 10 ? formatted("%.0f", p) : trimmed(formatted("%.1f", p))) + "%"
    }

    /// HS code as "8703.23" (first six digits), or the digits when fewer than six.
    package static func hsCode(_ text: String) -> String {
        // ASCII fast path: the digits are the bytes 0–9 (what `hsDigits` keeps), no String per step.
        if text.utf8.count <= 64, text.utf8.allSatisfy({ $0 < 0x80 }) {
            var digits: [UInt8] = []
            for b in text.utf8 where b >= 0x30 && b <= 0x39 { digits.append(b) }
            guard digits.count >= 6 else { return String(decoding: digits, as: UTF8.self) }
            return String(decoding: digits[0..<4] + [0x2E] + digits[4..<6], as: UTF8.self)
        }
        let digits = KeyText.hsDigits(text)
        guard digits.count >= 6 else { return digits }
        return "\(digits.prefix(4)).\(digits.dropFirst(4).prefix(2))"
    }

    private static func trimmed(_ text: String) -> String {
        guard text.contains(".") else { return text }
        var result = Substring(text)
        while result.last == "0" { result.removeLast() }
        if result.last == "." { result.removeLast() }
        return String(result)
    }

    /// `String(format: format, x)` for one `Double` conversion, through the C library's
    /// `vsnprintf` into a stack buffer: Foundation formats doubles with the same call (so the text
    /// is the same, which `EvidenceFormatTests` checks), but builds a format string object, a
    /// locale and a `CFString` around it, which cost more than the rest of a reason sentence.
    package static func formatted(_ format: String, _ x: Double) -> String {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 512) { buffer in
            let length = withVaList([x]) { vsnprintf(buffer.baseAddress!, 512, format, $0) }
            guard length >= 0, length < 512 else { return String(format: format, x) }
            return buffer.baseAddress!.withMemoryRebound(to: UInt8.self, capacity: Int(length)) {
                String(decoding: UnsafeBufferPointer(start: $0, count: Int(length)), as: UTF8.self)
            }
        }
    }

    /// `trimmed(String(format: "%.<decimals>f", x))` without the C library: printf rounds the exact
    /// value of x·10^decimals to the nearest integer, which is decided exactly here for
    /// 0.001 ≤ |x| < 10¹¹ (the scaled value is below 10¹⁴ < 2⁵²) except at an exact tie. Otherwise
    /// (an exact tie, out of range) returns nil and the caller formats with `vsnprintf`.
    static func fixedTrimmed(_ x: Double, decimals: Int) -> String? {
        let magnitude = abs(x)
        guard magnitude >= 1e-3, magnitude < 1e11, decimals >= 0, decimals <= 3 else { return nil }
        let scale = [1.0, 10.0, 100.0, 1_000.0][decimals]
        let scaled = magnitude * scale
        let whole = scaled.rounded(.down)
        let fraction = scaled - whole
        // The exact product is `scaled + error` (a fused multiply-add gives the rounding error
        // exactly: no underflow here). Below 2⁵² both `fraction` and 0.5 are multiples of
        // ulp(scaled) while |error| ≤ ulp/2, so unless `fraction` is exactly one half it alone says
        // on which side of the half the exact value lies; at one half the error's sign does; an
        // exact tie (error 0) is left to `vsnprintf` (round half to even).
        let roundsUp: Bool
        if fraction != 0.5 {
            roundsUp = fraction > 0.5
        } else {
            let error = (-scaled).addingProduct(magnitude, scale)
            guard error != 0 else { return nil }
            roundsUp = error > 0
        }
        var units = Int64(whole) + (roundsUp ? 1 : 0)
        // Digits from the right, then drop trailing fractional zeros (and a bare point), as `trimmed`;
        // in a stack buffer (the text fits a small string: nothing is allocated).
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { bytes in
            var position = bytes.count
            var fractionDigits = decimals
            var significant = false
            for _ in 0..<decimals {
                let digit = UInt8(units % 10)
                units /= 10
                if digit != 0 || significant {
                    significant = true
                    position -= 1
                    bytes[position] = 0x30 + digit
                } else {
                    fractionDigits -= 1
                }
            }
            if fractionDigits > 0 {
                position -= 1
                bytes[position] = 0x2E
            }
            repeat {
                position -= 1
                bytes[position] = 0x30 + UInt8(units % 10)
                units /= 10
            } while units > 0
            if x < 0 {
                position -= 1
                bytes[position] = 0x2D
            }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[position...]), as: UTF8.self)
        }
    }
}

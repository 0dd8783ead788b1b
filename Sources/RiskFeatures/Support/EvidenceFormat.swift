import Foundation

/// Display formatting of evidence values (fixed, locale-independent).
package enum EvidenceFormat {
    /// A number for people: "0", "0.18", "3.1", "17.25", "1250", "1.2e+300"; "n/a" for NaN.
    package static func number(_ x: Double) -> String {
        guard x.isFinite else { return x.isNaN ? "n/a" : (x > 0 ? "∞" : "-∞") }
        let magnitude = abs(x)
        if magnitude == 0 { return "0" }
        if magnitude >= 1e15 || magnitude < 1e-3 { return formatted("%.2g", x) }
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
        return (abs(p) >= 10 ? formatted("%.0f", p) : trimmed(formatted("%.1f", p))) + "%"
    }

    /// HS code as "8703.23" (first six digits), or the digits when fewer than six.
    package static func hsCode(_ text: String) -> String {
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
}

import Foundation

/// Display formatting of evidence values (fixed, locale-independent).
package enum EvidenceFormat {
    /// A number for people: "0", "0.18", "3.1", "17.25", "1250", "1.2e+300"; "n/a" for NaN.
    package static func number(_ x: Double) -> String {
        guard x.isFinite else { return x.isNaN ? "n/a" : (x > 0 ? "∞" : "-∞") }
        let magnitude = abs(x)
        if magnitude == 0 { return "0" }
        if magnitude >= 1e15 || magnitude < 1e-3 { return String(format: "%.2g", x) }
        let text: String
        if magnitude >= 100 {
            text = String(format: "%.0f", x)
        } else if magnitude >= 1 {
            text = String(format: "%.2f", x)
        } else {
            text = String(format: "%.3f", x)
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
        return (abs(p) >= 10 ? String(format: "%.0f", p) : trimmed(String(format: "%.1f", p))) + "%"
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
}

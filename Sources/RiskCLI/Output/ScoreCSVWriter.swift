import CustomsRisk
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The CSV text of `riskctl score`, built as bytes, field by field into the caller's buffer. A row
/// is written in three parts (before, the decision fields, after) so that `SegmentedScoring` can
/// format rows before the batch is ranked and add rank and selection at the end.
///
/// The bytes are those of the former `String`-per-field formatting (fields quoted per RFC 4180 and
/// joined by commas, doubles as `"\(value)"`, money as `String(format: "%.2f")`),
/// which `ScoreCSVWriterTests` checks on generated rows, with one deliberate difference: a field is
/// quoted when its *bytes* contain `,` `"` CR or LF. The `Character`-based check missed a CRLF pair
/// (one grapheme, equal to neither "\n" nor "\r") and a comma or quote followed by a combining mark,
/// which left such an id or reason unquoted and broke the row.
struct ScoreCSVWriter: ScoredRowFormat {
    /// Reason columns (`--reasons`).
    var reasonCount: Int
    /// Whether the model has a revenue head (adds `expected_revenue`).
    var hasRevenue: Bool

    /// The header line, with its newline.
    func header() -> [UInt8] {
        var names = ["id", "probability", "raw_score", "rank", "lane", "selected", "selection_probability"]
        if hasRevenue { names.append("expected_revenue") }
        names += (0..<reasonCount).map { "reason_\($0 + 1)" } + ["reason_codes"]
        return Array((names.joined(separator: ",") + "\n").utf8)
    }

    /// Appends one row and its newline.
    func appendRow(_ a: RiskAssessment, to out: inout [UInt8]) {
        appendLeading(a, to: &out)
        appendDecision(a.decision, lane: a.lane, to: &out)
        appendTrailing(a, to: &out)
    }

    /// The fields before the targeting decision: `id,probability,raw_score,` (with the comma).
    func appendLeading(_ a: RiskAssessment, to out: inout [UInt8]) {
        Self.appendField(a.id, to: &out)
        out.append(UInt8(ascii: ","))
        Self.appendShortest(a.probability, to: &out)
        out.append(UInt8(ascii: ","))
        Self.appendShortest(a.rawScore, to: &out)
        out.append(UInt8(ascii: ","))
    }

    /// `rank,lane,selected,selection_probability` (no comma before or after): the fields that
    /// depend on the whole batch, written last when rows are formatted before the batch is ranked.
    func appendDecision(_ decision: TargetingPolicy.Decision?, lane: Lane, to out: inout [UInt8]) {
        Self.appendInteger(decision?.rank ?? 0, to: &out)
        out.append(UInt8(ascii: ","))
        Self.appendField(lane.rawValue, to: &out)
        out.append(UInt8(ascii: ","))
        out.append((decision?.selected ?? false) ? UInt8(ascii: "1") : UInt8(ascii: "0"))
        out.append(UInt8(ascii: ","))
        Self.appendShortest(decision?.selectionProbability ?? 0, to: &out)
    }

    /// The fields after the decision, from `,expected_revenue` to the newline.
    func appendTrailing(_ a: RiskAssessment, to out: inout [UInt8]) {
        if hasRevenue {
            out.append(UInt8(ascii: ","))
            if let revenue = a.expectedRevenue { Self.appendMoney(revenue, to: &out) }
        }
        for k in 0..<reasonCount {
            out.append(UInt8(ascii: ","))
            if k < a.reasons.count { Self.appendField(a.reasons[k].text, to: &out) }
        }
        out.append(UInt8(ascii: ","))
        // Codes are upper snake case from the catalogue, but quote them like any field all the same.
        if a.reasons.count == 1 {
            Self.appendField(a.reasons[0].code, to: &out)
        } else if !a.reasons.isEmpty {
            Self.appendField(a.reasons.map(\.code).joined(separator: ";"), to: &out)
        }
        out.append(UInt8(ascii: "\n"))
    }

    // MARK: - Fields

    /// A CSV text field (RFC 4180): quoted, with quotes doubled, when its bytes hold `,` `"` CR or LF;
    /// with a `'` before it when it starts with `= + - @`, tab or CR (`CSVFormulaGuard`).
    static func appendField(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in
            var needsQuotes = false
            for b in bytes where b == UInt8(ascii: ",") || b == UInt8(ascii: "\"") || b == 10 || b == 13 {
                needsQuotes = true
                break
            }
            let guarded = bytes.first.map(CSVFormulaGuard.guards(firstByte:)) ?? false
            guard needsQuotes else {
                if guarded { out.append(CSVFormulaGuard.prefix) }
                out.append(contentsOf: bytes)
                return
            }
            out.append(UInt8(ascii: "\""))
            if guarded { out.append(CSVFormulaGuard.prefix) }
            for b in bytes {
                out.append(b)
                if b == UInt8(ascii: "\"") { out.append(b) }
            }
            out.append(UInt8(ascii: "\""))
        }
    }

    /// A decimal integer, as `String(value)` writes it.
    static func appendInteger(_ value: Int, to out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var count = 0
            repeat {
                digits[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            while count > 0 {
                count -= 1
                out.append(digits[count])
            }
        }
    }

    /// The bytes of `"\(value)"` (shortest text that reads back as the same Double; equal to
    /// `description` except for NaN, which interpolation prints with its sign and payload, e.g.
    /// "-nan" or "snan(0x1)"), written by the runtime routine behind both, into a stack buffer.
    static func appendShortest(_ value: Double, to out: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 40) { buffer in
            // Since Swift 6.2 the routine is `_Float64ToASCII`, which needs ≥ 32 bytes pre-filled
            // with "0" (it skips writing zeros it knows are there); older runtimes ignore the fill.
            buffer.initialize(repeating: UInt8(ascii: "0"))
            let length = Int(swiftFloat64ToString(buffer.baseAddress!, 40, value, false))
            out.append(contentsOf: UnsafeBufferPointer(start: buffer.baseAddress!, count: length))
        }
    }

    /// The bytes of `String(format: "%.2f", value)`.
    ///
    /// Fast path for `+0 ≤ value < 10⁹`: `value × 100` is then below 10¹¹, where the product's
    /// rounding error is under 10⁻⁵, so when its fraction is more than 10⁻⁴ away from one half the
    /// nearest integer is the correctly rounded one that printf prints. Everything else (halfway
    /// cases, negatives, large values, NaN, ±∞) goes to the C library's `snprintf`, as Foundation does.
    static func appendMoney(_ value: Double, to out: inout [UInt8]) {
        if value.sign == .plus, value < 1e9 {  // not −0.0, which prints "-0.00"
            let scaled = value * 100
            let whole = scaled.rounded(.down)
            let fraction = scaled - whole
            if abs(fraction - 0.5) > 1e-4 {
                let cents = Int(whole) + (fraction > 0.5 ? 1 : 0)
                appendInteger(cents / 100, to: &out)
                out.append(UInt8(ascii: "."))
                out.append(UInt8(ascii: "0") + UInt8(cents % 100 / 10))
                out.append(UInt8(ascii: "0") + UInt8(cents % 10))
                return
            }
        }
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 400) { buffer in
            let length = withVaList([value]) { vsnprintf(buffer.baseAddress!, 400, "%.2f", $0) }
            buffer.baseAddress!.withMemoryRebound(to: UInt8.self, capacity: 400) {
                out.append(contentsOf: UnsafeBufferPointer(start: $0, count: min(Int(length), 399)))
            }
        }
    }
}

/// The Swift runtime's shortest round-trip formatter (the stable ABI entry point of the algorithm
/// `Double.description` uses; stdlib `FloatingPointToString.swift`, which also states the
/// pre-fill rule): it writes ASCII into `buffer` and returns the length. Declared here so that a row's doubles are formatted
/// without a `String` each; `ScoreCSVWriterTests` checks it against interpolation on random bit
/// patterns, NaN payloads, ±∞, ±0 and subnormals.
@_silgen_name("swift_float64ToString")
func swiftFloat64ToString(_ buffer: UnsafeMutablePointer<UInt8>, _ bufferLength: UInt, _ value: Float64,
                          _ debug: Bool) -> UInt64

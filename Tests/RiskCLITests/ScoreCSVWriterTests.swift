import CustomsRisk
import Foundation
@testable import RiskCLI
@testable import RiskScoring
import Testing

/// The byte-level writer of `riskctl score` against the `String`-per-field formatting it replaced
/// (kept here as the naive oracle, verbatim), on generated assessments whose ids and reasons hold
/// commas, quotes, line breaks and non-ASCII text.
@Suite struct ScoreCSVWriterTests {
    // MARK: - Oracle: the former formatting of ScoreCommand.run

    static func legacyField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A text cell: `legacyField` of the text with a ' before it when it starts with = + - @ tab or
    /// CR (issue 14's formula guard, written out naively here).
    static func textField(_ text: String) -> String {
        let guarded = ["=", "+", "-", "@", "\t", "\r"].contains { text.unicodeScalars.first == $0.unicodeScalars.first }
        return legacyField(guarded ? "'" + text : text)
    }

    static func legacyRow(_ a: RiskAssessment, reasonCount: Int, hasRevenue: Bool) -> String {
        var fields = [textField(a.id)] + ["\(a.probability)", "\(a.rawScore)", "\(a.decision?.rank ?? 0)"].map(legacyField)
        fields += [textField(a.lane.rawValue)]
        fields += [(a.decision?.selected ?? false) ? "1" : "0", "\(a.decision?.selectionProbability ?? 0)"].map(legacyField)
        if hasRevenue { fields.append(legacyField(a.expectedRevenue.map { String(format: "%.2f", $0) } ?? "")) }
        for k in 0..<reasonCount { fields.append(textField(k < a.reasons.count ? a.reasons[k].text : "")) }
        fields.append(textField(a.reasons.map(\.code).joined(separator: ";")))
        return fields.joined(separator: ",") + "\n"
    }

    static func legacyHeader(reasonCount: Int, hasRevenue: Bool) -> String {
        var header = ["id", "probability", "raw_score", "rank", "lane", "selected", "selection_probability"]
        if hasRevenue { header.append("expected_revenue") }
        header += (0..<reasonCount).map { "reason_\($0 + 1)" } + ["reason_codes"]
        return header.joined(separator: ",") + "\n"
    }

    // MARK: - Generated data

    /// Pieces of text; no CR directly before LF and no combining mark after `,` or `"` (the only
    /// places where the old `Character` test and the byte test disagree: see `crlfIsQuoted`).
    static let pieces = ["D2025", "x", ",", "\"", "\n", "\r ", " ", "é", "日本", "A;B", "0", "👍", "''", "\t"]

    static func text(_ g: inout SeededGenerator, maximumPieces: Int) -> String {
        let count = g.nextInt(below: maximumPieces + 1)
        return (0..<count).map { _ in pieces[g.nextInt(below: pieces.count)] }.joined()
    }

    static func double(_ g: inout SeededGenerator) -> Double {
        switch g.nextInt(below: 6) {
        case 0: return Double(bitPattern: g.next())
        case 1: return g.nextUnit()
        case 2: return (g.nextUnit() - 0.5) * 20
        case 3: return [0.0, -0.0, .nan, .infinity, -.infinity, .leastNonzeroMagnitude, 1e-5, 1e16,
                        9_007_199_254_740_993, 0.1, 1.0 / 3][g.nextInt(below: 11)]
        case 4: return Double(g.nextInt(below: 1_000_000)) / 100
        default: return g.nextUnit() * pow(10, Double(g.nextInt(below: 30)) - 10)
        }
    }

    static func money(_ g: inout SeededGenerator) -> Double {
        switch g.nextInt(below: 5) {
        // Halfway and near-halfway cents, where printf's exact round-half-even matters.
        case 0: return Double(g.nextInt(below: 100_000)) / 100 + 0.005 + [0, 1e-12, -1e-12, 1e-6][g.nextInt(below: 4)]
        case 1: return [0.125, 0.375, 1.005, 2.675, 1.115, 1e9 - 0.005, 1e9, 1e12 + 0.125, 1e300, -0.001, -2.5,
                        .nan, .infinity, -0.0, 0][g.nextInt(below: 15)]
        case 2: return g.nextUnit() * 1_000
        case 3: return g.nextUnit() * pow(10, Double(g.nextInt(below: 14)))
        default: return Double(bitPattern: g.next())
        }
    }

    static func assessments(count: Int, seed: UInt64) -> [RiskAssessment] {
        var g = SeededGenerator(seed: seed)
        let lanes: [Lane] = [.green, .blue, .yellow, .red]
        let codes = ["UNIT_VALUE_LOW", "HS_RISK", "AEO_TRUSTED", "FIELD_PATTERN"]
        return (0..<count).map { row in
            let reasons = (0..<g.nextInt(below: 5)).map { _ in
                Reason(code: codes[g.nextInt(below: codes.count)], text: text(&g, maximumPieces: 8),
                       value: double(&g), group: .other("g"), share: 0.5)
            }
            let decision = g.nextInt(below: 4) == 0 ? nil
                : TargetingPolicy.Decision(rank: g.nextInt(below: 2_000_000) - (row == 3 ? 5 : 0),
                                           selected: g.nextInt(below: 2) == 0, explored: false,
                                           selectionProbability: double(&g))
            return RiskAssessment(id: row % 5 == 0 ? "D\(row)" : text(&g, maximumPieces: 6), probability: double(&g),
                                  rawScore: double(&g), expectedRevenue: g.nextInt(below: 5) == 0 ? nil : money(&g),
                                  lane: lanes[g.nextInt(below: 4)], decision: decision, reasons: reasons,
                                  explanation: nil, warnings: [])
        }
    }

    static func written(_ rows: [RiskAssessment], writer: ScoreCSVWriter) -> [UInt8] {
        var out = writer.header()
        for row in rows { writer.appendRow(row, to: &out) }
        return out
    }

    // MARK: - Tests

    @Test(arguments: [0, 1, 17, 1_000], [1, 7, 42] as [UInt64])
    func bytesMatchTheStringFormatting(rowCount: Int, seed: UInt64) throws {
        let rows = Self.assessments(count: rowCount, seed: seed)
        for (reasonCount, hasRevenue) in [(0, true), (3, true), (2, false)] {
            let expected = Self.legacyHeader(reasonCount: reasonCount, hasRevenue: hasRevenue)
                + rows.map { Self.legacyRow($0, reasonCount: reasonCount, hasRevenue: hasRevenue) }.joined()
            do {
                let writer = ScoreCSVWriter(reasonCount: reasonCount, hasRevenue: hasRevenue)
                let bytes = Self.written(rows, writer: writer)
                let expectedBytes = Array(expected.utf8)
                let firstDifference = zip(bytes, expectedBytes).enumerated().first { $0.element.0 != $0.element.1 }?.offset
                    ?? (bytes.count == expectedBytes.count ? nil : min(bytes.count, expectedBytes.count))
                #expect(firstDifference == nil, "seed \(seed), \(rowCount) rows, reasons \(reasonCount), revenue \(hasRevenue): first difference at byte \(firstDifference ?? -1): \(String(decoding: bytes[max(0, (firstDifference ?? 0) - 40)..<min(bytes.count, (firstDifference ?? 0) + 20)], as: UTF8.self).debugDescription) vs \(String(decoding: expectedBytes[max(0, (firstDifference ?? 0) - 40)..<min(expectedBytes.count, (firstDifference ?? 0) + 20)], as: UTF8.self).debugDescription)")
            }
        }
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func shortestMatchesInterpolation(seed: UInt64) {
        var g = SeededGenerator(seed: seed)
        var values: [Double] = [0, -0.0, .nan, -.nan, .infinity, -.infinity, .leastNonzeroMagnitude,
                                .leastNormalMagnitude, .greatestFiniteMagnitude, 1e-5, 1e-4, 1e16, 2e16, 0.1, 5e-324,
                                Double(bitPattern: 0x7FF0_0000_0000_0001)]
        for _ in 0..<20_000 { values.append(Self.double(&g)) }
        for v in values {
            var bytes: [UInt8] = []
            ScoreCSVWriter.appendShortest(v, to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == "\(v)", "seed \(seed), bits \(v.bitPattern)")
            if !v.isNaN { #expect(String(decoding: bytes, as: UTF8.self) == v.description) }
        }
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func moneyMatchesStringFormat(seed: UInt64) {
        var g = SeededGenerator(seed: seed)
        for _ in 0..<20_000 {
            let v = Self.money(&g)
            var bytes: [UInt8] = []
            ScoreCSVWriter.appendMoney(v, to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == String(format: "%.2f", v),
                    "seed \(seed), bits \(v.bitPattern)")
        }
    }

    @Test(arguments: [0, 1, 9, -1, -120, Int.max, Int.min])
    func integersMatchString(value: Int) {
        var bytes: [UInt8] = []
        ScoreCSVWriter.appendInteger(value, to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == String(value))
    }

    /// The one deliberate difference from the old formatting: CRLF (a single `Character`, equal to
    /// neither "\n" nor "\r") and a quote followed by a combining mark now make the field quoted.
    @Test func crlfIsQuoted() {
        var bytes: [UInt8] = []
        ScoreCSVWriter.appendField("a\r\nb", to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == "\"a\r\nb\"")
        #expect(Self.legacyField("a\r\nb") == "a\r\nb")  // the old output: an unquoted line break
        bytes = []
        ScoreCSVWriter.appendField("x\"\u{301}", to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == "\"x\"\"\u{301}\"")
    }

    /// Issue 14: text cells that a spreadsheet would run as formulas get a leading '.
    @Test func formulaLikeTextCellsAreGuarded() {
        let cases: [(String, String)] = [("=1+1", "'=1+1"), ("+x", "'+x"), ("-2", "'-2"), ("@A1", "'@A1"),
                                         ("\tx", "'\tx"), ("D-1", "D-1"), ("", ""), ("=a,b", "\"'=a,b\""),
                                         ("-\"q\"", "\"'-\"\"q\"\"\"")]
        for (text, expected) in cases {
            var out: [UInt8] = []
            ScoreCSVWriter.appendField(text, to: &out)
            #expect(String(decoding: out, as: UTF8.self) == expected, "\(text)")
        }
    }

    /// Every failure is one line on standard error, whatever line breaks its message holds.
    @Test func failureMessagesAreOneLine() {
        #expect(CommandFailure.oneLine("plain") == "plain")
        #expect(CommandFailure.oneLine("a\nb") == "a b")
        #expect(CommandFailure.oneLine("a\r\n       b\n\n") == "a b")
        #expect(CommandFailure.describe(CommandFailure("x: \"v\nw\" is bad")) == "x: \"v w\" is bad")
    }
}

import Foundation
import RiskData
import Testing

/// Every number the decoder reads is compared with Foundation's `JSONDecoder` and with the standard
/// library's correctly rounded `Double(_:)`/`Float(_:)`: shortest round-trip text (what
/// `JSONEncoder` writes), 17 and 25 significant digits (the Eisel-Lemire and fallback paths),
/// random decimal strings across the whole exponent range, and exact halfway points between floats.
@Suite struct JSONNumberParserTests {
    /// Texts of random finite doubles in three spellings.
    static func doubleTexts(count: Int, seed: UInt64) -> [String] {
        var generator = SeededGenerator(seed: seed)
        var texts: [String] = []
        while texts.count < count {
            let value = Double(bitPattern: generator.next())
            guard value.isFinite else { continue }
            texts.append("\(value)")
            texts.append(String(format: "%.17g", value))
            texts.append(String(format: "%.25g", value))
        }
        return texts
    }

    /// Random decimal strings: 1–25 digits, a point anywhere, exponent in −360…360.
    static func decimalTexts(count: Int, seed: UInt64) -> [String] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            let digitCount = Int.random(in: 1...25, using: &generator)
            var digits = String(Int.random(in: 1...9, using: &generator))
            for _ in 1..<digitCount { digits.append(String(Int.random(in: 0...9, using: &generator))) }
            let point = Int.random(in: 1...digitCount, using: &generator)
            var text = String(digits.prefix(point))
            if point < digitCount { text += "." + digits.dropFirst(point) }
            if Bool.random(using: &generator) { text += "e\(Int.random(in: -360...360, using: &generator))" }
            return Bool.random(using: &generator) ? "-" + text : text
        }
    }

    /// Exact decimal expansions of the midpoints between neighbouring floats (ties go to even), and
    /// the same nudged up and down in the last printed digit.
    static func floatHalfwayTexts(count: Int, seed: UInt64) -> [String] {
        var generator = SeededGenerator(seed: seed)
        var texts: [String] = []
        while texts.count < count {
            let value = Float(bitPattern: UInt32(truncatingIfNeeded: generator.next()))
            guard value.isFinite, abs(value) > 1e-30, abs(value) < 1e30, value.nextUp.isFinite else { continue }
            let midpoint = (Double(value) + Double(value.nextUp)) / 2  // exact in a Double
            texts.append(String(format: "%.60g", midpoint))
            texts.append(String(format: "%.9g", value))
            texts.append("\(value)")
        }
        return texts
    }

    static func foundation<T: Decodable>(_ type: T.Type, _ text: String) -> T? {
        try? JSONDecoder().decode([T].self, from: Data("[\(text)]".utf8))[0]
    }

    @Test(arguments: [1, 2] as [UInt64])
    func doublesMatchFoundationAndTheStandardLibrary(seed: UInt64) throws {
        let texts = Self.doubleTexts(count: 30_000, seed: seed) + Self.decimalTexts(count: 30_000, seed: seed)
            + ["0", "-0", "0.0", "1e-400", "-1e-400", "1e309", "4.9406564584124654e-324", "2.2250738585072011e-308",
               "2.2250738585072014e-308", "1.7976931348623157e308", "1.7976931348623159e308", "9007199254740993",
               "0.1", "123456789012345678901234567890", "0e99999", "1e-99999"]
        var compared = 0
        // In-range numbers in one array (Foundation refuses a whole array for one bad number).
        let inRange = texts.filter { text in Double(text).map { $0.isFinite && ($0 != 0 || Self.isZeroText(text)) } ?? false }
        let inRangeSet = Set(inRange)
        let joined = Data(("[" + inRange.joined(separator: ",") + "]").utf8)
        let ours = try decodeWithTape([Double].self, joined)
        let theirs = try JSONDecoder().decode([Double].self, from: joined)
        #expect(ours.count == inRange.count)
        for i in inRange.indices where ours[i].bitPattern != theirs[i].bitPattern
            || ours[i].bitPattern != Double(inRange[i])!.bitPattern {
            Issue.record("\(inRange[i]): ours \(ours[i]), Foundation \(theirs[i]), Double() \(Double(inRange[i])!)")
        }
        compared += inRange.count
        // Out of range: both refuse.
        for text in texts where !inRangeSet.contains(text) {
            #expect(Self.foundation(Double.self, text) == nil, "Foundation accepted \(text)")
            #expect(tapeError([Double].self, "[\(text)]") != nil, "we accepted \(text)")
            compared += 1
        }
        #expect(compared == texts.count)
    }

    @Test(arguments: [1, 2] as [UInt64])
    func floatsMatchFoundationAndTheStandardLibrary(seed: UInt64) throws {
        let texts = Self.floatHalfwayTexts(count: 30_000, seed: seed) + Self.decimalTexts(count: 30_000, seed: seed)
            + ["3.4028235e38", "3.4028236e38", "1e39", "1.4e-45", "1e-46", "1.000000059604644775390625",
               "1.000000059604644775390625000001", "1.00000005960464477539062499999", "16777217", "-0"]
        let inRange = texts.filter { text in Float(text).map { $0.isFinite && ($0 != 0 || Self.isZeroText(text)) } ?? false }
        let inRangeSet = Set(inRange)
        let joined = Data(("[" + inRange.joined(separator: ",") + "]").utf8)
        let ours = try decodeWithTape([Float].self, joined)
        let theirs = try JSONDecoder().decode([Float].self, from: joined)
        for i in inRange.indices where ours[i].bitPattern != theirs[i].bitPattern
            || ours[i].bitPattern != Float(inRange[i])!.bitPattern {
            Issue.record("\(inRange[i]): ours \(ours[i]), Foundation \(theirs[i]), Float() \(Float(inRange[i])!)")
        }
        for text in texts where !inRangeSet.contains(text) {
            #expect(Self.foundation(Float.self, text) == nil, "Foundation accepted \(text)")
            #expect(tapeError([Float].self, "[\(text)]") != nil, "we accepted \(text)")
        }
    }

    static func isZeroText(_ text: String) -> Bool {
        let mantissa = text.prefix { $0 != "e" && $0 != "E" }
        return mantissa.allSatisfy { $0 == "0" || $0 == "." || $0 == "-" }
    }

    @Test func integersMatchFoundationAndRefuseWhatDoesNotFit() throws {
        var generator = SeededGenerator(seed: 3)
        let values = (0..<20_000).map { _ in Int64(bitPattern: generator.next()) >> Int64.random(in: 0...63, using: &generator) }
        let data = try JSONEncoder().encode(values)
        #expect(try decodeWithTape([Int64].self, data) == values)
        #expect(try decodeWithTape([Int32].self, Data("[2147483647,-2147483648,0,-0]".utf8)) == [.max, .min, 0, 0])
        #expect(tapeError([Int32].self, "[1, 2147483648]")
                == "[1]: 2147483648 is outside the range of Int32 (-2147483648...2147483647) (byte 4)")
        #expect(tapeError([UInt8].self, "[-1]") == "[0]: -1 is outside the range of UInt8 (0...255) (byte 1)")
        #expect(tapeError([UInt64].self, "[18446744073709551616]")
                == "[0]: 18446744073709551616 is outside the range of UInt64 (0...18446744073709551615) (byte 1)")
        // Stricter than Foundation on purpose: an integer field holds an integer literal.
        #expect(tapeError([Int].self, "[1.0]")
                == "[0]: 1.0 is not an integer; expected a whole number of type Int (byte 1)")
        #expect(tapeError([Int].self, "[1e2]")
                == "[0]: 1e2 is not an integer; expected a whole number of type Int (byte 1)")
    }

    @Test func outOfRangeNumbersNameThePathTheTextAndTheByte() {
        #expect(tapeError([String: [Double]].self, #"{"a": [1, 1e999]}"#)
                == "a[1] is 1e999, beyond the finite range of Double; expected a finite number this field can hold (byte 10)")
        #expect(tapeError([Float].self, "[1e39]")
                == "[0] is 1e39, beyond the finite range of Float; expected a finite number this field can hold (byte 1)")
        #expect(tapeError([Double].self, "[1e-400]")
                == "[0] is 1e-400, not zero but rounds to zero as a Double; expected a finite number this field can "
                + "hold (byte 1)")
    }
}

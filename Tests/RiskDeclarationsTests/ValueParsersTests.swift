import Foundation
import RiskData
@testable import RiskDeclarations
import Testing

func parse<T>(_ text: String, _ parser: (UnsafeBufferPointer<UInt8>) -> T) -> T {
    Array(text.utf8).withUnsafeBufferPointer { parser($0) }
}

@Suite("ValueParsers")
struct ValueParsersTests {
    /// The fast path must be bit-identical to `Double(String)` (correctly rounded) for typical
    /// customs values: up to 12 integer digits and 0–6 decimals; the awkward list covers long
    /// mantissas and exponents, which take the `strtod` path.
    @Test(arguments: [1, 2, 3, 99] as [UInt64])
    func decimalsMatchDoubleFromString(seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        for _ in 0..<20_000 {
            let integerDigits = 1 + generator.nextInt(below: 12)
            let decimals = generator.nextInt(below: 7)
            var text = generator.nextInt(below: 10) == 0 ? "-" : ""
            for _ in 0..<integerDigits { text += String(generator.nextInt(below: 10)) }
            if decimals > 0 || generator.nextInt(below: 5) == 0 {
                text += "."
                for _ in 0..<decimals { text += String(generator.nextInt(below: 10)) }
            }
            let parsed = parse(text, ValueParsers.parseDouble)
            #expect(parsed?.bitPattern == Double(text)?.bitPattern, "seed \(seed): \(text)")
        }
        let awkward = ["0.1", "0.30000000000000004", "123456789012345678901234", "1e5", "-2.5E-3", "9007199254740993",
                       "1.7976931348623157e308", "4.9e-324", ".5", "5.", "+7", "00012.50", "0.000000000000000000001",
                       "-0", "0.0"]
        for text in awkward {
            #expect(parse(text, ValueParsers.parseDouble)?.bitPattern == Double(text)?.bitPattern, "\(text)")
        }
    }

    @Test(arguments: ["", "-", ".", "12,5O0", "1,234", "nan", "inf", "1e", "1.2.3", "0x10", "1 2", "e5"])
    func nonNumbersAreRejected(text: String) {
        #expect(parse(text, ValueParsers.parseDouble) == nil)
    }

    @Test func numbersAreTrimmed() {
        #expect(parse("  12.5\t", ValueParsers.parseDouble) == 12.5)
    }

    @Test(arguments: [
        ("1970-01-01", 0), ("2020-01-01", 18_262), ("2020/02/29", 18_321), ("20251231", 20_453),
        ("1969-12-31", -1),
    ] as [(String, Int32)])
    func datesInAllFormats(text: String, days: Int32) {
        #expect(parse(text, ValueParsers.parseDate) == days)
    }

    @Test(arguments: ["2021-02-29", "2020-13-01", "2020-00-10", "2020-1-1", "2020.01.01", "01/02/2020", "2020-01-01T00",
                      "abcd-ef-gh", "2020-01/01"])
    func badDatesAreRejected(text: String) {
        #expect(parse(text, ValueParsers.parseDate) == nil)
    }

    /// Oracle: Foundation's Gregorian calendar in UTC, every 37th day over 1900–2100.
    @Test func daysFromCivilMatchesFoundation() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        for days in stride(from: -25_567, to: 47_482, by: 37) {
            let date = Date(timeIntervalSince1970: Double(days) * 86_400)
            let parts = calendar.dateComponents([.year, .month, .day], from: date)
            #expect(ValueParsers.daysFromCivil(year: parts.year!, month: parts.month!, day: parts.day!) == days)
            let civil = ValueParsers.civilFromDays(days)
            #expect(civil.year == parts.year! && civil.month == parts.month! && civil.day == parts.day!)
        }
    }

    @Test func labelsAndFlags() {
        for (text, value) in [("0", 0), ("1", 1), ("true", 1), ("FALSE", 0), ("1.0", 1)] as [(String, Float)] {
            #expect(parse(text, ValueParsers.parseLabel) == value, "\(text)")
        }
        for text in ["2", "yes", "0.5", "-1"] { #expect(parse(text, ValueParsers.parseLabel) == nil, "\(text)") }
        for (text, value) in [("1", 1), ("0", 0), ("true", 1), ("False", 0), ("yes", 1), ("NO", 0), ("Y", 1),
                              ("n", 0)] as [(String, Double)] {
            #expect(parse(text, ValueParsers.parseFlag) == value, "\(text)")
        }
        for text in ["2", "maybe", "ja", "t"] { #expect(parse(text, ValueParsers.parseFlag) == nil, "\(text)") }
    }

    @Test(arguments: [("030211", "030211"), ("0302.11.10", "03021110"), ("8703 23 90 10", "8703239010"),
                      ("12345", nil), ("12345678901", nil), ("87A323", nil), ("", nil)] as [(String, String?)])
    func hsCodes(text: String, expected: String?) {
        var output = [UInt8](repeating: 0, count: 10)
        let count = Array(text.utf8).withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { ValueParsers.normalizeHSCode(input, into: $0.baseAddress!) }
        }
        #expect(count.map { String(decoding: output[0..<$0], as: UTF8.self) } == expected)
    }

    /// Oracle: a Swift `Dictionary` assigning codes in first-seen order.
    @Test(arguments: [5, 1_000] as [Int], [3, 11] as [UInt64])
    func textDictionaryMatchesDictionary(distinct: Int, seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        var dictionary = TextDictionary()
        var oracle: [String: Int32] = [:]
        for _ in 0..<5_000 {
            let value = "v\(generator.nextInt(below: distinct))"
            let expected = oracle[value] ?? Int32(oracle.count)
            oracle[value] = expected
            let code = Array(value.utf8).withUnsafeBufferPointer { dictionary.code(of: $0) }
            #expect(code == expected, "seed \(seed)")
        }
        defer { dictionary.deallocate() }
        #expect(dictionary.vocabulary.count == oracle.count)
        for (value, code) in oracle { #expect(dictionary.vocabulary[Int(code)] == value) }
    }
}

import Foundation
import RiskData
import RiskFeatures
import RiskTestSupport
import Testing
@testable import RiskExplain

/// `SentenceWriter` against `SentenceOracle` (the readable templates over display texts) on
/// generated facts: every group kind, both signs, missing, blank, padded, non-ASCII and extreme
/// facts; every reason code must come out.
@Suite("SentenceWriter")
struct SentenceWriterTests {
    static let texts = ["CN", "SG", "  CN  ", "CN\u{A0}", "\u{2003}", "IMP123", "Slower Trading", "flowers lower",
                        "Köln-Hafen", "e\u{301}", "\u{E9}", "OF,01", "\tDE\n", "8703.23.10", "870323", "87", "8703",
                        "abc", "٣٣8703.23", "0967896416", "  8703 23 10  ", "x"]
    static let amounts: [Double] = [0, 1e-5, 0.0004, 0.02, 0.178, 0.5, 0.996, 1, 1.0049, 1.45, 3.1, 17.4, 99.995,
                                    125_000, 1e15, 1e20, 1e300, .infinity, -3, 2.5]
    static let rates: [Double] = [0, 0.0012, 0.0449, 0.05, 0.095, 0.12, 0.123456, 0.999, 1]
    static let counts: [Double] = [0, 1, 2, 4, 11, 40, 2.5, 1e16]

    static let groups: [FeatureGroup] = [
        .unitValue, .importerHistory, .declarantHistory, .hsCode, .origin, .office, .route, .traderTenure, .tax,
        .declaredValue, .aeo, .weight, .quantity, .date, .entity("consignor"), .entity("office"), .entity(""),
        .categorical("transport_mode"), .numeric("gross_mass"), .other("f7"),
    ]

    /// Random facts: each field present with probability 0.7, drawn from edge-heavy pools.
    static func facts(_ generator: inout SeededGenerator) -> GroupFacts {
        func maybe<T>(_ make: () -> T) -> T? { generator.nextUnit() < 0.7 ? make() : nil }
        func pick<T>(_ pool: [T]) -> T { pool[generator.nextInt(below: pool.count)] }
        var facts = GroupFacts()
        facts.hsText = maybe { pick(texts) }
        facts.originText = maybe { pick(texts) }
        facts.departureText = generator.nextUnit() < 0.3 ? facts.originText : maybe { pick(texts) }
        facts.officeText = maybe { pick(texts) }
        facts.unitValue = maybe {
            var unitValue = UnitValueFacts(declared: abs(pick(amounts)), perKilogram: generator.nextUnit() < 0.5)
            if generator.nextUnit() < 0.8 {
                unitValue.reference = generator.nextUnit() < 0.3 ? unitValue.declared * pick([1, 1.004, 0.996])
                    : abs(pick(amounts)) + 1e-9
                unitValue.level = pick(ReferenceLevel.allCases)
            }
            return unitValue
        }
        facts.history = maybe {
            let count = pick(counts)
            return HistoryFacts(id: pick(texts), count: count, illicit: min(count, pick(counts)))
        }
        facts.rate = maybe { pick(rates) }
        facts.tenureDays = maybe { pick([0, 1, 2, 365] as [Int64]) }
        facts.amount = maybe { pick(amounts) }
        facts.aeo = maybe { generator.nextUnit() < 0.5 }
        facts.entityFact = maybe { pick(texts) }
        return facts
    }

    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func writerEqualsOracle(seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        var codes = Set<String>()
        for trial in 0..<1_500 {
            let facts = Self.facts(&generator)
            for group in Self.groups {
                for value in [1.0, -0.5] {
                    let (code, text) = SentenceWriter.sentence(group: group, value: value, facts: facts)
                    let oracle = SentenceOracle.sentence(group: group, value: value, evidence: facts.evidence(for: group))
                    #expect(code.code == oracle.0 && text == oracle.1,
                            "seed \(seed) trial \(trial) \(group) \(value): \(text) ≠ \(oracle.1)")
                    codes.insert(code.code)
                }
            }
        }
        #expect(codes == Set(ReasonCodeCatalog.standard.codes.map(\.code)))
    }

    @Test func literalCodesAreTheCatalogueCodes() {
        #expect(SentenceCode.allCases.map(\.code) == ReasonCodeCatalog.standard.codes.map(\.code))
    }

    /// The ASCII scans against the `Character`-based originals: trimming on any text, the
    /// "lower" search, and reading back every number `EvidenceFormat.number` prints.
    @Test(arguments: [1, 2, 3] as [UInt64])
    func scansMatchCharacterVersions(seed: UInt64) {
        let pieces = [" ", "\t", "\n", "\r\n", "\r", "\u{0B}", "\u{0C}", "\u{A0}", "\u{2003}", "3", "0", ".", ",", "-",
                      "1e5", "per kg", "x", "é", "٣", "17", "nan", ""]
        var generator = SeededGenerator(seed: seed)
        for _ in 0..<3_000 {
            let text = (0..<generator.nextInt(below: 7)).map { _ in pieces[generator.nextInt(below: pieces.count)] }
                .joined()
            #expect(text.trimmingWhitespace == SentenceOracle.trim(text), "\(text.debugDescription)")
            let sentence = text + ["", "lower", "lowe", "Lower", "flowers", "lowe\u{301}r"][generator.nextInt(below: 6)] + text
            #expect(SentenceWriter.containsLower(sentence) == sentence.contains("lower"), "\(sentence.debugDescription)")
            let x = (generator.nextUnit() - 0.5) * pow(10, Double(generator.nextInt(below: 40)) - 20)
            for number in [x, 1 / x, .infinity, -.infinity, .nan, 1.2e300] {
                let printed = EvidenceFormat.number(number)
                #expect(SentenceWriter.numberAsPrinted(printed)?.bitPattern
                        == SentenceOracle.leadingNumber(printed)?.bitPattern, "\(printed)")
            }
        }
    }
}

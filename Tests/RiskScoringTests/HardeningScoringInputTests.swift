import CustomsRisk
import Foundation
import Testing

/// Whatever arrives at the border scores to a finite probability: unseen categories, missing
/// fields, zero and negative amounts, absurd magnitudes. Bad text values are typed errors.
@Suite("Hardening: odd declarations at scoring time")
struct HardeningScoringInputTests {
    /// A plausible declaration; each test changes some of its values.
    static let base: [String: String] = [
        "date": "2025-03-04", "office": "OF01", "declarant_id": "DC0001", "importer_id": "IM00001",
        "seller_id": "SL00001", "hs_code": "870323", "origin_country": "CN", "departure_country": "CN",
        "transport_mode": "sea", "customs_value": "12500", "fob_value": "12000", "quantity": "10",
        "gross_weight": "1500", "net_weight": "1400", "taxes": "2500", "duty_rate": "0.1", "aeo": "N",
    ]

    static let cases: [(name: String, changes: [String: String?])] = [
        ("as is", [:]),
        ("unseen categories", ["office": "NEW-OFFICE", "importer_id": "never seen", "hs_code": "999999",
                               "origin_country": "ZZ", "departure_country": "QQ", "transport_mode": "teleport",
                               "seller_id": "S?"]),
        ("every field missing", Dictionary(uniqueKeysWithValues: base.keys.map { ($0, nil) })),
        ("zero quantity and weights", ["quantity": "0", "gross_weight": "0", "net_weight": "0"]),
        ("negative amounts", ["customs_value": "-12500", "quantity": "-3", "net_weight": "-1", "taxes": "-5",
                              "fob_value": "-1"]),
        ("zero value", ["customs_value": "0", "fob_value": "0", "taxes": "0"]),
        ("absurd magnitudes", ["customs_value": "1e300", "quantity": "1e-300", "net_weight": "1e-300",
                               "gross_weight": "1e308", "taxes": "1e308", "duty_rate": "-1e308"]),
        ("overflow to infinity", ["customs_value": "1e400", "quantity": "1e400", "taxes": "-1e400"]),
        ("far dates", ["date": "0001-01-01"]),
        ("far future", ["date": "9999-12-31"]),
        ("whitespace and unicode", ["importer_id": "  ИМ 001  ", "office": "\u{0}", "seller_id": "🚢"]),
    ]

    static func declaration(_ changes: [String: String?]) -> Declaration {
        var values = base
        for (key, value) in changes { values[key] = value }
        return Declaration(id: "D1", values: values)
    }

    @Test(arguments: [ModelFamily.boostedTrees, .logistic], 0..<cases.count)
    func oddDeclarationsScoreToFiniteProbabilities(family: ModelFamily, index: Int) throws {
        let bundle = try (family == .boostedTrees ? HardeningFixtures.treesBundle : HardeningFixtures.logisticBundle)
            .get()
        let scorer = try RiskScorer(bundle: bundle)
        let (name, changes) = Self.cases[index]
        let assessment = try scorer.score(Self.declaration(changes),
                                          options: ScoringOptions(reasonCount: 3, includeExplanation: true))
        #expect(assessment.probability.isFinite && (0...1).contains(assessment.probability), "\(name)")
        #expect(assessment.rawScore.isFinite, "\(name)")
        if let expected = assessment.expectedRevenue { #expect(expected.isFinite && expected >= 0, "\(name)") }
        // The explanation still adds up to the raw score (within rounding of the summation).
        let explanation = try #require(assessment.explanation)
        let total = explanation.baseValue + explanation.groups.reduce(0) { $0 + $1.value }
        #expect(abs(total - assessment.rawScore) <= 1e-9 * max(1, abs(assessment.rawScore)), "\(name)")
    }

    /// A hand-built table whose columns disagree with its row count is a typed error, not a crash.
    @Test func inconsistentHandBuiltTablesAreTypedErrors() throws {
        let bundle = try HardeningFixtures.treesBundle.get()
        let scorer = try RiskScorer(bundle: bundle)
        let fewerIDs = DeclarationTable(schema: bundle.schema, rowCount: 3, ids: ["A"])
        #expect {
            _ = try scorer.score(fewerIDs)
        } throws: { error in
            (error as? ScoringError)?.message == "the table has 3 rows but 1 ids; expected one id per row. Build "
                + "tables with DeclarationReader or DeclarationTable(declarations:schema:)."
        }
        let shortColumn = DeclarationTable(schema: bundle.schema, rowCount: 2, ids: ["A", "B"],
                                           numbers: ["customs_value": [1]])
        #expect {
            _ = try scorer.score(shortColumn)
        } throws: { error in
            (error as? RiskFeaturesError)?.message == "Numeric column \"customs_value\" has 1 values; the table has 2 "
                + "rows. Rebuild the table so every column has one value per row."
        }
        // Text codes outside the table's vocabulary count as missing.
        let badCodes = DeclarationTable(schema: bundle.schema, rowCount: 1, ids: ["A"],
                                        text: ["importer_id": TextColumn(codes: [1_000_000_000], vocabulary: [])])
        let assessment = try #require(try scorer.score(badCodes).first)
        #expect(assessment.probability.isFinite)
    }

    @Test func missingFieldsAreReportedAsWarnings() throws {
        let scorer = try RiskScorer(bundle: HardeningFixtures.treesBundle.get())
        let assessment = try scorer.score(Self.declaration(["customs_value": nil, "importer_id": ""]))
        // Missing fields first (schema order); values new to the model follow, each named.
        #expect(Array(assessment.warnings.prefix(2)) == [
            "importer_id is missing; scored as an unseen value (the training prior).",
            "customs_value is missing; scored as missing (trees learned a direction for it).",
        ])
        #expect(assessment.warnings.dropFirst(2).allSatisfy {
            $0.hasSuffix("was not seen in training; scored with the training prior (no history).")
        })
    }

    @Test(arguments: [
        ("customs_value", "12,5O0", "declaration \"D1\", column \"customs_value\": \"12,5O0\" is not a number. "
            + "Expected a decimal such as 12500.00."),
        ("date", "2024-02-30", "declaration \"D1\", column \"date\": \"2024-02-30\" is not a date. Expected "
            + "YYYY-MM-DD, YYYY/MM/DD or YYYYMMDD."),
        ("hs_code", "87A323", "declaration \"D1\", column \"hs_code\": \"87A323\" is not an HS code. Expected 6 to "
            + "10 digits, such as 870323 (dots and spaces are ignored)."),
        ("aeo", "maybe", "declaration \"D1\", column \"aeo\": \"maybe\" is not a yes/no flag. Expected 1/0, "
            + "true/false, yes/no or Y/N."),
        ("quantity", "nan", "declaration \"D1\", column \"quantity\": \"nan\" is not a number. Expected a decimal "
            + "such as 12500.00."),
    ])
    func badValuesAreTypedErrors(column: String, value: String, message: String) throws {
        let scorer = try RiskScorer(bundle: HardeningFixtures.treesBundle.get())
        #expect {
            _ = try scorer.score(Self.declaration([column: value]))
        } throws: { error in
            (error as? DeclarationError)?.message == message
        }
    }
}

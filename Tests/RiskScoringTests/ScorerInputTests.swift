import CustomsRisk
import Foundation
import RiskDeclarations
import Testing

/// Unusual input has a documented outcome: scored with a finite probability and the warnings
/// listed on the assessment, or a thrown error naming the declaration and field. Never a crash,
/// never NaN.
@Suite struct ScorerInputTests {
    /// A real sample declaration with `edit` applied to its raw values.
    static func declaration(_ edit: (inout [String: String]) -> Void, scorer: RiskScorer) throws -> Declaration {
        var d = try ScorerFixtures.sampleDeclarations(idColumn: scorer.bundle.schema.id)[0]
        edit(&d.values)
        return d
    }

    static func checkFinite(_ a: RiskAssessment, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(a.rawScore.isFinite, "raw score \(a.rawScore)", sourceLocation: sourceLocation)
        #expect(a.probability.isFinite && a.probability >= 0 && a.probability <= 1,
                "probability \(a.probability)", sourceLocation: sourceLocation)
        if let revenue = a.expectedRevenue {
            #expect(revenue.isFinite && revenue >= 0, "expected revenue \(revenue)", sourceLocation: sourceLocation)
        }
        for reason in a.reasons { #expect(reason.value.isFinite, sourceLocation: sourceLocation) }
        if let e = a.explanation {
            #expect(e.baseValue.isFinite, sourceLocation: sourceLocation)
            #expect(e.groups.allSatisfy { $0.value.isFinite }, sourceLocation: sourceLocation)
        }
    }

    static let options = ScoringOptions(reasonCount: 3, includeExplanation: true, threadCount: 1)

    @Test(arguments: ScorerFixtures.kinds)
    func ordinaryDeclarationHasNoWarnings(kind: String) throws {
        let scorer = try ScorerFixtures.scorer(kind)
        let a = try scorer.score(Self.declaration({ _ in }, scorer: scorer), options: Self.options)
        Self.checkFinite(a)
        #expect(Self.inputWarnings(a) == [])
    }

    @Test(arguments: ScorerFixtures.kinds)
    func unseenCategoriesScoreAsTheTrainingPrior(kind: String) throws {
        let scorer = try ScorerFixtures.scorer(kind)
        let d = try Self.declaration({ v in
            v["importer_id"] = "IM-NEVER-SEEN"
            v["declarant_id"] = "DC-NEVER-SEEN"
            v["seller_id"] = "SL-NEVER-SEEN"
            v["office"] = "OF-NEVER-SEEN"
            v["origin_country"] = "ZZ"
            v["departure_country"] = "QQ"
            v["transport_mode"] = "TELEPORT"
            v["hs_code"] = "0000000001"
        }, scorer: scorer)
        let a = try scorer.score(d, options: Self.options)
        Self.checkFinite(a)
        // Values never seen in training are listed by `FittedFeaturePipeline.unseenValues`.
        #expect(a.warnings.contains { $0.hasPrefix("importer_id ") && $0.hasSuffix("was not seen in training; scored with the training prior (no history).") })
    }

    @Test(arguments: ScorerFixtures.kinds,
          ["customs_value", "quantity", "gross_weight", "net_weight", "taxes", "fob_value", "importer_id",
           "origin_country", "hs_code", "office", "date"])
    func missingOptionalFieldIsScoredWithAWarning(kind: String, column: String) throws {
        let scorer = try ScorerFixtures.scorer(kind)
        let a = try scorer.score(Self.declaration({ $0[column] = nil }, scorer: scorer), options: Self.options)
        Self.checkFinite(a)
        let numeric = ["customs_value", "quantity", "gross_weight", "net_weight", "taxes", "fob_value"]
        if column == "date" {
            #expect(Self.inputWarnings(a) == [])  // the date only feeds weekday/month and trader tenure: no warning
        } else if numeric.contains(column) {
            let handling = kind == "gbt" ? "trees learned a direction for it" : "imputed with the training median"
            #expect(a.warnings.first == "\(column) is missing; scored as missing (\(handling)).")
        } else {
            #expect(Self.inputWarnings(a) == ["\(column) is missing; scored as an unseen value (the training prior)."])
        }
    }

    /// The warnings about the edited field (the sample row's HS code may also be new to the model,
    /// which is reported separately as an unseen value).
    static func inputWarnings(_ a: RiskAssessment) -> [String] {
        a.warnings.filter { !$0.hasSuffix("was not seen in training; scored with the training prior (no history).") }
    }

    @Test(arguments: ScorerFixtures.kinds, ["0", "-5", "0.0"])
    func zeroOrNegativeQuantity(kind: String, quantity: String) throws {
        let scorer = try ScorerFixtures.scorer(kind)
        let a = try scorer.score(Self.declaration({ $0["quantity"] = quantity }, scorer: scorer), options: Self.options)
        Self.checkFinite(a)
        let value = Double(quantity)!
        #expect(Self.inputWarnings(a) == ["quantity is \(value); the unit value is undefined and scored as missing."])
    }

    @Test(arguments: ScorerFixtures.kinds)
    func zeroCustomsValue(kind: String) throws {
        let scorer = try ScorerFixtures.scorer(kind)
        let a = try scorer.score(Self.declaration({ $0["customs_value"] = "0" }, scorer: scorer), options: Self.options)
        Self.checkFinite(a)
        #expect(Self.inputWarnings(a) == ["customs_value is 0.0; the tax and FOB ratios are undefined and scored as missing."])
    }

    /// Magnitudes far outside anything seen, including beyond the Float range of the feature
    /// matrix (3.4e38) and subnormal ones.
    @Test(arguments: ScorerFixtures.kinds, [
        ["customs_value": "1e300", "fob_value": "1e300", "taxes": "1e308"],
        ["quantity": "1e300", "net_weight": "1e-300", "gross_weight": "1e-300"],
        ["customs_value": "4e-320", "quantity": "1e308"],
        ["duty_rate": "-1e300", "taxes": "-1e300"],
        ["customs_value": "123456789012345678901234567890", "quantity": "1"],
    ])
    func absurdMagnitudesGiveFiniteScores(kind: String, values: [String: String]) throws {
        let scorer = try ScorerFixtures.scorer(kind)
        let a = try scorer.score(Self.declaration({ $0.merge(values) { _, new in new } }, scorer: scorer),
                                 options: Self.options)
        Self.checkFinite(a)
    }

    @Test(arguments: ScorerFixtures.kinds)
    func nonNumberInNumericFieldThrowsNamingDeclarationAndField(kind: String) throws {
        let scorer = try ScorerFixtures.scorer(kind)
        let d = try Self.declaration({ $0["customs_value"] = "12,5O0" }, scorer: scorer)
        let error = #expect(throws: DeclarationError.self) { try scorer.score(d, options: Self.options) }
        #expect(error?.code == .invalidValue)
        #expect(error?.column == "customs_value")
        #expect(error?.message == "declaration \"\(d.id)\", column \"customs_value\": \"12,5O0\" is not a number. "
                + "Expected a decimal such as 12500.00.")
    }

    @Test(arguments: ScorerFixtures.kinds)
    func emptyBatchGivesNoAssessments(kind: String) throws {
        let scorer = try ScorerFixtures.scorer(kind)
        let table = try ScorerFixtures.sampleTable(scorer).selectingRows([])
        #expect(try scorer.score(table).isEmpty)
    }
}

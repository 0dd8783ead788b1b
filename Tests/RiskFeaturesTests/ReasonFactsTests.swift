import RiskData
import RiskDeclarations
import Testing
@testable import RiskFeatures

@Suite struct ReasonFactsTests {
    /// 20 training declarations: importer IMP1 (rows 0–9, 2 illicit) and IMP2; CN origin on rows 0–11,
    /// DE on 12–19; office OFF1 on rows 0–14; 10 per kg throughout. Smoothing 0 so rates are plain shares.
    static let fit: FeaturePipelineFit = {
        let rows = (0..<20).map { i in
            var row = DeclarationFactory.Row(id: "T\(i)", date: Int32(19_000 + i), label: i == 0 || i == 5 ? 1 : 0)
            let country = i < 12 ? "CN" : "DE"
            row.text = ["hs_code": "87032310", "origin": country, "departure": country,
                        "importer_id": i < 10 ? "IMP1" : "IMP2", "declarant_id": "DEC1",
                        "office": i < 15 ? "OFF1" : "OFF2"]
            row.numbers = ["cif_value": 1_000, "net_kg": 100, "quantity": 10, "taxes": 100, "aeo": 1]
            return row
        }
        let configuration = FeaturePipelineConfiguration(smoothingStrength: 0, minimumReferenceGroupRows: 10,
                                                         rareLevelThreshold: 1)
        return try! FeaturePipeline(configuration: configuration).fit(DeclarationFactory.table(rows))
    }()

    static func facts(_ probe: DeclarationFactory.Row, row: Int = 0) -> (FeatureGroup) -> GroupFacts {
        var facts = ReasonFacts(pipeline: fit.pipeline, table: DeclarationFactory.table([probe], withLabels: false))
        return { facts.facts(for: $0, row: row) }
    }

    @Test func factsOfAnUndervaluedDeclaration() throws {
        var probe = DeclarationFactory.Row(id: "P", date: 19_030)
        probe.text = ["hs_code": "8703.23.10", "origin": "CN", "departure": "SG", "importer_id": "IMP1",
                      "declarant_id": "DEC1", "office": "OFF1"]
        probe.numbers = ["cif_value": 310, "net_kg": 100, "quantity": 10, "taxes": 31, "aeo": 0]
        let facts = Self.facts(probe)
        let unitValue = try #require(facts(.unitValue).unitValue)
        #expect(unitValue.declared == 3.1 && unitValue.perKilogram)
        #expect(abs(unitValue.reference! - 10) < 1e-12)
        #expect(unitValue.level == .hs6Origin)  // 870323 × CN has 12 rows ≥ 10
        #expect(facts(.unitValue).hsText == "8703.23.10" && facts(.unitValue).originText == "CN")
        #expect(facts(.importerHistory) == GroupFacts(history: HistoryFacts(id: "IMP1", count: 10, illicit: 2)))
        #expect(facts(.declarantHistory) == GroupFacts(history: HistoryFacts(id: "DEC1", count: 20, illicit: 2)))
        #expect(facts(.hsCode) == GroupFacts(hsText: "8703.23.10", rate: 0.1))
        #expect(facts(.origin) == GroupFacts(originText: "CN", rate: 2.0 / 12))
        #expect(facts(.route) == GroupFacts(originText: "CN", departureText: "SG", rate: 0.1))  // unseen route: the prior
        #expect(facts(.office) == GroupFacts(officeText: "OFF1", rate: 2.0 / 15))
        #expect(facts(.traderTenure) == GroupFacts(tenureDays: 30))
        #expect(facts(.aeo) == GroupFacts(aeo: false))
        #expect(facts(.tax) == GroupFacts(amount: 0.1))
        #expect(facts(.declaredValue) == GroupFacts(amount: 310))
        for group in [FeatureGroup.weight, .date, .entity("seller"), .categorical("x"), .numeric("y"), .other("z")] {
            #expect(facts(group) == GroupFacts(), "\(group)")
        }
        // An entity column named like a fact states it as earlier releases' evidence displayed it.
        let named: [String: String] = [
            "hs_code": "8703.23", "origin": "CN", "departure": "SG", "declared_unit_value": "3.1 per kg",
            "reference_unit_value": "10 per kg", "unit_value_ratio": "0.31", "reference_level": "HS6 × origin",
            "importer": "IMP1", "importer_past_count": "10", "importer_past_illicit": "2", "declarant": "DEC1",
            "declarant_past_count": "20", "declarant_past_illicit": "2", "hs_illicit_rate": "10%",
            "origin_illicit_rate": "17%", "route_illicit_rate": "10%", "office": "OFF1", "office_illicit_rate": "13%",
            "trader_tenure_days": "30", "aeo": "no", "tax_ratio": "0.1", "declared_value": "310",
        ]
        for (name, text) in named {
            #expect(facts(.entity(name)).entityFact == text, "\(name)")
        }
    }

    @Test func aNewTraderWithMissingFieldsGetsOnlyTheFactsItHas() {
        var probe = DeclarationFactory.Row(id: "Q", date: nil)
        probe.text = ["importer_id": "NEW", "origin": "CN", "departure": "CN"]
        probe.numbers = ["quantity": 3]
        let facts = Self.facts(probe)
        #expect(facts(.unitValue) == GroupFacts(originText: "CN"))
        #expect(facts(.importerHistory) == GroupFacts(history: HistoryFacts(id: "NEW", count: 0, illicit: 0)))
        #expect(facts(.declarantHistory) == GroupFacts())
        #expect(facts(.hsCode) == GroupFacts())
        #expect(facts(.origin) == GroupFacts(originText: "CN", rate: 2.0 / 12))
        #expect(facts(.route) == GroupFacts(originText: "CN", departureText: "CN", rate: 2.0 / 12))
        #expect(facts(.office) == GroupFacts())
        #expect(facts(.traderTenure) == GroupFacts())
        #expect(facts(.aeo) == GroupFacts())
        #expect(facts(.tax) == GroupFacts())
        #expect(facts(.declaredValue) == GroupFacts())
        // Out of range: nothing.
        let outside = Self.facts(probe, row: 5)
        for group in [FeatureGroup.unitValue, .importerHistory, .origin, .route, .traderTenure, .aeo, .tax] {
            #expect(outside(group) == GroupFacts(), "\(group)")
        }
    }
}

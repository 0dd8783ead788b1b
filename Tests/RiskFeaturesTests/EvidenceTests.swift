import RiskData
import RiskDeclarations
import Testing
@testable import RiskFeatures

@Suite struct EvidenceTests {
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

    @Test func factsOfAnUndervaluedDeclaration() {
        var probe = DeclarationFactory.Row(id: "P", date: 19_030)
        probe.text = ["hs_code": "8703.23.10", "origin": "CN", "departure": "SG", "importer_id": "IMP1",
                      "declarant_id": "DEC1", "office": "OFF1"]
        probe.numbers = ["cif_value": 310, "net_kg": 100, "quantity": 10, "taxes": 31, "aeo": 0]
        let evidence = Self.fit.pipeline.evidence(for: DeclarationFactory.table([probe], withLabels: false), row: 0)
        #expect(evidence.facts == [
            EvidenceKey.hsCode: "8703.23",
            EvidenceKey.origin: "CN",
            EvidenceKey.departure: "SG",
            EvidenceKey.declaredUnitValue: "3.1 per kg",
            EvidenceKey.referenceUnitValue: "10 per kg",
            EvidenceKey.unitValueRatio: "0.31",
            EvidenceKey.referenceLevel: "HS6 × origin",  // 870323 × CN has 12 rows ≥ 10
            EvidenceKey.importer: "IMP1",
            EvidenceKey.importerPastCount: "10",
            EvidenceKey.importerPastIllicit: "2",
            EvidenceKey.declarant: "DEC1",
            EvidenceKey.declarantPastCount: "20",
            EvidenceKey.declarantPastIllicit: "2",
            EvidenceKey.hsIllicitRate: "10%",
            EvidenceKey.originIllicitRate: "17%",
            EvidenceKey.routeIllicitRate: "10%",  // SG→CN never seen: the prior
            EvidenceKey.office: "OFF1",
            EvidenceKey.officeIllicitRate: "13%",
            EvidenceKey.traderTenureDays: "30",
            EvidenceKey.aeo: "no",
            EvidenceKey.taxRatio: "0.1",
            EvidenceKey.declaredValue: "310",
        ])
    }

    @Test func aNewTraderWithMissingFieldsGetsOnlyTheFactsItHas() {
        var probe = DeclarationFactory.Row(id: "Q", date: nil)
        probe.text = ["importer_id": "NEW", "origin": "CN", "departure": "CN"]
        probe.numbers = ["quantity": 3]
        let evidence = Self.fit.pipeline.evidence(for: DeclarationFactory.table([probe], withLabels: false), row: 0)
        #expect(evidence.facts == [
            EvidenceKey.origin: "CN",
            EvidenceKey.departure: "CN",
            EvidenceKey.importer: "NEW",
            EvidenceKey.importerPastCount: "0",
            EvidenceKey.importerPastIllicit: "0",
            EvidenceKey.originIllicitRate: "17%",
            EvidenceKey.routeIllicitRate: "17%",
        ])
        let table = DeclarationFactory.table([probe], withLabels: false)
        #expect(Self.fit.pipeline.evidence(for: table, row: 5).facts.isEmpty)  // out of range
    }
}

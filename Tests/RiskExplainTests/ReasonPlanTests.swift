import RiskData
import Testing
@testable import RiskExplain

/// `ReasonPlan` resolves groups as `ReasonGenerator.factSentence` tells them apart, ranks names
/// as `<` orders them, and defers to the dictionary path where the typed one could differ.
@Suite("ReasonPlan")
struct ReasonPlanTests {
    @Test func kindsOfEveryGroup() {
        let groups = [FeatureGroup.unitValue, FeatureGroup.importerHistory, FeatureGroup.declarantHistory,
                      FeatureGroup.hsCode, FeatureGroup.origin, FeatureGroup.office, FeatureGroup.route,
                      FeatureGroup.traderTenure, FeatureGroup.tax, FeatureGroup.declaredValue, FeatureGroup.aeo,
                      "entity:seller_id", "entity:", "categorical:transport_mode", "numeric:duty_rate", "weight", "date"]
        let plan = ReasonPlan(groups: groups)
        #expect(plan.kinds == [.unitValue, .importerHistory, .declarantHistory, .hsCode, .origin, .office, .route,
                               .traderTenure, .tax, .declaredValue, .aeo, .entity("seller_id"), .entity(""),
                               .field("transport_mode"), .field("duty_rate"), .field("weight"), .field("date")])
        #expect(plan.aeoIndex == 10)
        #expect(!plan.usesDictionaryPath)
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func ranksFollowNameOrder(seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        let pieces = ["a", "B", "é", "e\u{301}x", "entity:", "z", "_", "1", "Ω"]
        var groups: [String] = []
        while groups.count < 20 {
            let name = (0..<(1 + generator.nextInt(below: 3))).map { _ in pieces[generator.nextInt(below: pieces.count)] }
                .joined()
            if !groups.contains(name) { groups.append(name) }
        }
        let plan = ReasonPlan(groups: groups)
        for i in groups.indices {
            for j in groups.indices {
                #expect((plan.ranks[i] < plan.ranks[j]) == (groups[i] < groups[j]), "seed \(seed): \(groups[i]) \(groups[j])")
            }
        }
    }

    /// An entity column named like an evidence key reads that fact on the dictionary path, and
    /// repeated names have no strict order: both keep the dictionary path.
    @Test func defersWhereTheTypedPathCouldDiffer() {
        #expect(ReasonPlan(groups: ["entity:office", FeatureGroup.office]).usesDictionaryPath)
        #expect(ReasonPlan(groups: ["entity:importer"]).usesDictionaryPath)
        #expect(ReasonPlan(groups: [FeatureGroup.tax, FeatureGroup.tax]).usesDictionaryPath)
        #expect(!ReasonPlan(groups: ["entity:consignor", "entity:carrier"]).usesDictionaryPath)
    }

    @Test func literalCodesAreTheCatalogueCodes() {
        for code in SentenceCode.allCases {
            #expect(code.code == code.reasonCode.code)
            #expect(ReasonCodeCatalog.standard[code.code] == code.reasonCode)
        }
    }
}

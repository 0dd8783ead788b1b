import Foundation
import RiskData
import RiskFeatures
import Testing
@testable import RiskExplain

@Suite("GroupedExplanation and GlobalImportance")
struct GroupingTests {
    static let schema = FeatureSchema(columns: [
        FeatureColumn(name: "uv_ratio", group: FeatureGroup.unitValue.name),
        FeatureColumn(name: "imp_rate", group: FeatureGroup.importerHistory.name),
        FeatureColumn(name: "uv_z", group: FeatureGroup.unitValue.name),
        FeatureColumn(name: "origin_rate", group: FeatureGroup.origin.name),
        FeatureColumn(name: "hs_rate", group: FeatureGroup.hsCode.name),
    ])

    /// Sums by group; order by |value| descending, ties by name; additivity kept.
    @Test func sumsAndOrdersGroups() throws {
        let explanation = Explanation(baseValue: -2, contributions: [0.75, -0.5, 0.25, 0.5, 0.125], rawScore: -0.875)
        let grouped = try GroupedExplanation(explanation, schema: Self.schema)
        #expect(grouped.groups == [
            GroupContribution(group: FeatureGroup.unitValue, value: 1),
            GroupContribution(group: FeatureGroup.importerHistory, value: -0.5),
            GroupContribution(group: FeatureGroup.origin, value: 0.5),
            GroupContribution(group: FeatureGroup.hsCode, value: 0.125),
        ])
        #expect(grouped.reconstructedScore == -0.875)
        #expect(grouped[FeatureGroup.origin] == 0.5)
        #expect(grouped[.other("nothing")] == nil)
    }

    /// Grouping a TreeSHAP explanation keeps additivity to 1e-9 (random model, seed 8).
    @Test(arguments: [8, 9] as [UInt64])
    func groupingKeepsAdditivity(seed: UInt64) throws {
        let model = RandomTrees.model(featureCount: 6, treeCount: 8, maximumDepth: 5, seed: seed)
        let explainer = try TreeExplainer(model: model)
        let grouping = FeatureGrouping(schema: model.featureSchema)
        var generator = SeededGenerator(seed: seed)
        for _ in 0..<200 {
            let explanation = explainer.explain(RandomTrees.row(schema: model.featureSchema, generator: &generator))
            let grouped = try GroupedExplanation(explanation, grouping: grouping)
            let scale = explanation.contributions.reduce(abs(explanation.baseValue) + abs(explanation.rawScore)) {
                $0 + abs($1)
            }
            #expect(grouped.groups.count == 3)
            #expect(closeScaled(grouped.reconstructedScore, explanation.rawScore, tolerance: 1e-9, scale: scale))
        }
    }

    @Test func rejectsWrongLength() {
        #expect(throws: RiskExplainError(.shapeMismatch, "The explanation has 2 contributions but the schema has 5 "
                                         + "features. Group it with the schema of the model that produced it.")) {
            try GroupedExplanation(Explanation(baseValue: 0, contributions: [1, 2], rawScore: 3), schema: Self.schema)
        }
    }

    /// Mean |group contribution| by hand: rows (0.75, −0.5, 0.25, 0.5, 0.125) and (−1, 0.5, −1, 0, 0.125):
    /// unit value |1|, |−2| → 1.5; importer 0.5; origin 0.25; HS 0.125.
    @Test func globalImportanceByHand() throws {
        let matrix = ContributionMatrix(rowCount: 2, featureCount: 5, baseValue: 0,
                                        contributions: [0.75, -0.5, 0.25, 0.5, 0.125, -1, 0.5, -1, 0, 0.125],
                                        rawScores: [0, 0])
        #expect(try GlobalImportance.byGroup(matrix, schema: Self.schema) == [
            Importance(name: FeatureGroup.unitValue.name, meanAbsoluteContribution: 1.5),
            Importance(name: FeatureGroup.importerHistory.name, meanAbsoluteContribution: 0.5),
            Importance(name: FeatureGroup.origin.name, meanAbsoluteContribution: 0.25),
            Importance(name: FeatureGroup.hsCode.name, meanAbsoluteContribution: 0.125),
        ])
        #expect(try GlobalImportance.byFeature(matrix, schema: Self.schema).map(\.name)
                == ["uv_ratio", "uv_z", "imp_rate", "origin_rate", "hs_rate"])
        let empty = ContributionMatrix(rowCount: 0, featureCount: 5, baseValue: 0, contributions: [], rawScores: [])
        #expect(throws: RiskExplainError(.invalidParameter, "No rows to average over; global importance needs at "
                                         + "least one explained row.")) {
            try GlobalImportance.byGroup(empty, schema: Self.schema)
        }
    }

    /// Every name parses to the case whose name it is; names round-trip, also through JSON.
    @Test func groupNamesRoundTrip() throws {
        let cases: [(String, FeatureGroup)] = [
            ("hs_code", .hsCode), ("unit_value", .unitValue), ("declared_value", .declaredValue), ("weight", .weight),
            ("quantity", .quantity), ("tax", .tax), ("importer_history", .importerHistory),
            ("declarant_history", .declarantHistory), ("origin", .origin), ("route", .route), ("office", .office),
            ("trader_tenure", .traderTenure), ("aeo", .aeo), ("date", .date), ("entity:seller_id", .entity("seller_id")),
            ("entity:", .entity("")), ("categorical:transport_mode", .categorical("transport_mode")),
            ("numeric:duty_rate", .numeric("duty_rate")), ("f0", .other("f0")), ("Entity:x", .other("Entity:x")),
            ("entity:office", .entity("office")), ("", .other("")),
        ]
        for (name, group) in cases {
            #expect(FeatureGroup(name: name) == group, "\(name)")
            #expect(group.name == name)
            let json = try JSONEncoder().encode([group])
            #expect(String(decoding: json, as: UTF8.self) == "[\"\(name)\"]")
            #expect(try JSONDecoder().decode([FeatureGroup].self, from: json) == [group])
        }
    }

    /// Name ranks order groups as their names sort; the AEO group is found.
    @Test(arguments: [1, 2, 3] as [UInt64])
    func ranksFollowNameOrder(seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        let pieces = ["a", "B", "é", "e\u{301}x", "entity:", "z", "_", "1", "Ω", "aeo"]
        var names: [String] = []
        while names.count < 20 {
            let name = (0..<(1 + generator.nextInt(below: 3))).map { _ in pieces[generator.nextInt(below: pieces.count)] }
                .joined()
            if !names.contains(name) { names.append(name) }
        }
        let grouping = FeatureGrouping(schema: FeatureSchema(columns: names.map { FeatureColumn(name: $0) }))
        #expect(grouping.groups.map(\.name) == names)
        #expect(grouping.aeoIndex == names.firstIndex(of: "aeo"))
        for i in names.indices {
            for j in names.indices {
                #expect((grouping.nameRanks[i] < grouping.nameRanks[j]) == (names[i] < names[j]), "seed \(seed)")
            }
        }
    }

    /// A decoded grouping is checked: repeated groups and group indices out of range are refused.
    @Test func decodingChecksTheGrouping() throws {
        let grouping = FeatureGrouping(schema: Self.schema)
        let json = try JSONEncoder().encode(grouping)
        #expect(try JSONDecoder().decode(FeatureGrouping.self, from: json) == grouping)
        func decode(_ text: String) throws -> FeatureGrouping {
            try JSONDecoder().decode(FeatureGrouping.self, from: Data(text.utf8))
        }
        #expect(throws: DecodingError.self) { try decode(#"{"groups":["tax","tax"],"groupOfFeature":[0,1]}"#) }
        #expect(throws: DecodingError.self) { try decode(#"{"groups":["tax"],"groupOfFeature":[0,1]}"#) }
        #expect(throws: DecodingError.self) { try decode(#"{"groups":["tax"],"groupOfFeature":[-1]}"#) }
        do {
            _ = try decode(#"{"groups":["tax","unit_value"],"groupOfFeature":[0,2]}"#)
            Issue.record("decoded a grouping with index 2 of 2 groups")
        } catch let DecodingError.dataCorrupted(context) {
            #expect(context.debugDescription == "Feature 1 has group index 2, but the grouping has 2 groups; expected "
                    + "an index in 0..<2.")
        }
        do {
            _ = try decode(#"{"groups":["tax","tax"],"groupOfFeature":[0]}"#)
            Issue.record("decoded a grouping with a repeated group")
        } catch let DecodingError.dataCorrupted(context) {
            #expect(context.debugDescription == "Group \"tax\" appears twice in the feature grouping; each group is "
                    + "listed once.")
        }
    }
}

import RiskData
import Testing
@testable import RiskExplain

@Suite("GroupedExplanation and GlobalImportance")
struct GroupingTests {
    static let schema = FeatureSchema(columns: [
        FeatureColumn(name: "uv_ratio", group: FeatureGroup.unitValue),
        FeatureColumn(name: "imp_rate", group: FeatureGroup.importerHistory),
        FeatureColumn(name: "uv_z", group: FeatureGroup.unitValue),
        FeatureColumn(name: "origin_rate", group: FeatureGroup.origin),
        FeatureColumn(name: "hs_rate", group: FeatureGroup.hsCode),
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
        #expect(grouped["nothing"] == nil)
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
            Importance(name: FeatureGroup.unitValue, meanAbsoluteContribution: 1.5),
            Importance(name: FeatureGroup.importerHistory, meanAbsoluteContribution: 0.5),
            Importance(name: FeatureGroup.origin, meanAbsoluteContribution: 0.25),
            Importance(name: FeatureGroup.hsCode, meanAbsoluteContribution: 0.125),
        ])
        #expect(try GlobalImportance.byFeature(matrix, schema: Self.schema).map(\.name)
                == ["uv_ratio", "uv_z", "imp_rate", "origin_rate", "hs_rate"])
        let empty = ContributionMatrix(rowCount: 0, featureCount: 5, baseValue: 0, contributions: [], rawScores: [])
        #expect(throws: RiskExplainError(.invalidParameter, "No rows to average over; global importance needs at "
                                         + "least one explained row.")) {
            try GlobalImportance.byGroup(empty, schema: Self.schema)
        }
    }
}

import RiskData
import RiskDeclarations
import Testing
@testable import RiskFeatures

@Suite struct FeaturePipelineFitTests {
    @Test func emptyTableIsRefused() {
        let table = DeclarationFactory.table([])
        #expect(throws: RiskFeaturesError(.emptyTable, "Cannot fit the feature pipeline on an empty table "
            + "(0 declarations). Provide at least one labelled declaration.")) {
            _ = try FeaturePipeline().fit(table)
        }
    }

    @Test func unlabelledTableIsRefused() {
        let (table, _) = DeclarationFactory.synthetic(rowCount: 5, seed: 3)
        var unlabelled = table
        unlabelled.labels = nil
        #expect(throws: RiskFeaturesError(.missingLabels, "Cannot fit the feature pipeline: the table has no labels "
            + "(schema label column: \"illicit\"). Name the 0/1 label column in the schema and include it "
            + "in the data.")) {
            _ = try FeaturePipeline().fit(unlabelled)
        }
    }

    @Test(arguments: [Float(2), -1, .nan])
    func labelOutsideUnitIntervalIsRefused(label: Float) {
        var (table, _) = DeclarationFactory.synthetic(rowCount: 5, seed: 3)
        table.labels![3] = label
        #expect(throws: RiskFeaturesError(.invalidLabel, "Label of declaration \"D3\" (row 3) is \(label); expected "
            + "a number in 0...1 (1 = illicit). Fix the label column before fitting.")) {
            _ = try FeaturePipeline().fit(table)
        }
    }

    @Test func clashingColumnNamesAreRefused() {
        let schema = DeclarationSchema(id: "id", label: "y", fields: [
            .init(column: "hs", role: .hsCode), .init(column: "hs2_code", role: .numeric),
        ])
        let table = DeclarationTable(schema: schema, rowCount: 2, ids: ["a", "b"], labels: [0, 1],
                                     text: ["hs": TextColumn(codes: [0, 0], vocabulary: ["870323"])],
                                     numbers: ["hs2_code": [1, 2]])
        #expect(throws: RiskFeaturesError(.invalidSchema, "Two feature columns are named \"hs2_code\". Rename the "
            + "declaration column that produces it (a numeric, entity or categorical role) in the schema.")) {
            _ = try FeaturePipeline().fit(table)
        }
    }

    static let allowedGroups: Set<String> = Set(([
        .hsCode, .unitValue, .declaredValue, .weight, .quantity, .tax, .importerHistory, .declarantHistory, .origin,
        .route, .office, .traderTenure, .aeo, .date, .entity("seller"), .categorical("transport_mode"),
        .numeric("duty_rate"),
    ] as [FeatureGroup]).map(\.name))

    @Test func everyColumnHasAKnownGroupAndTheExpectedNames() throws {
        let (table, _) = DeclarationFactory.synthetic(rowCount: 2_000, seed: 5)
        let fit = try FeaturePipeline().fit(table)
        for kind in FeatureMatrixKind.allCases {
            let schema = fit.pipeline.schema(for: kind)
            #expect(fit.matrix(for: kind).schema == schema)
            #expect(Set(schema.names).count == schema.columns.count)
            for column in schema.columns { #expect(Self.allowedGroups.contains(column.group), "\(column.name)") }
            #expect(Set(schema.groups) == Self.allowedGroups)
        }
        let trees = fit.pipeline.schema(for: .trees).names
        for name in ["declared_value", "fob_cif_ratio", "weight_kg", "quantity_per_kg", "tax_ratio", "unit_value",
                     "value_per_kg", "unit_value_log_ratio", "unit_value_robust_z", "unit_value_reference_level",
                     "hs2_code", "hs4_code", "hs6_code", "origin_code", "departure_code", "office_code",
                     "route_differs", "month", "weekday", "trader_tenure_days", "aeo", "importer_illicit_rate",
                     "importer_mean_revenue", "importer_declaration_count", "declarant_illicit_rate",
                     "hs6_illicit_rate", "hs4_illicit_rate", "hs2_illicit_rate", "origin_illicit_rate",
                     "office_illicit_rate", "route_illicit_rate", "seller_illicit_rate", "transport_mode_code",
                     "duty_rate"] {
            #expect(trees.contains(name), "\(name)")
        }
        let linear = fit.pipeline.schema(for: .linear)
        #expect(linear.columns.allSatisfy { !$0.isCategorical })
        #expect(linear.names.contains("transport_mode=sea"))
        #expect(linear.names.contains("weight_kg") && !linear.names.contains("weight_kg_missing"))
        #expect(linear.names.contains("value_per_kg"))
        #expect(linear.names.contains("importer_declaration_count_missing"))  // 1% of importers are missing
        #expect(!linear.names.contains("hs6_code"))
    }

    /// 6,500 rows: enough for three chunks of `ParallelLoop` (minimum chunk 2,048 rows).
    @Test(arguments: [((1, 2), 11), ((1, 3), 12)] as [((Int, Int), UInt64)])
    func fitIsBitIdenticalForEveryThreadCount(threads: (Int, Int), seed: UInt64) throws {
        let (table, _) = DeclarationFactory.synthetic(rowCount: 6_500, seed: seed)
        let a = try FeaturePipeline(configuration: .init(threadCount: threads.0)).fit(table)
        let b = try FeaturePipeline(configuration: .init(threadCount: threads.1)).fit(table)
        #expect(bits(a.treesMatrix.values) == bits(b.treesMatrix.values))
        #expect(bits(a.linearMatrix.values) == bits(b.linearMatrix.values))
        #expect(a.pipeline.linearPlan == b.pipeline.linearPlan)
    }

    @Test(arguments: [(ProfileMode.kFold, 21), (.timeOrdered, 22)] as [(ProfileMode, UInt64)])
    func linearTrainingMatrixIsAlwaysFinite(mode: ProfileMode, seed: UInt64) throws {
        let (table, _) = DeclarationFactory.synthetic(rowCount: 3_000, seed: seed)
        let fit = try FeaturePipeline(configuration: .init(profileMode: mode)).fit(table)
        #expect(fit.linearMatrix.values.allSatisfy { $0.isFinite })
        #expect(fit.treesMatrix.values.allSatisfy { !$0.isInfinite })
        let dataset = try fit.dataset(for: .linear)
        #expect(dataset.rowCount == 3_000)
    }
}

import RiskData
import RiskDeclarations
import Testing
@testable import RiskFeatures

/// Every documented edge case of Docs/FeatureEngineering.md, "Edge cases".
@Suite struct EdgeCaseTests {
    static let fit = try! FeaturePipeline(configuration: .init(randomSeed: 7))
        .fit(DeclarationFactory.synthetic(rowCount: 3_000, seed: 161).0)

    static func normalRow(_ id: String) -> DeclarationFactory.Row {
        var row = DeclarationFactory.Row(id: id, date: 19_200)
        row.text = ["hs_code": "61011090", "importer_id": "IMP1", "declarant_id": "DEC1", "origin": "CN",
                    "departure": "CN", "office": "OFF1", "seller": "S1", "transport_mode": "sea"]
        row.numbers = ["cif_value": 1_000, "fob_value": 920, "quantity": 10, "gross_kg": 55, "net_kg": 50,
                       "taxes": 100, "aeo": 0, "duty_rate": 0.1]
        return row
    }

    static func value(_ matrix: FeatureMatrix, _ row: Int, _ name: String) -> Float {
        matrix[row, matrix.schema.names.firstIndex(of: name)!]
    }

    static func transform(_ rows: [DeclarationFactory.Row]) throws -> (trees: FeatureMatrix, linear: FeatureMatrix) {
        let table = DeclarationFactory.table(rows, withLabels: false)
        return (try fit.pipeline.transform(table, for: .trees), try fit.pipeline.transform(table, for: .linear))
    }

    @Test func unseenCategoriesGetTheOtherCodeAndThePriorProfile() throws {
        var row = Self.normalRow("unseen")
        row.text = ["hs_code": "99999999", "importer_id": "NEW", "declarant_id": "NEWDEC", "origin": "ZZ",
                    "departure": "ZZ", "office": "NEWOFF", "seller": "NEWS", "transport_mode": "hovercraft"]
        let (trees, linear) = try Self.transform([row])
        let prior = Float(Self.fit.pipeline.prior)
        for column in trees.schema.columns {
            if case .categorical(let levels) = column.kind {
                #expect(Self.value(trees, 0, column.name) == Float(levels - 1), "\(column.name) → other")
            }
            if column.name.hasSuffix("_illicit_rate") { #expect(Self.value(trees, 0, column.name) == prior) }
            if column.name.hasSuffix("_declaration_count") { #expect(Self.value(trees, 0, column.name) == 0) }
        }
        #expect(Self.value(trees, 0, "trader_tenure_days") == 0)  // a new trader
        #expect(Self.value(trees, 0, "route_differs") == 0)  // ZZ → ZZ, compared as text
        #expect(Self.value(trees, 0, "unit_value_reference_level") == 4)  // all goods
        #expect(linear.values.allSatisfy { $0.isFinite })
        #expect(Self.value(linear, 0, "transport_mode=sea") == 0)
    }

    @Test func missingFieldsAreMissingForTreesAndImputedForTheLinearModel() throws {
        let row = DeclarationFactory.Row(id: "empty", date: nil)
        let (trees, linear) = try Self.transform([row])
        let prior = Float(Self.fit.pipeline.prior)
        for (column, feature) in trees.schema.columns.enumerated() {
            let x = trees[0, column]
            if feature.name.hasSuffix("_illicit_rate") {
                #expect(x == prior, "\(feature.name): no key → prior")
            } else if feature.name.hasSuffix("_mean_revenue") {
                #expect(x == Float(Self.fit.pipeline.priorRevenue))
            } else {
                #expect(x.isNaN, "\(feature.name) = \(x)")
            }
        }
        #expect(linear.values.allSatisfy { $0.isFinite })
        #expect(Self.value(linear, 0, "importer_declaration_count_missing") == 1)
    }

    @Test func columnsAbsentFromTheTableCountAsMissing() throws {
        var schema = DeclarationFactory.schema
        schema.fields.removeAll { $0.column == "seller" || $0.column == "net_kg" }
        let table = DeclarationFactory.table([Self.normalRow("a")], schema: schema, withLabels: false)
        let trees = try Self.fit.pipeline.transform(table, for: .trees)
        #expect(Self.value(trees, 0, "seller_illicit_rate") == Float(Self.fit.pipeline.prior))
        #expect(Self.value(trees, 0, "seller_declaration_count").isNaN)
        #expect(Self.value(trees, 0, "weight_kg") == 55)  // gross weight stands in for the missing net weight
        #expect(try Self.fit.pipeline.transform(table, for: .linear).values.allSatisfy { $0.isFinite })
    }

    @Test(arguments: [0.0, -5])
    func zeroOrNegativeQuantityLeavesUnitValueUndefined(quantity: Double) throws {
        var row = Self.normalRow("q")
        row.numbers["quantity"] = quantity
        let (trees, linear) = try Self.transform([row])
        #expect(Self.value(trees, 0, "unit_value").isNaN)
        #expect(Self.value(trees, 0, "quantity_per_kg") == Float(quantity / 50))
        #expect(Self.value(trees, 0, "value_per_kg") == 20)  // the reference still uses the weight
        #expect(!Self.value(trees, 0, "unit_value_log_ratio").isNaN)
        #expect(linear.values.allSatisfy { $0.isFinite })
    }

    @Test func zeroWeightFallsBackToTheUnitPrice() throws {
        var row = Self.normalRow("w")
        row.numbers["net_kg"] = 0
        row.numbers["gross_kg"] = 0
        let (trees, linear) = try Self.transform([row])
        #expect(Self.value(trees, 0, "weight_kg").isNaN)
        #expect(Self.value(trees, 0, "value_per_kg").isNaN)
        #expect(Self.value(trees, 0, "unit_value") == 100)
        #expect(!Self.value(trees, 0, "unit_value_log_ratio").isNaN)  // per-unit reference
        #expect(linear.values.allSatisfy { $0.isFinite })
    }

    @Test func zeroValueIsTheMostExtremeUndervaluation() throws {
        var row = Self.normalRow("v")
        row.numbers["cif_value"] = 0
        let (trees, linear) = try Self.transform([row])
        #expect(Self.value(trees, 0, "unit_value") == 0)
        #expect(Self.value(trees, 0, "tax_ratio").isNaN)
        #expect(Self.value(trees, 0, "fob_cif_ratio").isNaN)
        #expect(Self.value(trees, 0, "unit_value_log_ratio") == -20)
        #expect(Self.value(trees, 0, "unit_value_robust_z") < -20)
        #expect(linear.values.allSatisfy { $0.isFinite })
    }

    @Test(arguments: [1e300, -1e300, 1e-300])
    func absurdMagnitudesAreClampedNeverInfinite(magnitude: Double) throws {
        var row = Self.normalRow("m")
        for column in ["cif_value", "fob_value", "quantity", "gross_kg", "net_kg", "taxes", "duty_rate"] {
            row.numbers[column] = magnitude
        }
        var huge = Self.normalRow("h")
        huge.numbers["cif_value"] = magnitude
        let (trees, linear) = try Self.transform([row, huge])
        #expect(trees.values.allSatisfy { !$0.isInfinite })
        #expect(linear.values.allSatisfy { $0.isFinite && abs($0) <= 10 })
        let logRatio = Self.value(trees, 1, "unit_value_log_ratio")
        #expect(magnitude > 1 ? logRatio == 20 : (magnitude < 0 ? logRatio.isNaN : logRatio == -20))
        #expect(Self.value(trees, 1, "declared_value") == Float(max(min(magnitude, 3e38), -3e38)))
    }

    @Test func trainingOnDegenerateDataStillGivesFiniteLinearFeatures() throws {
        var rows: [DeclarationFactory.Row] = []
        for i in 0..<6 {
            var row = DeclarationFactory.Row(id: "r\(i)", date: nil, label: Float(i % 2))
            row.numbers = ["cif_value": i == 0 ? 1e300 : 0, "quantity": i == 1 ? -1 : 0]
            rows.append(row)
        }
        let fit = try FeaturePipeline().fit(DeclarationFactory.table(rows))
        #expect(fit.linearMatrix.values.allSatisfy { $0.isFinite })
        #expect(fit.treesMatrix.values.allSatisfy { !$0.isInfinite })
        let scored = try fit.pipeline.transform(DeclarationFactory.table([Self.normalRow("x")]), for: .linear)
        #expect(scored.values.allSatisfy { $0.isFinite })
    }
}

@Suite struct DegenerateSchemaTests {
    @Test(arguments: [1, 3] as [Int])
    func aSchemaWithoutFeatureRolesGivesZeroColumns(rowCount: Int) throws {
        let schema = DeclarationSchema(id: "id", label: "y", fields: [.init(column: "notes", role: .ignore)])
        let table = DeclarationTable(schema: schema, rowCount: rowCount, ids: (0..<rowCount).map { "r\($0)" },
                                     labels: (0..<rowCount).map { Float($0 % 2) })
        let fit = try FeaturePipeline().fit(table)
        #expect(fit.treesMatrix.columnCount == 0 && fit.treesMatrix.rowCount == rowCount)
        #expect(fit.linearMatrix.columnCount == 0)
        #expect(try fit.pipeline.transform(table, for: .linear).rowCount == rowCount)
    }
}

import CustomsRisk
import Foundation
@testable import RiskTraining
import Testing

/// Issue 15: `train` warns loudly when a feature alone separates the classes (naming it) or the
/// validation AUC reaches 0.99, and stays quiet on honest data (generated and Korea).
@Suite struct LeakageWarningTests {
    /// The generated declarations plus a categorical `review_code`: "1"/"2" on illicit rows,
    /// "0" on licit ones (Korea's "Critical Fraud" under an innocent name).
    static func leakyTable() throws -> DeclarationTable {
        var table = try RefitTrainingTests.table.get()
        let s = table.schema
        table.schema = DeclarationSchema(id: s.id, date: s.date, label: s.label, revenue: s.revenue,
                                         fields: s.fields + [.init(column: "review_code", role: .categorical)])
        let codes: [Int32] = table.labels!.enumerated().map { row, label in label > 0.5 ? (row % 3 == 0 ? 2 : 1) : 0 }
        table.text["review_code"] = TextColumn(codes: codes, vocabulary: ["0", "1", "2"])
        return table
    }

    @Test(arguments: [true, false])
    func plantedLeakIsNamed(refit: Bool) throws {
        let outcome = try ModelTrainer(options: RefitTrainingTests.options(refit: refit)).train(Self.leakyTable())
        let leaks = outcome.warnings.filter { $0.hasPrefix("LEAKAGE?") }
        #expect(leaks.contains { $0.hasPrefix("LEAKAGE? feature \"review_code_code\" (column \"review_code\") alone separates the classes") },
                "\(outcome.warnings) \(outcome.bundle.model.featureSchema.columns.map(\.name))")
        #expect(outcome.validationReport.auc >= 0.99)
        #expect(leaks.contains { $0.hasPrefix("LEAKAGE? the validation AUC is ") }, "\(outcome.warnings)")
    }

    @Test func honestGeneratedDataIsQuiet() throws {
        let outcome = try ModelTrainer(options: RefitTrainingTests.options()).train(try RefitTrainingTests.table.get())
        #expect(!outcome.warnings.contains { $0.hasPrefix("LEAKAGE?") }, "\(outcome.warnings)")
    }

    @Test func separationRulesOnHandMadeColumns() throws {
        let labels: [Float] = (0..<200).map { $0 % 4 == 0 ? 1 : 0 }
        let schema = FeatureSchema(columns: [
            FeatureColumn(name: "amount", group: "g", kind: .numeric),
            FeatureColumn(name: "code", group: "g", kind: .categorical(levelCount: 3)),
            FeatureColumn(name: "noise", group: "g", kind: .numeric),
        ])
        // Column-major. amount: higher on illicit rows (AUC 1); code: 1 on illicit rows, 0 or 2 on
        // licit ones (AUC 0.5: the illicit code sits between); noise: no relation.
        let rows = Array(labels.enumerated())
        let values: [Float] = rows.map { row, label in label > 0.5 ? Float(100 + row) : Float(row % 50) }
            + rows.map { row, label in label > 0.5 ? 1 : Float(row % 2 == 0 ? 0 : 2) }
            + rows.map { row, _ in Float((row * 7919) % 13) }
        let matrix = try FeatureMatrix(rowCount: labels.count, schema: schema, values: values)
        let warnings = LeakageCheck.separatingFeatureWarnings(matrix, labels: labels)
        #expect(warnings.count == 2, "\(warnings)")
        #expect(warnings.first?.hasPrefix("LEAKAGE? feature \"amount\" alone separates the classes on the 200 "
                                          + "training declarations (AUC 1.0000 alone).") == true)
        #expect(warnings.last?.hasPrefix("LEAKAGE? feature \"code\" alone separates the classes on the 200 training "
                                         + "declarations (its values sort 100.0 % of the illicit and 100.0 % of the "
                                         + "licit declarations).") == true)
        #expect(LeakageCheck.aucWarning(0.9899, rows: 10) == nil)
        #expect(LeakageCheck.aucWarning(0.99, rows: 10) != nil)
    }

    static let koreaTrainURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("../shared/data/customs-synthetic/df_syn_train_eng.csv").standardizedFileURL
    static let koreaSchemaURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Docs/examples/korea.schema.json")

    /// No Korea feature (committed schema) separates the classes on its own.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: koreaTrainURL.path), "Korea file absent"))
    func koreaFeaturesAreQuiet() throws {
        let schema = try DeclarationSchema.load(contentsOf: Self.koreaSchemaURL)
        let table = try DeclarationReader.read(contentsOf: Self.koreaTrainURL, schema: schema).table
        var configuration = FeaturePipelineConfiguration()
        configuration.threadCount = 2
        let fit = try FeaturePipeline(configuration: configuration).fit(table)
        let warnings = LeakageCheck.separatingFeatureWarnings(fit.treesMatrix, labels: fit.labels)
        #expect(warnings.isEmpty, "\(warnings)")
        #expect(fit.treesMatrix.columnCount > 20)
    }
}

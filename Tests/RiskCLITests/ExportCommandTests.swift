import Foundation
import Testing

/// `riskctl export` and `features --model` on the shared workspace. LightGBM's own predictions of the
/// exported file are checked by Benchmarks/compare/export_check.py (Python); the routing is checked
/// bit for bit against a reader of the text format in RiskTreesTests/LightGBMExportTests.
@Suite struct ExportCommandTests {
    @Test func exportsTreesAndTheFeatureVectorTheyTake() throws {
        let w = try Workspace.shared()
        let text = w.path("export-gbt.lgb.txt"), features = w.path("export-gbt.features.csv")
        try? FileManager.default.removeItem(atPath: text)
        try? FileManager.default.removeItem(atPath: features)
        let exported = try Riskctl.succeed(["export", "--model", w.model("gbt"), "--out", text])
        #expect(exported.standardOutput.hasPrefix("wrote \(text): LightGBM text model, "))
        let body = try String(contentsOfFile: text, encoding: .utf8)
        #expect(body.hasPrefix("tree\nversion=v4\n") && body.hasSuffix("pandas_categorical:null\n"))
        try Riskctl.succeed(["features", "--model", w.model("gbt"), "--data", w.test, "--out", features])
        let matrix = try CSVTable(contentsOf: URL(fileURLWithPath: features))
        let names = body.split(separator: "\n").first { $0.hasPrefix("feature_names=") }!
            .dropFirst("feature_names=".count).split(separator: " ").map(String.init)
        #expect(Array(matrix.header.dropFirst().prefix(names.count)) == names)
        #expect(try matrix.column("id") == (try w.testIDsAndLabels().ids))
        // Not over an existing file without --force; a logistic model is refused with a reason.
        let again = try Riskctl.run(["export", "--model", w.model("gbt"), "--out", text])
        #expect(again.exitCode == 2 && again.standardError == "error: \(text) already exists; pass --force to replace it.\n")
        let linear = try Riskctl.run(["export", "--model", w.model("logistic"), "--out", w.path("export-logistic.txt")])
        #expect(linear.exitCode == 1)
        #expect(linear.standardError.hasPrefix("error: \(w.model("logistic")) holds a logistic regression; only boosted-trees"))
        let wrongView = try Riskctl.run(["features", "--model", w.model("gbt"), "--kind", "linear", "--data", w.test,
                                         "--out", w.path("export-wrong.csv")])
        #expect(wrongView.exitCode == 2)
        #expect(wrongView.standardError.contains("--kind linear differs from the view the model"))
    }
}

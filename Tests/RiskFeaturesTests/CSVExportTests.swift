import Foundation
import RiskData
import Testing
@testable import RiskFeatures

@Suite struct CSVExportTests {
    static let matrix = try! FeatureMatrix(
        rows: [[1, .nan], [0.5, 3e38]],
        schema: FeatureSchema(columns: [FeatureColumn(name: "a"), FeatureColumn(name: "b,c")]))

    @Test func textQuotesFieldsAndLeavesMissingEmpty() throws {
        let text = try FittedFeaturePipeline.csvText(Self.matrix, ids: ["x", "y\"z"], labels: [1, 0])
        #expect(text == "id,a,\"b,c\",label\nx,1.0,,1.0\n\"y\"\"z\",0.5,3e+38,0.0\n")
        #expect(try FittedFeaturePipeline.csvText(Self.matrix, ids: ["x", "y"], labels: nil)
            == "id,a,\"b,c\"\nx,1.0,\ny,0.5,3e+38\n")
    }

    @Test func wrongLengthsAreRefused() {
        #expect(throws: RiskFeaturesError(.shapeMismatch,
                                          "ids has 1 entries; the feature matrix has 2 rows. Pass one id per row.")) {
            _ = try FittedFeaturePipeline.csvText(Self.matrix, ids: ["x"], labels: nil)
        }
        #expect(throws: RiskFeaturesError(.shapeMismatch, "labels has 3 entries; the feature matrix has 2 rows. "
            + "Pass one label per row, or nil.")) {
            _ = try FittedFeaturePipeline.csvText(Self.matrix, ids: ["x", "y"], labels: [1, 0, 1])
        }
    }

    @Test func writesTheFileAndNamesAnUnwritablePath() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("features-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: url) }
        try FittedFeaturePipeline.writeCSV(Self.matrix, ids: ["x", "y"], labels: nil, to: url)
        #expect(try String(contentsOf: url, encoding: .utf8) == "id,a,\"b,c\"\nx,1.0,\ny,0.5,3e+38\n")
        let bad = URL(fileURLWithPath: "/nonexistent-folder/features.csv")
        #expect {
            try FittedFeaturePipeline.writeCSV(Self.matrix, ids: ["x", "y"], labels: nil, to: bad)
        } throws: { error in
            guard let error = error as? RiskFeaturesError else { return false }
            return error.code == .writeFailed
                && error.message == "cannot write /nonexistent-folder/features.csv: the directory /nonexistent-folder "
                + "does not exist. Create it or choose another output path."
        }
        // An existing file is replaced only with `overwrite`.
        #expect {
            try FittedFeaturePipeline.writeCSV(Self.matrix, ids: ["x", "y"], labels: nil, to: url)
        } throws: { error in
            (error as? RiskFeaturesError)?.message == "\(url.path) already exists; refusing to overwrite it. "
                + "Choose another output path or pass --force."
        }
        try FittedFeaturePipeline.writeCSV(Self.matrix, ids: ["y", "x"], labels: nil, to: url, overwrite: true)
        #expect(try String(contentsOf: url, encoding: .utf8).hasSuffix("y,1.0,\nx,0.5,3e+38\n"))
    }

    @Test func exportedTrainingMatrixParsesBack() throws {
        let (table, _) = DeclarationFactory.synthetic(rowCount: 50, seed: 201)
        let fit = try FeaturePipeline().fit(table)
        let text = try FittedFeaturePipeline.csvText(fit.treesMatrix, ids: table.ids, labels: fit.labels)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 52)
        #expect(lines[0] == Substring((["id"] + fit.treesMatrix.schema.names + ["label"]).joined(separator: ",")))
        let fields = lines[1].split(separator: ",", omittingEmptySubsequences: false)
        for column in 0..<fit.treesMatrix.columnCount {
            let x = fit.treesMatrix[0, column]
            #expect(x.isNaN ? fields[column + 1].isEmpty : Float(String(fields[column + 1])) == x)
        }
    }
}

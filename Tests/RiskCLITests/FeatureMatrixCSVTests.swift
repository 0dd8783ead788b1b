import CustomsRisk
import Foundation
@testable import RiskCLI
import Testing

/// The feature matrix CSV of `riskctl features` (`FeatureMatrixCSV`).
@Suite struct FeatureMatrixCSVTests {
    static let matrix = try! FeatureMatrix(
        rows: [[1, .nan], [0.5, 3e38]],
        schema: FeatureSchema(columns: [FeatureColumn(name: "a"), FeatureColumn(name: "b,c")]))

    static func text(_ matrix: FeatureMatrix, ids: [String], labels: [Float]?) -> String {
        String(decoding: FeatureMatrixCSV.bytes(matrix, ids: ids, labels: labels), as: UTF8.self)
    }

    @Test func textQuotesFieldsAndLeavesMissingEmpty() throws {
        #expect(Self.text(Self.matrix, ids: ["x", "y\"z"], labels: [1, 0])
            == "id,a,\"b,c\",label\nx,1.0,,1.0\n\"y\"\"z\",0.5,3e+38,0.0\n")
        #expect(Self.text(Self.matrix, ids: ["x", "y"], labels: nil) == "id,a,\"b,c\"\nx,1.0,\ny,0.5,3e+38\n")
        // Text cells that a spreadsheet would run as a formula get a ' first (CSVFormulaGuard).
        #expect(Self.text(Self.matrix, ids: ["=1+1", "-x,y"], labels: nil)
            == "id,a,\"b,c\"\n'=1+1,1.0,\n\"'-x,y\",0.5,3e+38\n")
    }

    @Test func writesTheFileAndNamesAnUnwritablePath() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("features-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: url) }
        try FeatureMatrixCSV.write(Self.matrix, ids: ["x", "y"], labels: nil, to: url.path, overwrite: false)
        #expect(try String(contentsOf: url, encoding: .utf8) == "id,a,\"b,c\"\nx,1.0,\ny,0.5,3e+38\n")
        #expect {
            try FeatureMatrixCSV.write(Self.matrix, ids: ["x", "y"], labels: nil,
                                       to: "/nonexistent-folder/features.csv", overwrite: false)
        } throws: { error in
            (error as? RiskDataError)?.message == "cannot write /nonexistent-folder/features.csv: the directory "
                + "/nonexistent-folder does not exist. Create it or choose another output path."
        }
        // An existing file is replaced only with `overwrite`.
        #expect {
            try FeatureMatrixCSV.write(Self.matrix, ids: ["x", "y"], labels: nil, to: url.path, overwrite: false)
        } throws: { error in
            (error as? RiskDataError)?.message == "\(url.path) already exists; refusing to overwrite it. "
                + "Choose another output path or pass --force."
        }
        try FeatureMatrixCSV.write(Self.matrix, ids: ["y", "x"], labels: nil, to: url.path, overwrite: true)
        #expect(try String(contentsOf: url, encoding: .utf8).hasSuffix("y,1.0,\nx,0.5,3e+38\n"))
    }

    @Test(arguments: [201, 202] as [UInt64])
    func exportedTrainingMatrixParsesBack(seed: UInt64) throws {
        let table = try SyntheticDeclarations(rowCount: 50, seed: seed).table()
        let fit = try FeaturePipeline().fit(table)
        let text = Self.text(fit.treesMatrix, ids: table.ids, labels: fit.labels)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 52)
        #expect(lines[0] == Substring((["id"] + fit.treesMatrix.schema.names + ["label"]).joined(separator: ",")))
        for row in [0, 49] {
            let fields = lines[row + 1].split(separator: ",", omittingEmptySubsequences: false)
            #expect(fields[0] == Substring(table.ids[row]))
            for column in 0..<fit.treesMatrix.columnCount {
                let x = fit.treesMatrix[row, column]
                #expect(x.isNaN ? fields[column + 1].isEmpty : Float(String(fields[column + 1])) == x)
            }
        }
    }
}

import Foundation
import RiskData
import RiskDeclarations
import RiskExplain
import RiskFeatures
import RiskLinear
@testable import RiskModelBundle
import RiskTrees

/// The released reference bundles under `Models/` (real trained bundles, small) and helpers that
/// predict, explain, and edit a bundle's content JSON the way an attacker or a damaged disk would.
enum ReferenceBundles {
    /// `<package root>/Models/v1.0.0`; this file is `<root>/Tests/RiskModelBundleTests/ReferenceBundles.swift`.
    static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Models/v1.0.0", isDirectory: true)

    static let kinds = ["gbt", "logistic"]

    static func url(_ kind: String) -> URL { directory.appendingPathComponent("reference-\(kind).json") }

    static func bytes(_ kind: String) throws -> Data { try Data(contentsOf: url(kind)) }

    static func bundle(_ kind: String) throws -> ModelBundle { try ModelBundle.load(contentsOf: url(kind)) }

    /// The 200 sample declarations the reference bundles are checked against.
    static func sample(schema: DeclarationSchema) throws -> DeclarationTable {
        try DeclarationReader.read(contentsOf: directory.appendingPathComponent("sample-declarations.csv"),
                                   schema: schema).table
    }

    /// Raw scores and per-feature contributions of `table` under `bundle`, on one thread.
    static func predictAndExplain(_ bundle: ModelBundle, _ table: DeclarationTable) throws
        -> (raw: [Double], contributions: [Double], base: Double) {
        let matrix = try bundle.pipeline.transform(table, for: bundle.model.featureKind, threadCount: 1)
        switch bundle.model {
        case .boostedTrees(let model):
            let raw = try model.rawScores(matrix, threadCount: 1)
            let c = try TreeExplainer(model: model).contributions(for: matrix, threadCount: 1)
            return (raw, c.contributions, c.baseValue)
        case .logistic(let model):
            let raw = try model.rawScores(matrix)
            let c = try LinearExplainer(intercept: model.intercept, coefficients: model.coefficients,
                                        reference: model.featureMeans).contributions(for: matrix, threadCount: 1)
            return (raw, c.contributions, c.baseValue)
        }
    }

    // MARK: - Editing a bundle's JSON

    /// The `content` object of a bundle file, as Foundation JSON values.
    static func content(of data: Data) throws -> [String: Any] {
        let document = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        return document["content"] as! [String: Any]
    }

    /// Wraps edited content in a new envelope whose checksum matches it, so only the edit is wrong.
    ///
    /// - Parameter replacing: Text substitutions applied to the serialized content before hashing
    ///   (how to put numbers such as `1e999` in, which `JSONSerialization` cannot write).
    static func wrap(_ content: [String: Any], version: String = "1.0.0",
                     replacing: [(String, String)] = []) throws -> Data {
        var body = String(decoding: try JSONSerialization.data(withJSONObject: content,
                                                               options: [.sortedKeys, .withoutEscapingSlashes]),
                          as: UTF8.self)
        for (old, new) in replacing {
            precondition(body.contains(old), "the serialized content has no \(old)")
            body = body.replacingOccurrences(of: old, with: new)
        }
        let bytes = Data(body.utf8)
        var out = Data("{\"content\":".utf8)
        out.append(bytes)
        out.append(Data((",\"format\":\"\(BundleDocument.formatName)\",\"format_version\":\"\(version)\","
                         + "\"sha256\":\"\(SHA256.hex(of: bytes))\"}\n").utf8))
        return out
    }

    /// Applies `edit` to the first tree of the boosted-trees model in `content`.
    static func editFirstTree(_ content: inout [String: Any], _ edit: (inout [String: Any]) -> Void) {
        var model = content["model"] as! [String: Any]
        var trees = model["boosted_trees"] as! [String: Any]
        var list = trees["trees"] as! [[String: Any]]
        edit(&list[0])
        trees["trees"] = list
        model["boosted_trees"] = trees
        content["model"] = model
    }

    /// The first tree of the reference boosted-trees bundle (to choose nodes for edits).
    static func firstTree() throws -> RegressionTree {
        guard case .boostedTrees(let model) = try bundle("gbt").model else { fatalError("gbt reference is not trees") }
        return model.trees[0]
    }
}

extension Array where Element == Double {
    /// Bit patterns, so that `==` means bit-identical (`-0 ≠ +0`, NaN equal to itself).
    var bitPatterns: [UInt64] { map(\.bitPattern) }
}

import CustomsRisk
import Foundation
import Testing

/// `riskctl inspect` runs the validation `RiskScorer` runs: a hostile bundle (an extra tree 28,000
/// levels deep, re-sealed with a correct checksum) is refused by both with the same one-line error
/// and exit code 1. `score --reasons 0` used to crash building the scorer's TreeSHAP plan.
@Suite struct HostileBundleCommandTests {
    /// The trained gbt bundle of the workspace with a chain tree `depth` splits deep appended.
    static func deepBundle(depth: Int, in w: Workspace) throws -> String {
        let document = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: w.model("gbt"))))
            as! [String: Any]
        var content = document["content"] as! [String: Any]
        var model = content["model"] as! [String: Any]
        var trees = model["boosted_trees"] as! [String: Any]
        let n = 2 * depth + 1
        let chain: [String: Any] = [
            "leftChild": (0..<n).map { $0 % 2 == 0 && $0 < n - 1 ? $0 + 1 : -1 },
            "rightChild": (0..<n).map { $0 % 2 == 0 && $0 < n - 1 ? $0 + 2 : -1 },
            "splitFeature": (0..<n).map { $0 % 2 == 0 && $0 < n - 1 ? ($0 / 2) % 40 : -1 },
            "threshold": [Double](repeating: 0, count: n), "binThreshold": [Int](repeating: 0, count: n),
            "missingGoesLeft": [Bool](repeating: false, count: n), "categoryStart": [Int](repeating: 0, count: n),
            "categoryWordCount": [Int](repeating: 0, count: n), "categoryWords": [Int](),
            "value": [Double](repeating: 0.001, count: n), "cover": [Double](repeating: 1, count: n),
            "gain": [Double](repeating: 0, count: n),
        ]
        trees["trees"] = (trees["trees"] as! [Any]) + [chain]
        model["boosted_trees"] = trees
        content["model"] = model
        let sealed = ModelBundle.seal(contentJSON: try JSONSerialization.data(withJSONObject: content,
                                                                               options: [.sortedKeys]))
        let path = w.path("deep-\(depth).json")
        try sealed.write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func inspectAndScoreRefuseATreeDeeperThanTheLimit() throws {
        let w = try Workspace.shared()
        let model = try Self.deepBundle(depth: 28_000, in: w)
        let trained = try ModelBundle.load(contentsOf: URL(fileURLWithPath: w.model("gbt")))
        guard case .boostedTrees(let trees) = trained.model else { throw CocoaError(.featureUnsupported) }
        let expected = "error: deep-28000.json: content.model.boosted_trees.trees[\(trees.trees.count)]: node 513 is 257 levels deep, over "
            + "the limit of 256 (ModelLimits.maximumDepth). Retrain with a smaller maximumDepth.\n"
        let inspect = try Riskctl.run(["inspect", "--model", model])
        #expect(inspect.exitCode == 1)
        #expect(inspect.standardError == expected)
        let score = try Riskctl.run(["score", "--model", model, "--data", w.test, "--out", w.path("deep-scores.csv"),
                                     "--reasons", "0"])
        #expect(score.exitCode == 1)
        #expect(score.standardError == expected)
    }
}

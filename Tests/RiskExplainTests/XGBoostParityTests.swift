import Foundation
import RiskData
import Testing
@testable import RiskExplain
@testable import RiskTrees

/// Parity with XGBoost's `pred_contribs` on a committed fixture
/// (Tests/Fixtures/Generators/make_shap_fixtures.py: 300 rows × 5 features with 10% NaN,
/// 10 trees of depth 3, binary:logistic).
@Suite("TreeExplainer XGBoost parity")
struct XGBoostParityTests {
    struct Node: Decodable {
        var nodeid: Int
        var cover: Double
        var leaf: Double?
        var split: Int?
        var split_condition: Double?
        var yes: Int?
        var no: Int?
        var missing: Int?
    }

    struct Fixture: Decodable {
        var base_score: Double
        var trees: [[Node]]
        var rows: [[Double?]]
        var contributions: [[Double]]
        var margins: [Double]
    }

    static func loadFixture() throws -> Fixture {
        let url = try #require(Bundle.module.url(forResource: "xgboost_shap", withExtension: "json",
                                                 subdirectory: "Fixtures"))
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    /// Converts an XGBoost dump tree: XGBoost goes to `yes` when `x < split_condition`; for Float
    /// `x`, that is `x <= split_condition.nextDown`. `missing` names the child of NaN.
    static func regressionTree(_ nodes: [Node]) throws -> RegressionTree {
        let index = Dictionary(uniqueKeysWithValues: nodes.enumerated().map { ($1.nodeid, Int32($0)) })
        let n = nodes.count
        var left = [Int32](repeating: -1, count: n), right = left, feature = left
        var threshold = [Float](repeating: 0, count: n), missingLeft = [Bool](repeating: false, count: n)
        var value = [Double](repeating: 0, count: n), cover = value
        for (i, node) in nodes.enumerated() {
            cover[i] = node.cover
            if let leaf = node.leaf {
                value[i] = leaf
                continue
            }
            let yes = try #require(node.yes.flatMap { index[$0] }), no = try #require(node.no.flatMap { index[$0] })
            left[i] = yes
            right[i] = no
            feature[i] = Int32(try #require(node.split))
            threshold[i] = Float(try #require(node.split_condition)).nextDown
            missingLeft[i] = node.missing.flatMap { index[$0] } == yes
        }
        return try RegressionTree(leftChild: left, rightChild: right, splitFeature: feature, threshold: threshold,
                              binThreshold: [UInt8](repeating: 0, count: n), missingGoesLeft: missingLeft,
                              categoryStart: [Int32](repeating: 0, count: n),
                              categoryWordCount: [Int32](repeating: 0, count: n), categoryWords: [],
                              value: value, cover: cover, gain: [Double](repeating: 0, count: n))
    }

    /// Contributions and bias match XGBoost to 1e-6. Why not tighter: XGBoost runs TreeSHAP in
    /// float32 (path weights, cover ratios, node means and the per-feature sums), so its outputs
    /// carry relative errors of ~1e-7 per operation on values of order 1, accumulated over 10 trees;
    /// we compute in Double from the same float32 thresholds, leaves and covers (the dump prints 9
    /// significant digits, which round-trips float32 exactly). The margins match to the same bound.
    /// Observed worst difference over contributions, bias and margins: 4.3e-7.
    @Test func matchesXGBoostPredContribs() throws {
        let fixture = try Self.loadFixture()
        let trees = try fixture.trees.map(Self.regressionTree)
        let p = Double(Float(fixture.base_score))
        let model = try BoostedTreesModel(trees: trees, baseScore: log(p / (1 - p)), objective: .logistic,
                                      featureSchema: .numeric(count: 5))
        let explainer = try TreeExplainer(model: model)
        #expect(fixture.rows.count == 50)
        for (r, rawRow) in fixture.rows.enumerated() {
            let row = rawRow.map { $0.map(Float.init) ?? .nan }
            let explanation = explainer.explain(row)
            let expected = fixture.contributions[r]
            for j in 0..<5 {
                #expect(abs(explanation.contributions[j] - expected[j]) <= 1e-6, "row \(r) feature \(j)")
            }
            #expect(abs(explanation.baseValue - expected[5]) <= 1e-6, "row \(r) bias")
            #expect(abs(explanation.rawScore - fixture.margins[r]) <= 1e-6, "row \(r) margin")
        }
    }
}

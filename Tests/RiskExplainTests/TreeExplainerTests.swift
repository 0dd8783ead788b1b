import RiskData
import RiskTestSupport
import Testing
@testable import RiskExplain
@testable import RiskTrees

@Suite("TreeExplainer")
struct TreeExplainerTests {
    /// Exact TreeSHAP against exponential enumeration. Both are sums of a few dozen products of
    /// doubles of order 1, so they agree to ~1e-14; 1e-10 relative to Σ|φ| leaves room and still
    /// catches any algorithmic slip (those are of order 1e-2 or larger).
    @Test(arguments: [1, 3, 5], [1, 7, 42, 2_026] as [UInt64])
    func matchesBruteForceShapley(maximumDepth: Int, seed: UInt64) throws {
        for (featureCount, zeroCover, consistent) in [(6, false, true), (4, true, true), (6, false, false), (2, true, true)] {
            let model = RandomTrees.model(featureCount: featureCount, treeCount: 3, maximumDepth: maximumDepth,
                                          seed: seed &+ UInt64(featureCount), zeroCoverLeaves: zeroCover,
                                          consistentCovers: consistent)
            let explainer = try TreeExplainer(model: model)
            var generator = SeededGenerator(seed: seed ^ 0xABCD)
            for _ in 0..<20 {
                let row = RandomTrees.row(schema: model.featureSchema, generator: &generator)
                let (base, expected) = BruteForceShapley.explain(model, row)
                let explanation = explainer.explain(row)
                let scale = expected.reduce(abs(base)) { $0 + abs($1) }
                #expect(closeScaled(explanation.baseValue, base, tolerance: 1e-10, scale: scale),
                        "seed \(seed) features \(featureCount) base")
                for j in 0..<featureCount {
                    #expect(closeScaled(explanation.contributions[j], expected[j], tolerance: 1e-10, scale: scale),
                            "seed \(seed) depth \(maximumDepth) feature \(j) row \(row)")
                }
            }
        }
    }

    /// Additivity: base + Σ φ equals the raw score from plain traversal, on thousands of rows of a
    /// bigger model (12 trees, depth 7, 12 features, NaN and unseen categories).
    @Test(arguments: [11, 99] as [UInt64])
    func contributionsAddUpToRawScore(seed: UInt64) throws {
        let model = RandomTrees.model(featureCount: 12, treeCount: 12, maximumDepth: 7, seed: seed)
        let explainer = try TreeExplainer(model: model)
        var generator = SeededGenerator(seed: seed &+ 1)
        for _ in 0..<2_000 {
            let row = RandomTrees.row(schema: model.featureSchema, generator: &generator)
            let explanation = explainer.explain(row)
            let raw = RandomTrees.rawScore(model, row)
            let scale = explanation.contributions.reduce(abs(explanation.baseValue) + abs(raw)) { $0 + abs($1) }
            #expect(explanation.rawScore == raw, "seed \(seed): explainer's raw score differs from traversal")
            #expect(closeScaled(explanation.reconstructedScore, raw, tolerance: 1e-9, scale: scale), "seed \(seed)")
        }
    }

    /// The batch gives bit-identical results for every thread count and equals the one-row API.
    @Test(arguments: [0, 1, 37, 500], [5] as [UInt64])
    func batchIsDeterministicAndMatchesSingleRows(rowCount: Int, seed: UInt64) throws {
        let model = RandomTrees.model(featureCount: 7, treeCount: 10, maximumDepth: 6, seed: seed)
        let explainer = try TreeExplainer(model: model)
        var generator = SeededGenerator(seed: seed)
        let rows = (0..<rowCount).map { _ in RandomTrees.row(schema: model.featureSchema, generator: &generator) }
        let matrix = try FeatureMatrix(rows: rows, schema: model.featureSchema)
        let serial = try explainer.contributions(for: matrix, threadCount: 1)
        for threads in [2, 3, 8] {
            #expect(try explainer.contributions(for: matrix, threadCount: threads) == serial, "threads \(threads)")
        }
        let explanations = try explainer.explain(matrix, threadCount: 2)
        for (r, row) in rows.enumerated() {
            #expect(explanations[r] == explainer.explain(row), "row \(r)")
        }
    }

    /// A single-leaf tree contributes nothing and its value is part of the base value.
    @Test func singleLeafTreeGoesToBaseValue() throws {
        let model = try BoostedTreesModel(trees: [.leaf(value: 0.25, cover: 3)], baseScore: -1,
                                      objective: .logistic, featureSchema: .numeric(count: 2))
        let explanation = try TreeExplainer(model: model).explain([1, .nan])
        #expect(explanation == Explanation(baseValue: -0.75, contributions: [0, 0], rawScore: -0.75))
    }

    /// A stump by hand: covers 3 (left) and 1 (right), values 1 and −1, feature 0 ≤ 0.5, missing right.
    /// E = (3·1 + 1·(−1))/4 = 0.5; a row going left gets φ₀ = 1 − 0.5, a missing value φ₀ = −1 − 0.5.
    @Test(arguments: [(Float(0), 0.5), (Float(2), -1.5), (Float.nan, -1.5)])
    func stumpByHand(x: Float, expected: Double) throws {
        let tree = try RegressionTree(leftChild: [1, -1, -1], rightChild: [2, -1, -1], splitFeature: [0, -1, -1],
                                  threshold: [0.5, 0, 0], binThreshold: [0, 0, 0], missingGoesLeft: [false, false, false],
                                  categoryStart: [0, 0, 0], categoryWordCount: [0, 0, 0], categoryWords: [],
                                  value: [0, 1, -1], cover: [4, 3, 1], gain: [1, 0, 0])
        let model = try BoostedTreesModel(trees: [tree], baseScore: 0, objective: .logistic, featureSchema: .numeric(count: 2))
        let explanation = try TreeExplainer(model: model).explain([x, 7])
        #expect(explanation.baseValue == 0.5)
        // The quadrature algorithm sums the Shapley integral at Gauss nodes: a few ulps of rounding.
        #expect(abs(explanation.contributions[0] - expected) <= 1e-15 * 4 && explanation.contributions[1] == 0)
    }

    /// The explainer is built from a model, which cannot be made from a broken tree: the tree
    /// (or, for split features, the model) refuses it with the one validation's message.
    @Test func corruptTreesNeverReachTheExplainer() throws {
        var arrays = TreeArrays(try RegressionTree(
            leftChild: [1, -1, -1], rightChild: [2, -1, -1], splitFeature: [0, -1, -1], threshold: [0, 0, 0],
            binThreshold: [0, 0, 0], missingGoesLeft: [true, true, true], categoryStart: [0, 0, 0],
            categoryWordCount: [0, 0, 0], categoryWords: [], value: [0, 1, 2], cover: [2, 1, 1], gain: [0, 0, 0]))
        let schema = FeatureSchema.numeric(count: 1)
        func message(_ arrays: TreeArrays) -> String? {
            do {
                _ = try BoostedTreesModel(trees: [.leaf(value: 0, cover: 1), try arrays.tree()], baseScore: 0,
                                          objective: .logistic, featureSchema: schema)
                return nil
            } catch {
                return "\(error)"
            }
        }
        arrays.rightChild = [5, -1, -1]
        #expect(message(arrays) == "node 0: rightChild is 5; expected −1 for a leaf or a node index in 1..<3.")
        arrays.rightChild = [1, -1, -1]
        #expect(message(arrays) == "node 1 is reached twice (again from node 0); a tree has no cycles or shared "
                + "children.")
        arrays.rightChild = [2, -1, -1]
        arrays.splitFeature = [3, -1, -1]
        #expect(message(arrays) == "tree 1: node 0: splitFeature is 3; expected a feature index in 0..<1.")
        arrays.splitFeature = [0, -1, -1]
        arrays.cover = [2, -1, 1]
        #expect(message(arrays) == "node 1: cover is -1.0; expected a finite number ≥ 0.")
        arrays.cover = [2, 1]
        #expect(message(arrays) == "tree has 3 entries in leftChild but 2 in cover; every per-node array needs "
                + "one entry per node.")
        arrays.cover = [2, 1, 1]
        #expect(message(arrays) == nil)
        let tree = try arrays.tree()
        let matrix = FeatureMatrix(rowCount: 2, schema: .numeric(count: 3))
        let explainer = TreeExplainer(model: try BoostedTreesModel(trees: [tree], baseScore: 0, objective: .logistic,
                                                                   featureSchema: schema))
        #expect(throws: RiskExplainError(.shapeMismatch, "The feature matrix has 3 columns; the model expects 1. "
                                         + "Build the matrix with the model's feature pipeline.")) {
            try explainer.contributions(for: matrix, threadCount: 1)
        }
    }
}

import Foundation
import Testing
@testable import RiskTrees

@Suite("Tree invariants")
struct InvariantTests {
    /// Root splits feature 0 at 0.5; node 1 is a leaf; node 2 splits feature 1 on codes {1, 3}.
    static func validTree() -> RegressionTree {
        try! RegressionTree(leftChild: [1, -1, 3, -1, -1], rightChild: [2, -1, 4, -1, -1], splitFeature: [0, -1, 1, -1, -1],
                       threshold: [0.5, 0, 0, 0, 0], binThreshold: [3, 0, 0, 0, 0],
                       missingGoesLeft: [true, false, false, false, false], categoryStart: [0, 0, 0, 0, 0],
                       categoryWordCount: [0, 0, 1, 0, 0], categoryWords: [0b1010], value: [0, -0.1, 0.05, 0.1, 0.0],
                       cover: [4, 2, 2, 1, 1], gain: [1, 0, 0.5, 0, 0])
    }

    @Test("a well-formed tree validates and routes as documented")
    func validTreePasses() throws {
        let tree = Self.validTree()
        _ = try BoostedTreesModel(trees: [tree], baseScore: 0, objective: .logistic, featureSchema: .numeric(count: 2))
        #expect(tree.predict([0.2, 3]) == -0.1)
        #expect(tree.predict([0.7, 3]) == 0.1)
        #expect(tree.predict([0.7, 2]) == 0.0)
        #expect(tree.predict([.nan, 1]) == -0.1)
        #expect(tree.predict([0.7, 70]) == 0.0)   // beyond the bitset ⇒ right
    }

    static let corruptions: [(String, @Sendable (inout TreeArrays) -> Void, String)] = [
        ("short array", { $0.value.removeLast() },
         "tree has 5 entries in leftChild but 4 in value; every per-node array needs one entry per node."),
        ("half leaf", { $0.rightChild[1] = 3 },
         "node 1: leftChild is -1 but rightChild is 3; a node has both children or none (−1 and −1 for a leaf)."),
        ("child out of range", { $0.leftChild[2] = 9 },
         "node 2: leftChild is 9; expected −1 for a leaf or a node index in 1..<5."),
        ("child points to root", { $0.rightChild[2] = 0 },
         "node 2: rightChild is 0; expected −1 for a leaf or a node index in 1..<5."),
        ("shared child", { $0.rightChild[2] = 1 },
         "node 1 is reached twice (again from node 2); a tree has no cycles or shared children."),
        ("cycle", { $0.leftChild[2] = 2 },
         "node 2 is reached twice (again from node 2); a tree has no cycles or shared children."),
        ("non-finite threshold", { $0.threshold[0] = .infinity },
         "node 0: threshold is inf; expected a finite number."),
        ("non-finite value", { $0.value[3] = .nan },
         "node 3: value is nan; expected a finite number."),
        ("negative cover", { $0.cover[4] = -1 },
         "node 4: cover is -1.0; expected a finite number ≥ 0."),
        ("bitset outside words", { $0.categoryStart[2] = 1 },
         "node 2: category bitset 1..<2 is outside categoryWords (1 words)."),
    ]

    @Test("a tree refuses to be made with a broken rule, naming the node", arguments: 0..<corruptions.count)
    func corruptedTreeFails(index: Int) {
        let (_, corrupt, message) = Self.corruptions[index]
        var arrays = TreeArrays(Self.validTree())
        corrupt(&arrays)
        #expect(throws: RiskTreesError(.invalidModel, message)) { try arrays.tree() }
    }

    @Test("orphan nodes are reported")
    func orphan() {
        // Node 2 becomes a leaf, so nodes 3 and 4 are unreachable.
        var arrays = TreeArrays(Self.validTree())
        arrays.leftChild[2] = -1
        arrays.rightChild[2] = -1
        #expect(throws: RiskTreesError(.invalidModel, "node 3 is not reachable from the root.")) { try arrays.tree() }
    }

    @Test("a model checks split features against its schema, naming the tree", arguments: [-3, 2, 7] as [Int32])
    func modelChecksFeatures(feature: Int32) throws {
        var arrays = TreeArrays(Self.validTree())
        arrays.splitFeature[2] = feature
        let broken = try arrays.tree()
        #expect(throws: RiskTreesError(.invalidModel,
                                       "tree 1: node 2: splitFeature is \(feature); expected a feature index in 0..<2.")) {
            try BoostedTreesModel(trees: [Self.validTree(), broken], baseScore: 0, objective: .logistic,
                                  featureSchema: .numeric(count: 2))
        }
        #expect(throws: RiskTreesError(.invalidModel, "baseScore is nan; expected a finite number.")) {
            try BoostedTreesModel(trees: [], baseScore: .nan, objective: .logistic, featureSchema: .numeric(count: 2))
        }
    }

    // MARK: - Decoding

    /// A model decoded by any decoder (here Foundation's, outside `ModelBundle`) validates itself in
    /// `init(from:)`: a cyclic tree or an out-of-range split feature never becomes a value, so
    /// `BoostedTreesPredictor(model:)`, which cannot throw, never walks one.
    @Test("a hostile model decoded outside a bundle is refused",
          arguments: [("cycle", "leftChild", 2, 2, "node 2 is reached twice (again from node 2); a tree has no "
                        + "cycles or shared children."),
                      ("feature", "splitFeature", 2, 9, "tree 1: node 2: splitFeature is 9; expected a feature index "
                        + "in 0..<2.")])
    func hostileModelIsRefusedByDecoding(name: String, field: String, node: Int, value: Int, message: String) throws {
        let model = try BoostedTreesModel(trees: [Self.validTree(), Self.validTree()], baseScore: 0,
                                          objective: .logistic, featureSchema: .numeric(count: 2))
        var json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(model)) as! [String: Any]
        var trees = json["trees"] as! [[String: Any]]
        var array = trees[1][field] as! [Int]
        array[node] = value
        trees[1][field] = array
        json["trees"] = trees
        let data = try JSONSerialization.data(withJSONObject: json)
        #expect(try JSONDecoder().decode(BoostedTreesModel.self, from: JSONEncoder().encode(model)) == model)
        let error = #expect(throws: DecodingError.self, "\(name)") {
            try JSONDecoder().decode(BoostedTreesModel.self, from: data)
        }
        guard case .dataCorrupted(let context) = error else { return }
        #expect(context.debugDescription == message)
        #expect((context.underlyingError as? RiskTreesError)?.code == .invalidModel)
    }

    // MARK: - Limits

    /// `trees` copies of `validTree()` on two features (5 nodes, 1 bitset word each, depth 2, leaf |value| ≤ 0.1).
    static func forest(_ trees: Int, baseScore: Double = 0) -> Parts {
        Parts(trees: Array(repeating: validTree(), count: trees), baseScore: baseScore, featureCount: 2)
    }

    /// The parts of a model, made (and validated) with the limits of a case.
    struct Parts: Sendable {
        var trees: [RegressionTree]
        var baseScore = 0.0
        var featureCount = 2

        func model(limits: ModelLimits) throws -> BoostedTreesModel {
            try BoostedTreesModel(trees: trees, baseScore: baseScore, objective: .logistic,
                                  featureSchema: .numeric(count: featureCount), limits: limits)
        }
    }

    /// Each limit refuses the first model past it and accepts one exactly at it (limits made small so
    /// that small models reach them), with a message naming the limit.
    static let limitCases: [(String, ModelLimits, Parts, Parts, String)] = [
        ("trees", ModelLimits(maximumTreeCount: 3), forest(3), forest(4),
         "the model has 4 trees, over the limit of 3 (ModelLimits.maximumTreeCount)."),
        ("nodes per tree", ModelLimits(maximumNodesPerTree: 5),
         forest(1), Parts(trees: [HardeningTrees.chain(depth: 3)]),
         "tree 0: tree has 7 nodes, over the limit of 5 nodes per tree (ModelLimits.maximumNodesPerTree). "
            + "Retrain with a smaller maximumLeafCount."),
        ("total nodes", ModelLimits(maximumTotalNodeCount: 10), forest(2), forest(3),
         "the trees have 15 nodes in total, over the limit of 10 (ModelLimits.maximumTotalNodeCount)."),
        ("depth", ModelLimits(maximumDepth: 3),
         Parts(trees: [HardeningTrees.chain(depth: 3)]), Parts(trees: [HardeningTrees.chain(depth: 4)]),
         "tree 0: its deepest leaf is 4 levels deep, over the limit of 3 (ModelLimits.maximumDepth). Retrain with a "
            + "smaller maximumDepth."),
        ("features", ModelLimits(maximumFeatureCount: 2), forest(1),
         Parts(trees: [validTree()], featureCount: 3),
         "the model reads 3 features, over the limit of 2 (ModelLimits.maximumFeatureCount)."),
        ("stored category words", ModelLimits(maximumCategoryWordCount: 2), forest(2), forest(3),
         "the trees store 3 category words in total, over the limit of 2 (ModelLimits.maximumCategoryWordCount)."),
        ("raw score magnitude", ModelLimits(maximumRawScoreMagnitude: 0.5), forest(4, baseScore: -0.1),
         forest(5, baseScore: -0.1),
         "|baseScore| plus the largest |leaf value| of every tree is 0.6, over the limit of 0.5 "
            + "(ModelLimits.maximumRawScoreMagnitude); raw scores could overflow."),
        ("empty forest", .standard, forest(1), forest(0),
         "the model has no trees; expected at least one (a model without trees scores every row the same). Retrain."),
    ]

    @Test("every limit refuses the first model past it", arguments: 0..<limitCases.count)
    func limitIsEnforced(index: Int) throws {
        let (_, limits, atLimit, pastLimit, message) = Self.limitCases[index]
        let model = try atLimit.model(limits: limits)
        #expect(model.trees == atLimit.trees)
        #expect(throws: RiskTreesError(.invalidModel, message)) { try pastLimit.model(limits: limits) }
    }

    @Test("a split's bitset past the per-split limit is refused")
    func bitsetPerSplitLimit() throws {
        let limits = ModelLimits(maximumCategoryWordsPerSplit: 1)
        var arrays = TreeArrays(Self.validTree())
        arrays.categoryWords = [0b1010, 0]
        _ = try arrays.tree(limits: limits)
        arrays.categoryWordCount[2] = 2
        #expect(throws: RiskTreesError(.invalidModel, "node 2: categoryWordCount is 2, over the limit of 1 words per "
                                       + "split (ModelLimits.maximumCategoryWordsPerSplit, category codes below 64).")) {
            try arrays.tree(limits: limits)
        }
        // A tree made with the standard limits, in a model held to tighter ones.
        #expect(throws: RiskTreesError(.invalidModel, "tree 0: a split's bitset has 2 words, over the limit of 1 words "
                                       + "per split (ModelLimits.maximumCategoryWordsPerSplit, category codes below 64).")) {
            try Parts(trees: [try arrays.tree()]).model(limits: limits)
        }
    }

    @Test("the depth the validation measures is the deepest leaf")
    func validatedDepth() throws {
        let model = try Parts(trees: [Self.validTree(), HardeningTrees.chain(depth: 9)]).model(limits: .standard)
        #expect(model.maximumDepth == 9)
        #expect(model.trees.map(\.depth) == [2, 9])
    }
}

/// Trees of a given shape for the limit tests.
enum HardeningTrees {
    /// A chain of `depth` numeric splits on feature 0 (internal node k at index 2k, its left child a
    /// leaf, its right child the next split); the deepest leaf is `depth` levels down.
    static func chain(depth: Int) -> RegressionTree {
        let n = 2 * depth + 1
        var left = [Int32](repeating: -1, count: n), right = left, feature = left
        for k in 0..<depth {
            left[2 * k] = Int32(2 * k + 1)
            right[2 * k] = Int32(2 * k + 2)
            feature[2 * k] = 0
        }
        return try! RegressionTree(leftChild: left, rightChild: right, splitFeature: feature,
                              threshold: (0..<n).map { Float($0) }, binThreshold: [UInt8](repeating: 0, count: n),
                              missingGoesLeft: [Bool](repeating: false, count: n),
                              categoryStart: [Int32](repeating: 0, count: n),
                              categoryWordCount: [Int32](repeating: 0, count: n), categoryWords: [],
                              value: [Double](repeating: 0.01, count: n), cover: [Double](repeating: 1, count: n),
                              gain: [Double](repeating: 0, count: n))
    }
}

import Testing
@testable import RiskTrees

@Suite("Tree invariants")
struct InvariantTests {
    /// Root splits feature 0 at 0.5; node 1 is a leaf; node 2 splits feature 1 on codes {1, 3}.
    static func validTree() -> RegressionTree {
        RegressionTree(leftChild: [1, -1, 3, -1, -1], rightChild: [2, -1, 4, -1, -1], splitFeature: [0, -1, 1, -1, -1],
                       threshold: [0.5, 0, 0, 0, 0], binThreshold: [3, 0, 0, 0, 0],
                       missingGoesLeft: [true, false, false, false, false], categoryStart: [0, 0, 0, 0, 0],
                       categoryWordCount: [0, 0, 1, 0, 0], categoryWords: [0b1010], value: [0, -0.1, 0.05, 0.1, 0.0],
                       cover: [4, 2, 2, 1, 1], gain: [1, 0, 0.5, 0, 0])
    }

    @Test("a well-formed tree validates and routes as documented")
    func validTreePasses() throws {
        let tree = Self.validTree()
        try tree.validate(featureCount: 2)
        #expect(tree.predict([0.2, 3]) == -0.1)
        #expect(tree.predict([0.7, 3]) == 0.1)
        #expect(tree.predict([0.7, 2]) == 0.0)
        #expect(tree.predict([.nan, 1]) == -0.1)
        #expect(tree.predict([0.7, 70]) == 0.0)   // beyond the bitset ⇒ right
    }

    static let corruptions: [(String, @Sendable (inout RegressionTree) -> Void, String)] = [
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
        ("feature out of range", { $0.splitFeature[0] = 7 },
         "node 0: splitFeature is 7; expected a feature index in 0..<2."),
        ("non-finite threshold", { $0.threshold[0] = .infinity },
         "node 0: threshold is inf; expected a finite number."),
        ("non-finite value", { $0.value[3] = .nan },
         "node 3: value is nan; expected a finite number."),
        ("negative cover", { $0.cover[4] = -1 },
         "node 4: cover is -1.0; expected a finite number ≥ 0."),
        ("bitset outside words", { $0.categoryStart[2] = 1 },
         "node 2: category bitset 1..<2 is outside categoryWords (1 words)."),
    ]

    @Test("validate() names the node and the broken rule", arguments: 0..<corruptions.count)
    func corruptedTreeFails(index: Int) {
        let (_, corrupt, message) = Self.corruptions[index]
        var tree = Self.validTree()
        corrupt(&tree)
        #expect(throws: RiskTreesError(.invalidModel, message)) { try tree.validate(featureCount: 2) }
    }

    @Test("orphan nodes are reported")
    func orphan() {
        // Node 2 becomes a leaf, so nodes 3 and 4 are unreachable.
        var tree = Self.validTree()
        tree.leftChild[2] = -1
        tree.rightChild[2] = -1
        #expect(throws: RiskTreesError(.invalidModel, "node 3 is not reachable from the root.")) {
            try tree.validate(featureCount: 2)
        }
    }

    @Test("BoostedTreesModel.validate() prefixes the tree index")
    func modelValidate() throws {
        var broken = Self.validTree()
        broken.splitFeature[2] = -3
        let model = BoostedTreesModel(trees: [Self.validTree(), broken], baseScore: 0, objective: .logistic,
                                      featureSchema: .numeric(count: 2))
        #expect(throws: RiskTreesError(.invalidModel,
                                       "tree 1: node 2: splitFeature is -3; expected a feature index in 0..<2.")) {
            try model.validate()
        }
        let badBase = BoostedTreesModel(trees: [], baseScore: .nan, objective: .logistic,
                                        featureSchema: .numeric(count: 2))
        #expect(throws: RiskTreesError(.invalidModel, "baseScore is nan; expected a finite number.")) {
            try badBase.validate()
        }
    }
}

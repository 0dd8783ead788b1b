import RiskData
import RiskTrees

/// Exact path-dependent TreeSHAP for a `BoostedTreesModel`.
///
/// Computes, for one row, the Shapley value of every feature for the game
/// `v(S) = E[f(x) | x_S]`, where the conditional expectation is the tree's own: at a split on a
/// feature in `S` the row follows its branch; at a split on a feature outside `S` both branches are
/// averaged with weights `cover(child) / cover(node)` (the training hessian mass). This is
/// algorithm 2 of Lundberg, Erion & Lee (2018), "Consistent Individualized Feature Attribution
/// for Tree Ensembles", the definition used by `shap.TreeExplainer(feature_perturbation:
/// "tree_path_dependent")`, XGBoost's `pred_contribs` and LightGBM's `pred_contrib`.
///
/// The branch a row takes ("hot" child) follows `RegressionTree.goesLeft`: a missing value (NaN)
/// goes the learned missing direction, a numeric value goes left when `x <= threshold`, a
/// categorical code goes left when its bit is set (unseen codes go right).
///
/// Invariant: `baseValue + Σ contributions == rawScore` up to rounding (1e-9 relative, tested).
/// The explainer is an immutable `Sendable` value: share one across threads.
///
/// Two exact algorithms compute the same values (see `Algorithm`, Docs/Explanations.md): Gauss–
/// Legendre quadrature of the Shapley integral (Linear TreeShap's identity, Yu et al. 2022) with a
/// precomputed per-edge plan, chosen when paths have ≤ 32 distinct features and the plan fits in
/// `quadratureByteBudget`; otherwise the path recursion.
///
/// - Complexity: per row, O(*T* · *N* · *D*) with the quadrature (*N* nodes per tree, vectors of
///   ≈ *D*/2 lanes), O(*T* · *L* · *D*²) with the path recursion (*L* leaves, depth *D*); no
///   allocation per row (the workspace lives on the stack).
public struct TreeExplainer: Sendable {
    /// One node of the flattened ensemble, with what TreeSHAP needs precomputed.
    package struct Node: Sendable {
        /// Absolute index of the left child in `nodes`, or -1 for a leaf.
        var leftChild: Int32
        /// Absolute index of the right child in `nodes`, or -1 for a leaf.
        var rightChild: Int32
        /// Split feature (internal nodes).
        var feature: Int32
        /// Number of 64-bit words of the category bitset; 0 for numeric splits.
        var categoryWordCount: Int32
        /// Start of the category bitset in `categoryWords`.
        var categoryStart: Int32
        /// Numeric threshold: go left when `x <= threshold`.
        var threshold: Float
        /// Direction of a missing value.
        var missingGoesLeft: Bool
        /// Leaf output (raw-score units, learning rate included).
        var value: Double
        /// `cover(left) / cover(node)`: the share of training mass going left (0 when the node has no cover).
        var leftFraction: Double
        /// `cover(right) / cover(node)`.
        var rightFraction: Double
    }

    /// Schema of the rows this explainer accepts.
    public let featureSchema: FeatureSchema
    /// Expected raw score: `baseScore + Σ_t E[tree_t]`, each tree's expectation taken over its
    /// leaves with cover-ratio weights.
    public let baseValue: Double
    /// The model's initial raw score.
    public let baseScore: Double
    /// Expected output of each tree (cover-weighted mean leaf value), in tree order.
    public let treeExpectedValues: [Double]
    /// Deepest root-to-leaf path over all trees, in edges.
    public let maximumDepth: Int

    package let nodes: [Node]
    package let categoryWords: [UInt64]
    package let roots: [Int32]
    /// Path elements the recursion needs: (D + 2)(D + 3)/2 plus the root's parent slot.
    package let pathCapacity: Int
    /// `1 / k` for `k` in `0...maximumDepth + 2` (entry 0 is 0, never used).
    package let reciprocals: [Double]
    /// The precomputed quadrature plan when that algorithm was chosen (see `algorithm`).
    package let quadrature: QuadraturePlan?
    /// Bytes of per-call workspace `accumulate` needs (path elements or quadrature vectors).
    package let workspaceByteCount: Int
    /// Exact contributions tabulated by answer pattern for trees that ask few distinct questions
    /// (symmetric trees, small trees); nil when none is (see ShapTables.swift).
    package internal(set) var tables: ShapTables?

    /// Number of trees explained by table lookup rather than by the kernel.
    public var tabulatedTreeCount: Int { tables?.tabulatedTreeCount ?? 0 }

    /// How contributions are computed; both give the same values (to ~1e-13 relative, tested).
    package enum Algorithm: Sendable, Hashable {
        /// Lundberg et al.'s path recursion: O(*T* · *L* · *D*²) per row, no precomputation.
        case pathRecursion
        /// Gauss–Legendre quadrature of the Shapley integral: O(*T* · *N* · *n*) per row for *N*
        /// nodes per tree and *n* lanes (`laneCount` ≥ distinct features per path / 2).
        case quadrature(laneCount: Int)
    }

    /// The algorithm `init(model:)` chose.
    package var algorithm: Algorithm {
        quadrature.map { .quadrature(laneCount: $0.laneCount) } ?? .pathRecursion
    }

    /// Largest quadrature plan `init(model:)` builds: 256 MiB. The plan takes about
    /// (56 + 8n) bytes per node plus 16n per repeated-feature edge: 200 trees × 125 nodes with
    /// n = 8 lanes is ≈ 3.5 MB, so the budget only bites on models of millions of nodes.
    package static let quadratureByteBudget = 256 << 20

    /// Number of features a row must have.
    public var featureCount: Int { featureSchema.columns.count }

    /// Flattens a model (valid by construction: see `BoostedTreesModel`) and precomputes cover ratios and each tree's expected value.
    ///
    /// The algorithm is chosen here: the quadrature algorithm (O(*T* · *N* · *D*) per row, see
    /// Docs/Explanations.md) when no root-to-leaf path has more than 32 distinct features and its
    /// precomputed plan fits in `quadratureByteBudget`; otherwise the path recursion
    /// (O(*T* · *L* · *D*²) per row, no precomputation). Both compute the same values. Nothing is
    /// checked again: the validation bounds every size used here (depth ≤ `ModelLimits.maximumDepth`,
    /// which bounds the recursion of the plan builder and of both kernels and the per-row workspace).
    ///
    /// - Complexity: O(total nodes · *D*).
    public init(model: BoostedTreesModel) {
        self.init(model: model, allowQuadrature: true, allowTables: true)
    }

    /// Same as `init(model:)`; `allowQuadrature: false` forces the path recursion and
    /// `allowTables: false` the kernel for every tree (tests compare them).
    package init(model: BoostedTreesModel, allowQuadrature: Bool, allowTables: Bool = true) {
        let featureCount = model.featureCount
        var nodes: [Node] = []
        nodes.reserveCapacity(model.trees.reduce(0) { $0 + $1.nodeCount })
        var categoryWords: [UInt64] = []
        var roots: [Int32] = []
        var expected: [Double] = []
        for tree in model.trees {
            let flat = Self.flatten(tree, nodeOffset: nodes.count, wordOffset: categoryWords.count)
            roots.append(Int32(nodes.count))
            nodes += flat.nodes
            categoryWords += tree.categoryWords
            expected.append(flat.expectedValue)
        }
        let maximumDepth = model.maximumDepth
        self.featureSchema = model.featureSchema
        self.baseScore = model.baseScore
        self.treeExpectedValues = expected
        self.baseValue = expected.reduce(model.baseScore, +)
        self.maximumDepth = maximumDepth
        self.nodes = nodes
        self.categoryWords = categoryWords
        self.roots = roots
        self.pathCapacity = (maximumDepth + 2) * (maximumDepth + 3) / 2 + 1
        self.reciprocals = (0...(maximumDepth + 2)).map { $0 == 0 ? 0 : 1 / Double($0) }
        let plan = allowQuadrature ? Self.quadraturePlan(nodes: nodes, roots: roots, featureCount: featureCount)
            : nil
        self.quadrature = plan
        if let plan {
            self.workspaceByteCount = (maximumDepth + 1) * (plan.laneCount * 8 + 1)
        } else {
            self.workspaceByteCount = pathCapacity * MemoryLayout<PathElement>.stride
        }
        self.tables = nil
        if allowTables && featureCount > 0 {
            let tables = ShapTables(explainer: self)
            self.tables = tables.tabulatedTreeCount > 0 ? tables : nil
        }
    }

    /// The quadrature plan when paths have at most 32 distinct features and the plan fits the budget.
    private static func quadraturePlan(nodes: [Node], roots: [Int32], featureCount: Int) -> QuadraturePlan? {
        guard featureCount > 0 else { return nil }
        let distinct = QuadraturePlan.maximumDistinctFeatures(nodes: nodes, roots: roots, featureCount: featureCount)
        guard let lanes = QuadraturePlan.laneCount(distinctFeatures: distinct) else { return nil }
        // Upper bound before building: every non-root edge a repeated one.
        let bound = nodes.count * (MemoryLayout<QuadratureNode>.stride + 8 * lanes + 16 * lanes)
        guard bound <= quadratureByteBudget else { return nil }
        return QuadraturePlan(nodes: nodes, roots: roots, featureCount: featureCount, laneCount: lanes,
                              maximumDistinctFeatures: distinct)
    }

    /// Converts one tree of a validated model to absolute-index nodes and computes its expected value.
    private static func flatten(_ tree: RegressionTree, nodeOffset: Int, wordOffset: Int)
        -> (nodes: [Node], expectedValue: Double) {
        let count = tree.leftChild.count
        var nodes = [Node](repeating: Node(leftChild: -1, rightChild: -1, feature: -1, categoryWordCount: 0,
                                           categoryStart: 0, threshold: 0, missingGoesLeft: false, value: 0,
                                           leftFraction: 0, rightFraction: 0), count: count)
        var preorder: [Int] = []
        preorder.reserveCapacity(count)
        var stack = [0]
        while let node = stack.popLast() {
            preorder.append(node)
            let left = Int(tree.leftChild[node]), right = Int(tree.rightChild[node])
            if left < 0 {
                nodes[node].value = tree.value[node]
                continue
            }
            let cover = tree.cover[node]
            let words = Int(tree.categoryWordCount[node])
            nodes[node] = Node(
                leftChild: Int32(nodeOffset + left), rightChild: Int32(nodeOffset + right),
                feature: tree.splitFeature[node], categoryWordCount: Int32(words),
                categoryStart: Int32(words == 0 ? 0 : wordOffset + Int(tree.categoryStart[node])),
                threshold: tree.threshold[node], missingGoesLeft: tree.missingGoesLeft[node], value: 0,
                leftFraction: cover > 0 ? tree.cover[left] / cover : 0,
                rightFraction: cover > 0 ? tree.cover[right] / cover : 0)
            stack.append(right)
            stack.append(left)
        }
        // Expected value by the same recursion TreeSHAP uses: E(node) = Σ fraction(child) · E(child).
        var expectation = [Double](repeating: 0, count: count)
        for node in preorder.reversed() {
            let n = nodes[node]
            if n.leftChild < 0 {
                expectation[node] = n.value
            } else {
                expectation[node] = n.leftFraction * expectation[Int(n.leftChild) - nodeOffset]
                    + n.rightFraction * expectation[Int(n.rightChild) - nodeOffset]
            }
        }
        return (nodes, expectation[0])
    }
}

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
/// The branch a row takes ("hot" child) follows `CompiledForest.Layout.goesLeft`: a missing value (NaN)
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

    /// The model's compiled layout, the one TreeSHAP and prediction read (nodes, cover ratios,
    /// category bitsets, leaf values).
    package let forest: CompiledForest
    /// Path elements the recursion needs: (D + 2)(D + 3)/2 plus the root's parent slot.
    package let pathCapacity: Int
    /// `1 / k` for `k` in `0...maximumDepth + 2` (entry 0 is 0, never used).
    package let reciprocals: [Double]
    /// The precomputed quadrature plan when that algorithm was chosen (see `algorithm`).
    package let quadrature: QuadraturePlan?
    /// Bytes of per-call workspace `accumulate` needs (path elements or quadrature vectors).
    package let workspaceByteCount: Int
    /// Exact contributions tabulated by answer pattern for trees that ask few distinct questions
    /// (symmetric trees, small trees); nil when none is (see PatternTables/).
    package internal(set) var tables: ShapTables?

    /// Number of trees explained by table lookup rather than by the kernel.
    public var tabulatedTreeCount: Int { tables?.tabulatedTreeCount ?? 0 }

    /// How one tree's contributions are computed, chosen once per tree when the explainer is built.
    package enum TreeAlgorithm: Sendable, Hashable {
        /// Exact contributions looked up by the row's answer pattern (`PatternTables/`), computed
        /// at build time by the model's kernel; a pattern no row was expected to produce falls back
        /// to the kernel.
        case patternTable
        /// Gauss–Legendre quadrature (`Quadrature/`).
        case quadrature
        /// Lundberg et al.'s path recursion (`Reference/`).
        case pathRecursion
    }

    /// The algorithm of each tree, in tree order.
    package private(set) var treeAlgorithms: [TreeAlgorithm]

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

    /// Builds the explainer on the model's `CompiledForest` and precomputes each tree's expected value.
    ///
    /// The algorithm is chosen here: the quadrature algorithm (O(*T* · *N* · *D*) per row, see
    /// Docs/Explanations.md) when no root-to-leaf path has more than 32 distinct features and its
    /// precomputed plan fits in `quadratureByteBudget`; otherwise the path recursion
    /// (O(*T* · *L* · *D*²) per row, no precomputation). Both compute the same values. Nothing is
    /// checked again: a `BoostedTreesModel` is valid by construction, which bounds every size used
    /// here (depth ≤ `ModelLimits.maximumDepth` bounds the recursion of the plan builder and of both
    /// kernels and the per-row workspace).
    ///
    /// - Complexity: O(total nodes · *D*).
    public init(model: BoostedTreesModel) {
        self.init(model: model, allowQuadrature: true, allowTables: true)
    }

    /// Same as `init(model:)`; `allowQuadrature: false` forces the path recursion and
    /// `allowTables: false` the kernel for every tree (tests compare them).
    package init(model: BoostedTreesModel, allowQuadrature: Bool, allowTables: Bool = true) {
        let forest = CompiledForest(model: model)
        let featureCount = model.featureCount
        let expected = Self.expectedValues(forest)
        let maximumDepth = forest.maximumDepth
        self.featureSchema = model.featureSchema
        self.baseScore = model.baseScore
        self.treeExpectedValues = expected
        self.baseValue = expected.reduce(model.baseScore, +)
        self.maximumDepth = maximumDepth
        self.forest = forest
        self.pathCapacity = (maximumDepth + 2) * (maximumDepth + 3) / 2 + 1
        self.reciprocals = (0...(maximumDepth + 2)).map { $0 == 0 ? 0 : 1 / Double($0) }
        let plan = allowQuadrature ? Self.quadraturePlan(forest: forest, featureCount: featureCount) : nil
        self.quadrature = plan
        if let plan {
            self.workspaceByteCount = (maximumDepth + 1) * (plan.laneCount * 8 + 1)
        } else {
            self.workspaceByteCount = pathCapacity * MemoryLayout<PathElement>.stride
        }
        // The tables are built by running the kernel on representative rows, so they come last.
        let kernel: TreeAlgorithm = plan == nil ? .pathRecursion : .quadrature
        self.treeAlgorithms = [TreeAlgorithm](repeating: kernel, count: forest.roots.count)
        self.tables = nil
        if allowTables && featureCount > 0 {
            let tables = ShapTables(explainer: self)
            self.tables = tables.tabulatedTreeCount > 0 ? tables : nil
            self.treeAlgorithms = tables.tableOfTree.map { $0 >= 0 ? .patternTable : kernel }
        }
    }

    /// The quadrature plan when paths have at most 32 distinct features and the plan fits the budget.
    private static func quadraturePlan(forest: CompiledForest, featureCount: Int) -> QuadraturePlan? {
        guard featureCount > 0 else { return nil }
        let distinct = QuadraturePlan.maximumDistinctFeatures(forest: forest)
        guard let lanes = QuadraturePlan.laneCount(distinctFeatures: distinct) else { return nil }
        // Upper bound before building: every non-root edge a repeated one.
        let bound = forest.nodes.count * (MemoryLayout<QuadratureNode>.stride + 8 * lanes + 16 * lanes)
        guard bound <= quadratureByteBudget else { return nil }
        return QuadraturePlan(forest: forest, laneCount: lanes, maximumDistinctFeatures: distinct)
    }

    /// Each tree's expected value by the recursion TreeSHAP uses, E(node) = Σ fraction(child) · E(child),
    /// bottom-up: in the compiled layout a node's children come after it (breadth-first per tree).
    private static func expectedValues(_ forest: CompiledForest) -> [Double] {
        var expectation = [Double](repeating: 0, count: forest.nodes.count)
        return forest.roots.indices.map { tree in
            let root = Int(forest.roots[tree])
            let end = tree + 1 < forest.roots.count ? Int(forest.roots[tree + 1]) : forest.nodes.count
            for i in (root..<end).reversed() {
                let node = forest.nodes[i]
                if node.isLeaf {
                    expectation[i] = forest.values[i]
                } else {
                    let left = Int(node.leftChild)
                    expectation[i] = forest.coverFractions[left] * expectation[left]
                        + forest.coverFractions[left + 1] * expectation[left + 1]
                }
            }
            return expectation[root]
        }
    }
}

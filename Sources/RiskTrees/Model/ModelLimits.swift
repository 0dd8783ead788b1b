/// Upper bounds on every size a tree model implies, checked when a `RegressionTree` or
/// `BoostedTreesModel` is made or decoded, before anything is built from it (predictor layout,
/// TreeSHAP plans and tables).
///
/// A model file is untrusted input: a bundle re-sealed with a correct checksum is as trusted as any
/// other, so each size it implies is bounded here, and the structures built from a validated model
/// are then bounded by these numbers (see Docs/BundleFormat.md, "Limits", for the memory each
/// implies). Code outside this package sees only `standard`. The standard limits are far above
/// anything `BoostedTrees` trains (at most 100,000 trees of 65,536 leaves, depth ≤ `maximumDepth`, bitsets of ≤ 4 words) and above the largest
/// LightGBM/XGBoost models seen in practice (thousands of trees of up to 10^5 leaves in total of a
/// few million nodes), while keeping the structures of the worst accepted model within a few GB.
public struct ModelLimits: Sendable, Hashable {
    /// Most trees in one model. The trainer's `iterationCount` goes up to 100,000.
    public let maximumTreeCount: Int
    /// Most nodes in one tree: 2^18 − 1, a tree of 131,072 leaves (LightGBM's largest `num_leaves`;
    /// the trainer's `maximumLeafCount` stops at 65,536).
    public let maximumNodesPerTree: Int
    /// Most nodes over all trees: 2^24 (≈ 16.8 million). Building the scorer takes ≈ 100–150 bytes per
    /// node (predictor layout, TreeSHAP nodes and plan), so ≤ ≈ 2.5 GB at the limit; a 1 GiB bundle
    /// (the default file limit) holds fewer nodes than this anyway.
    public let maximumTotalNodeCount: Int
    /// Deepest leaf (edges from the root). TreeSHAP's per-row workspace grows with depth² (the path
    /// recursion keeps (D + 2)(D + 3)/2 path elements: ≈ 1 MB at 256) and its kernels recurse once per
    /// level, so depth is bounded before anything is built. The trainer stops leaf-wise growth at this
    /// depth when no `maximumDepth` is set; depth-wise and symmetric trees stop at 64 and 16.
    public let maximumDepth: Int
    /// Most features a row has: 16,384, four per column of the CSV reader's 4,096-column limit (the
    /// pipeline makes one to three per declaration column). Per-row buffers and TreeSHAP outputs
    /// scale with it; the predictor stores feature indices in 16 bits.
    public let maximumFeatureCount: Int
    /// Most 64-bit words in one categorical split's bitset: 1,024 (category codes 0..<65,536). The
    /// trainer writes at most 4 (254 categories with their own bin).
    public let maximumCategoryWordsPerSplit: Int
    /// Most category words over the model, counted both as stored (every tree's `categoryWords`) and
    /// as referenced (Σ over categorical splits of their bitset length, so a bitset shared by many
    /// nodes counts once per node): 2^24 words (128 MiB). Bounds what layouts copy and compare.
    public let maximumCategoryWordCount: Int
    /// Largest `|baseScore| + Σ over trees of the largest |leaf value|`, which bounds every raw score
    /// the model can give: 10^12. Log-odds past ±40 are already probabilities of 0 or 1 to 17
    /// digits, and a squared-error model of amounts up to 10^12 still fits; what matters is that every
    /// raw score, TreeSHAP contribution and sum of them stays finite with room to spare.
    public let maximumRawScoreMagnitude: Double

    /// Custom limits, for tests (smaller ones make a limit reachable with small models). Not public:
    /// callers cannot raise a bound that the TreeSHAP kernels' recursion and workspaces rely on.
    package init(maximumTreeCount: Int = 100_000, maximumNodesPerTree: Int = (1 << 18) - 1,
                maximumTotalNodeCount: Int = 1 << 24, maximumDepth: Int = 256, maximumFeatureCount: Int = 16_384,
                maximumCategoryWordsPerSplit: Int = 1_024, maximumCategoryWordCount: Int = 1 << 24,
                maximumRawScoreMagnitude: Double = 1e12) {
        self.maximumTreeCount = maximumTreeCount
        self.maximumNodesPerTree = maximumNodesPerTree
        self.maximumTotalNodeCount = maximumTotalNodeCount
        self.maximumDepth = maximumDepth
        self.maximumFeatureCount = maximumFeatureCount
        self.maximumCategoryWordsPerSplit = maximumCategoryWordsPerSplit
        self.maximumCategoryWordCount = maximumCategoryWordCount
        self.maximumRawScoreMagnitude = maximumRawScoreMagnitude
    }

    /// The limits every bundle is loaded, validated and scored with.
    public static let standard = ModelLimits()
}

import RiskData

/// How a tree grows.
public enum GrowthPolicy: String, Sendable, Hashable, Codable {
    /// Best-first: always split the leaf with the largest gain (LightGBM), up to `maximumLeafCount`.
    case leafWise = "leaf_wise"
    /// Level by level: split every splittable leaf of a depth before going deeper (XGBoost's
    /// default), up to `maximumDepth` and `maximumLeafCount`.
    case depthWise = "depth_wise"
    /// Symmetric (oblivious) trees: every node of a level splits on the same feature and threshold
    /// (CatBoost's `SymmetricTree`), `maximumDepth` levels (6 when unset) and up to 2^depth leaves;
    /// `maximumLeafCount` does not apply. Such a tree is a lookup table on `depth` yes/no questions,
    /// so `TreeExplainer` precomputes its exact TreeSHAP values for every answer pattern: explaining
    /// a row costs about as much as predicting it (Docs/Trees.md, Docs/Explanations.md).
    case symmetric
}

/// The validation metric early stopping watches.
public enum EarlyStoppingMetric: String, Sendable, Hashable, Codable {
    /// Weighted binary log loss (lower is better). Logistic objective only.
    case logLoss = "log_loss"
    /// Weighted area under the ROC curve (higher is better).
    case auc
    /// Weighted mean squared error of the raw score (lower is better).
    case meanSquaredError = "mean_squared_error"
}

/// Hyperparameters of gradient-boosted trees.
///
/// Defaults are tuned for customs targeting data: imbalanced (a few % infractions), a few dozen
/// features, hundreds of thousands of rows. They favour a slower learning rate with early
/// stopping on AUC, moderate leaves, and row/column subsampling for robustness. Every parameter
/// is checked by `validate()`; see Docs/Trees.md for the meaning and the LightGBM equivalent.
public struct BoostedTreesConfiguration: Sendable, Hashable, Codable {
    /// Number of boosting rounds (trees). Valid: `1...100_000`. Default 500.
    public var iterationCount: Int = 500
    /// Shrinkage applied to every leaf value. Valid: `(0, 1]`. Default 0.05.
    public var learningRate: Double = 0.05
    /// Maximum number of leaves per tree. Valid: `2...65_536`. Default 31.
    public var maximumLeafCount: Int = 31
    /// Maximum depth of a tree (root = depth 0); `nil` = the model limit, `ModelLimits.maximumDepth`
    /// (256; 6 for symmetric trees). Valid: `1...64`,
    /// `1...16` for symmetric trees. Default nil.
    public var maximumDepth: Int? = nil
    /// Leaf-wise (best-first) or depth-wise growth. Default `.leafWise`.
    public var growthPolicy: GrowthPolicy = .leafWise
    /// Minimum Σ hessian in a child (LightGBM `min_sum_hessian_in_leaf`). Valid: `≥ 0`. Default 1e-3.
    public var minimumChildWeight: Double = 1e-3
    /// Minimum number of training rows in a child (LightGBM `min_data_in_leaf`). Valid: `≥ 1`. Default 40.
    public var minimumSamplesPerLeaf: Int = 40
    /// L2 penalty λ on leaf values (LightGBM `lambda_l2`). Valid: `≥ 0`. Default 1.
    public var l2Regularization: Double = 1
    /// A split must reduce the loss by more than this (LightGBM `min_gain_to_split`). Valid: `≥ 0`. Default 0.
    public var minimumSplitGain: Double = 0
    /// Fraction of rows drawn (without replacement, seeded) for each tree. Valid: `(0, 1]`. Default 0.8.
    public var rowSubsample: Double = 0.8
    /// Fraction of features drawn (seeded) for each tree. Valid: `(0, 1]`. Default 0.8.
    public var columnSubsample: Double = 0.8
    /// Maximum number of value bins per feature, not counting the missing-value bin. Valid: `2...255`.
    /// Default 255.
    public var binCount: Int = 255
    /// Number of rows (seeded subsample) used to find quantile bin edges. Valid: `≥ 1`. Default 200 000.
    public var binningSampleCount: Int = 200_000
    /// Maximum number of categories on the left of a categorical split (LightGBM `max_cat_threshold`).
    /// Valid: `1...255`. Default 32.
    public var maximumCategoriesPerSplit: Int = 32
    /// Added to Σ hessian when ordering categories by Σ gradient / Σ hessian (LightGBM `cat_smooth`).
    /// Valid: `≥ 0`. Default 10.
    public var categoricalSmoothing: Double = 10
    /// A category needs this many rows in the node to take part in a split, and each side of a
    /// categorical split needs this many rows (LightGBM `min_data_per_group`). Valid: `≥ 1`. Default 50.
    public var minimumSamplesPerCategory: Int = 50
    /// Stop when the validation metric has not improved for this many rounds; `nil` = never.
    /// Only used when a validation set is given. Valid: `≥ 1`. Default 50.
    public var earlyStoppingRounds: Int? = 50
    /// Metric early stopping watches. Default `.auc` (targeting ranks declarations).
    public var earlyStoppingMetric: EarlyStoppingMetric = .auc
    /// Multiplier of the weight of positive rows (LightGBM `scale_pos_weight`). Valid: `> 0`. Default 1
    /// (keeps probabilities calibrated).
    public var positiveClassWeight: Double = 1
    /// Loss function. Default `.logistic`.
    public var objective: ObjectiveKind = .logistic
    /// Number of threads. Results do not depend on it. Valid: `1...1024`. Default: active processors.
    public var threadCount: Int = ParallelLoop.processorCount
    /// Seed of every random choice (binning sample, row and column subsamples).
    public var randomSeed: UInt64 = 42
    /// Monotone constraints by feature name, as LightGBM's `monotone_constraints`: `1` = the
    /// prediction never decreases when the feature grows (all else equal), `-1` = never increases,
    /// `0` or absent = free. Honoured exactly by every growth policy: a split on a constrained
    /// feature is kept only when its children's values are in order, and the values below it are
    /// bounded by the midpoint of the two (LightGBM's "basic" method); missing values are not
    /// ordered and stay free. Numeric features only.
    public var monotoneConstraints: [String: Int] = [:]

    /// The defaults described on each property.
    public init() {}

    /// Checks every parameter.
    ///
    /// - Throws: `RiskTreesError` `.invalidParameter` naming the first bad parameter, its value and
    ///   the valid range.
    /// - Complexity: O(1).
    public func validate() throws {
        try Self.check("iterationCount", iterationCount, 1...100_000)
        try Self.check("learningRate", learningRate, valid: learningRate > 0 && learningRate <= 1, range: "(0, 1]")
        try Self.check("maximumLeafCount", maximumLeafCount, 2...65_536)
        if let depth = maximumDepth {
            try Self.check("maximumDepth", depth, 1...64)
            if growthPolicy == .symmetric && depth > 16 {
                throw RiskTreesError(.invalidParameter,
                                     "maximumDepth is \(depth); symmetric trees take 1...16 (a symmetric tree of depth D "
                                        + "has 2^D leaves). Lower maximumDepth or use leaf-wise growth.")
            }
        }
        try Self.check("minimumChildWeight", minimumChildWeight, valid: minimumChildWeight >= 0, range: "[0, ∞)")
        try Self.check("minimumSamplesPerLeaf", minimumSamplesPerLeaf, 1...Int(Int32.max))
        try Self.check("l2Regularization", l2Regularization, valid: l2Regularization >= 0, range: "[0, ∞)")
        try Self.check("minimumSplitGain", minimumSplitGain, valid: minimumSplitGain >= 0, range: "[0, ∞)")
        try Self.check("rowSubsample", rowSubsample, valid: rowSubsample > 0 && rowSubsample <= 1, range: "(0, 1]")
        try Self.check("columnSubsample", columnSubsample, valid: columnSubsample > 0 && columnSubsample <= 1,
                       range: "(0, 1]")
        try Self.check("binCount", binCount, 2...255)
        try Self.check("binningSampleCount", binningSampleCount, 1...Int(Int32.max))
        try Self.check("maximumCategoriesPerSplit", maximumCategoriesPerSplit, 1...255)
        try Self.check("categoricalSmoothing", categoricalSmoothing, valid: categoricalSmoothing >= 0,
                       range: "[0, ∞)")
        try Self.check("minimumSamplesPerCategory", minimumSamplesPerCategory, 1...Int(Int32.max))
        if let rounds = earlyStoppingRounds { try Self.check("earlyStoppingRounds", rounds, 1...100_000) }
        try Self.check("positiveClassWeight", positiveClassWeight, valid: positiveClassWeight > 0, range: "(0, ∞)")
        try Self.check("threadCount", threadCount, 1...1024)
        for (name, direction) in monotoneConstraints.sorted(by: { $0.key < $1.key }) where !(-1...1).contains(direction) {
            throw RiskTreesError(.invalidParameter, "monotone constraint of feature \"\(name)\" is \(direction); "
                                 + "expected 1 (increasing), -1 (decreasing) or 0 (free).")
        }
        if objective == .squaredError && earlyStoppingMetric == .logLoss {
            throw RiskTreesError(.invalidParameter,
                                 "earlyStoppingMetric is log_loss but objective is squared_error; log loss needs "
                                 + "the logistic objective. Use mean_squared_error or auc.")
        }
    }

    private static func check(_ name: String, _ value: Int, _ range: ClosedRange<Int>) throws {
        guard range.contains(value) else {
            throw RiskTreesError(.invalidParameter,
                                 "\(name) is \(value); expected an integer in "
                                    + "\(range.lowerBound)...\(range.upperBound).")
        }
    }

    private static func check(_ name: String, _ value: Double, valid: Bool, range: String) throws {
        guard valid, value.isFinite else {
            throw RiskTreesError(.invalidParameter, "\(name) is \(value); expected a finite number in \(range).")
        }
    }
}

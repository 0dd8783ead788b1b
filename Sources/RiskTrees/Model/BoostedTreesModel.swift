import RiskData

/// The link between the raw additive score and the prediction.
public enum ObjectiveKind: String, Sendable, Hashable, Codable {
    /// Binary log loss; raw score = log-odds, prediction = sigmoid(raw).
    case logistic
    /// Squared error; raw score = prediction.
    case squaredError = "squared_error"
}

/// A trained, validated gradient-boosted tree ensemble.
///
/// Raw score of a row = `baseScore + Σ tree outputs` (leaf values already include the learning
/// rate). For `.logistic` the raw score is in log-odds.
///
/// Validity is part of the type: decoding and the package initialiser check the base score, the
/// model-wide bounds of `ModelLimits`, every tree (each `RegressionTree` checks itself) and every
/// split feature against `featureSchema`, so the predictor and TreeSHAP are built from any value
/// of this type without checking again.
public struct BoostedTreesModel: Sendable, Hashable, Codable {
    /// The trees, in boosting order.
    public let trees: [RegressionTree]
    /// Initial raw score (log-odds of the weighted prior for `.logistic`).
    public let baseScore: Double
    /// Objective the model was trained with.
    public let objective: ObjectiveKind
    /// Schema of the feature matrix the model expects (same columns, same order).
    public let featureSchema: FeatureSchema

    /// Validates the parts and makes a model of them.
    ///
    /// Model-wide, before any tree is read: a finite base score; at least one tree (an empty forest
    /// would score every declaration the same); at most `limits.maximumTreeCount` trees,
    /// `limits.maximumTotalNodeCount` nodes, `limits.maximumFeatureCount` features and
    /// `limits.maximumCategoryWordCount` category words stored. Then per tree: its per-tree bounds of
    /// `limits` (each tree checked itself when made), split features in `0..<featureCount`, the
    /// category words referenced by all splits, and `|baseScore| + Σ_trees max |leaf|` ≤
    /// `limits.maximumRawScoreMagnitude`, so every raw score the model can give is finite.
    ///
    /// - Throws: `RiskTreesError` `.invalidModel`; for a broken tree the message starts with `tree <index>: `.
    /// - Complexity: O(trees + split nodes).
    package init(trees: [RegressionTree], baseScore: Double, objective: ObjectiveKind, featureSchema: FeatureSchema,
                 limits: ModelLimits = .standard) throws {
        self.trees = trees
        self.baseScore = baseScore
        self.objective = objective
        self.featureSchema = featureSchema
        try validate(limits: limits)
    }

    private enum CodingKeys: String, CodingKey {
        case trees, baseScore, objective, featureSchema
    }

    /// Decodes the model (each tree validates itself) and validates it with `ModelLimits.standard`.
    ///
    /// - Throws: `DecodingError.dataCorrupted` at the model's coding path whose description is the
    ///   validation's one-line message (tree, node, broken rule, bad value).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        do {
            try self.init(trees: c.decode([RegressionTree].self, forKey: .trees),
                          baseScore: c.decode(Double.self, forKey: .baseScore),
                          objective: c.decode(ObjectiveKind.self, forKey: .objective),
                          featureSchema: c.decode(FeatureSchema.self, forKey: .featureSchema))
        } catch let error as RiskTreesError {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message,
                                                    underlyingError: error))
        }
    }

    /// Number of features a row must have.
    public var featureCount: Int { featureSchema.columns.count }

    /// Depth of the deepest leaf over all trees. O(trees).
    public var maximumDepth: Int { trees.reduce(0) { max($0, $1.depth) } }

    private func validate(limits: ModelLimits) throws {
        func invalid(_ message: String) -> RiskTreesError { RiskTreesError(.invalidModel, message) }
        guard baseScore.isFinite else {
            throw invalid("baseScore is \(baseScore); expected a finite number.")
        }
        guard !trees.isEmpty else {
            throw invalid("the model has no trees; expected at least one (a model without trees scores every row the "
                          + "same). Retrain.")
        }
        guard trees.count <= limits.maximumTreeCount else {
            throw invalid("the model has \(trees.count) trees, over the limit of \(limits.maximumTreeCount) "
                          + "(ModelLimits.maximumTreeCount).")
        }
        guard featureCount <= limits.maximumFeatureCount else {
            throw invalid("the model reads \(featureCount) features, over the limit of \(limits.maximumFeatureCount) "
                          + "(ModelLimits.maximumFeatureCount).")
        }
        var nodeCount = 0, storedWords = 0
        for tree in trees {
            nodeCount += tree.nodeCount
            storedWords += tree.categoryWords.count
        }
        guard nodeCount <= limits.maximumTotalNodeCount else {
            throw invalid("the trees have \(nodeCount) nodes in total, over the limit of "
                          + "\(limits.maximumTotalNodeCount) (ModelLimits.maximumTotalNodeCount).")
        }
        guard storedWords <= limits.maximumCategoryWordCount else {
            throw invalid("the trees store \(storedWords) category words in total, over the limit of "
                          + "\(limits.maximumCategoryWordCount) (ModelLimits.maximumCategoryWordCount).")
        }
        var referencedWords = 0, magnitude = abs(baseScore)
        for (index, tree) in trees.enumerated() {
            func invalidTree(_ message: String) -> RiskTreesError { invalid("tree \(index): " + message) }
            // The tree checked itself against the limits it was made with; tighter ones (tests) are checked here.
            let shape = tree.shape
            guard tree.nodeCount <= limits.maximumNodesPerTree else {
                throw invalidTree(RegressionTree.tooManyNodes(tree.nodeCount, limits: limits).message)
            }
            guard shape.depth <= limits.maximumDepth else {
                throw invalidTree("its deepest leaf is \(shape.depth) levels deep, "
                                  + RegressionTree.overDepthLimit(limits))
            }
            guard shape.widestBitset <= limits.maximumCategoryWordsPerSplit else {
                throw invalidTree("a split's bitset has \(shape.widestBitset) words, "
                                  + RegressionTree.overBitsetLimit(limits))
            }
            for node in 0..<tree.nodeCount where tree.leftChild[node] >= 0 {
                let feature = Int(tree.splitFeature[node])
                guard (0..<featureCount).contains(feature) else {
                    throw invalidTree("node \(node): splitFeature is \(feature); expected a feature index in "
                                      + "0..<\(featureCount).")
                }
            }
            referencedWords += shape.referencedCategoryWords
            guard referencedWords <= limits.maximumCategoryWordCount else {
                throw invalid("the categorical splits of trees 0...\(index) reference \(referencedWords) category "
                              + "words (a shared bitset counts once per split), over the limit of "
                              + "\(limits.maximumCategoryWordCount) (ModelLimits.maximumCategoryWordCount).")
            }
            magnitude += shape.largestLeafMagnitude
        }
        guard magnitude <= limits.maximumRawScoreMagnitude else {
            throw invalid("|baseScore| plus the largest |leaf value| of every tree is \(magnitude), over the limit of "
                          + "\(limits.maximumRawScoreMagnitude) (ModelLimits.maximumRawScoreMagnitude); raw scores "
                          + "could overflow.")
        }
    }
}

import RiskData

/// The link between the raw additive score and the prediction.
public enum ObjectiveKind: String, Sendable, Hashable, Codable {
    /// Binary log loss; raw score = log-odds, prediction = sigmoid(raw).
    case logistic
    /// Squared error; raw score = prediction.
    case squaredError = "squared_error"
}

/// A trained gradient-boosted tree ensemble.
///
/// Raw score of a row = `baseScore + Σ tree outputs` (leaf values already include the learning
/// rate). For `.logistic` the raw score is in log-odds.
public struct BoostedTreesModel: Sendable, Hashable, Codable {
    /// The trees, in boosting order.
    public var trees: [RegressionTree]
    /// Initial raw score (log-odds of the weighted prior for `.logistic`).
    public var baseScore: Double
    /// Objective the model was trained with.
    public var objective: ObjectiveKind
    /// Schema of the feature matrix the model expects (same columns, same order).
    public var featureSchema: FeatureSchema

    public init(trees: [RegressionTree], baseScore: Double, objective: ObjectiveKind, featureSchema: FeatureSchema) {
        self.trees = trees
        self.baseScore = baseScore
        self.objective = objective
        self.featureSchema = featureSchema
    }

    /// Number of features a row must have.
    public var featureCount: Int { featureSchema.columns.count }
}

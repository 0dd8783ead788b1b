/// Progress of one boosting round, reported to the `onEvent` callback of `BoostedTrees.fit`.
public struct TrainingEvent: Sendable, Hashable {
    /// Number of trees trained so far (1-based).
    public var iteration: Int
    /// Weighted training loss after this round: log loss (`.logistic`) or mean squared error.
    public var trainingLoss: Double
    /// Validation metric after this round, when a validation set was given.
    public var validationMetric: Double?
}

/// What happened during training.
public struct TrainingReport: Sendable, Hashable, Codable {
    /// Rounds trained (including those after the best one when early stopping triggered).
    public var iterationsRun: Int
    /// Number of trees kept: the round with the best validation metric, or `iterationsRun`.
    public var bestIteration: Int
    /// `true` when early stopping ended training before `iterationCount`.
    public var stoppedEarly: Bool
    /// Metric in `validationMetricHistory` (nil without a validation set).
    public var validationMetric: EarlyStoppingMetric?
    /// Training loss after each round.
    public var trainingLossHistory: [Double]
    /// Validation metric after each round (empty without a validation set).
    public var validationMetricHistory: [Double]
}

/// A trained model and its training report.
public struct BoostedTreesResult: Sendable, Hashable {
    public var model: BoostedTreesModel
    public var report: TrainingReport
}

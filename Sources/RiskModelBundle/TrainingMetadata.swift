import RiskMetrics

/// What a bundle records about how it was made.
public struct TrainingMetadata: Sendable, Hashable, Codable {
    /// CustomsRisk version that trained the model.
    public var libraryVersion: String
    /// Creation time, ISO 8601 UTC (fixed to the epoch with reproducible training).
    public var createdAt: String
    public var trainingRows: Int
    public var trainingPositives: Int
    public var validationRows: Int
    public var validationPositives: Int
    /// First and last declaration date of the training data (`YYYY-MM-DD`), when dates exist.
    public var firstDate: String?
    public var lastDate: String?
    /// How the validation set was chosen, e.g. "latest 20% by date" or "given file".
    public var validationSource: String
    public var seed: UInt64
    /// Every hyperparameter as text, by its CLI name (`iterations` → `200`).
    public var configuration: [String: String]
    /// Boosting iterations kept (trees) or solver iterations (logistic).
    public var iterations: Int
    /// Metrics on the validation data with calibrated probabilities.
    public var validation: EvaluationReport?

    public init(libraryVersion: String, createdAt: String, trainingRows: Int, trainingPositives: Int,
                validationRows: Int, validationPositives: Int, firstDate: String?, lastDate: String?,
                validationSource: String, seed: UInt64, configuration: [String: String], iterations: Int,
                validation: EvaluationReport?) {
        self.libraryVersion = libraryVersion
        self.createdAt = createdAt
        self.trainingRows = trainingRows
        self.trainingPositives = trainingPositives
        self.validationRows = validationRows
        self.validationPositives = validationPositives
        self.firstDate = firstDate
        self.lastDate = lastDate
        self.validationSource = validationSource
        self.seed = seed
        self.configuration = configuration
        self.iterations = iterations
        self.validation = validation
    }
}

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
    /// The selection fit, when the shipped model was refit on all labelled declarations after it
    /// (`riskctl train` without `--no-refit`); nil for a model that is the selection fit itself and
    /// in bundles written before refitting existed. The fields above then describe the refit.
    public var selection: SelectionFit?
    /// Which predictions the calibrator and the lane thresholds were fitted on; nil in older bundles
    /// (they were fitted on the validation rows).
    public var calibrationSource: String?
    /// How a selected history (a schema with an `inspected` role) was learned from; nil when the
    /// training data were not one, and in bundles written before this existed.
    public var selectedHistory: SelectedHistoryFit?

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

/// The fit that chose the iteration count before the refit on all labelled declarations.
///
/// Its model is not shipped: it trained on the earlier declarations, early-stopped on the next
/// ones, and its predictions on those stopping rows (rows it never trained on) fitted the calibrator
/// and the lane thresholds. The validation metrics of the bundle are this fit's, measured on rows
/// used for neither.
public struct SelectionFit: Sendable, Hashable, Codable {
    /// Declarations the selection model (and its feature pipeline) learned from.
    public var trainingRows: Int
    public var trainingPositives: Int
    /// First and last date of those declarations (`YYYY-MM-DD`), when dates exist.
    public var firstDate: String?
    public var lastDate: String?
    /// Declarations that chose the iteration count (early stopping) and fitted the calibrator.
    public var stoppingRows: Int
    public var stoppingPositives: Int
    /// How the stopping rows were chosen, e.g. "earlier half of the latest 20% by date".
    public var stoppingSource: String
    /// Iterations the selection model kept (trees) or ran (logistic solver).
    public var iterations: Int
    /// How the refit's iteration count follows from `iterations`, in words.
    public var iterationRule: String

    public init(trainingRows: Int, trainingPositives: Int, firstDate: String?, lastDate: String?,
                stoppingRows: Int, stoppingPositives: Int, stoppingSource: String, iterations: Int,
                iterationRule: String) {
        self.trainingRows = trainingRows
        self.trainingPositives = trainingPositives
        self.firstDate = firstDate
        self.lastDate = lastDate
        self.stoppingRows = stoppingRows
        self.stoppingPositives = stoppingPositives
        self.stoppingSource = stoppingSource
        self.iterations = iterations
        self.iterationRule = iterationRule
    }
}

/// How a model learned from a selected history: only inspected declarations carry a label, and the
/// old policy chose them (Docs/Feedback.md).
public struct SelectedHistoryFit: Sendable, Hashable, Codable {
    /// Declarations in the history, inspected or not.
    public var historyRows: Int
    /// Inspected declarations: the only rows the pipeline and the model learned from.
    public var inspectedRows: Int
    /// The weighting of the inspected rows, in words.
    public var weighting: String
    /// Selection probabilities below this were raised to it before inverting; nil without weighting.
    public var propensityClip: Double?
    /// Inspected rows whose probability was raised to the clip.
    public var clippedRows: Int?
    /// The largest self-normalised weight (mean 1).
    public var largestWeight: Double?
    /// (Σw)² / Σw²: how many equally weighted rows the weighted rows are worth.
    public var effectiveRows: Double?

    public init(historyRows: Int, inspectedRows: Int, weighting: String, propensityClip: Double? = nil,
                clippedRows: Int? = nil, largestWeight: Double? = nil, effectiveRows: Double? = nil) {
        self.historyRows = historyRows
        self.inspectedRows = inspectedRows
        self.weighting = weighting
        self.propensityClip = propensityClip
        self.clippedRows = clippedRows
        self.largestWeight = largestWeight
        self.effectiveRows = effectiveRows
    }
}

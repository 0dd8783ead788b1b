import RiskData

/// How out-of-fold risk profiles of training rows are computed.
public enum ProfileMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// Rows are split into `foldCount` seeded folds; a row's profile uses the other folds only.
    case kFold
    /// A row's profile uses only rows dated strictly earlier (rows of the same day do not see
    /// each other; rows without a date come last). Falls back to `kFold` when the table has no date.
    case timeOrdered
}

/// Parameters of `FeaturePipeline`. Every field has a default suited to customs data.
public struct FeaturePipelineConfiguration: Sendable, Hashable, Codable {
    /// Number of folds for out-of-fold risk profiles (`≥ 2`). Default 5.
    public var foldCount: Int
    /// Pseudo-count `m` of the smoothed rate `(illicit + m·prior) / (declarations + m)`. Default 20.
    public var smoothingStrength: Double
    /// Smallest number of training rows a unit-value reference group needs before it is used;
    /// smaller groups back off HS6×origin → HS6 → HS4 → HS2 → all goods. Default 30.
    public var minimumReferenceGroupRows: Int
    /// Categorical levels seen fewer times than this in training merge into "other". Default 20.
    public var rareLevelThreshold: Int
    /// Most one-hot columns per categorical field in the linear matrix (most frequent first). Default 50.
    public var maximumOneHotLevels: Int
    /// Most distinct codes per categorical column of the trees matrix, "other" included (`2...256`).
    /// Default 255, which fits the trees' 255 bins.
    public var maximumCategoricalLevels: Int
    /// Out-of-fold scheme for training rows. Default `.kFold`.
    public var profileMode: ProfileMode
    /// Seed of the fold assignment.
    public var randomSeed: UInt64
    /// Threads used by `fit` and by `transform` when no thread count is passed (`≥ 1`).
    public var threadCount: Int

    /// Creates a configuration; see each property for its meaning and default.
    public init(foldCount: Int = 5, smoothingStrength: Double = 20, minimumReferenceGroupRows: Int = 30,
                rareLevelThreshold: Int = 20, maximumOneHotLevels: Int = 50, maximumCategoricalLevels: Int = 255,
                profileMode: ProfileMode = .kFold, randomSeed: UInt64 = 42,
                threadCount: Int = ParallelLoop.processorCount) {
        self.foldCount = foldCount
        self.smoothingStrength = smoothingStrength
        self.minimumReferenceGroupRows = minimumReferenceGroupRows
        self.rareLevelThreshold = rareLevelThreshold
        self.maximumOneHotLevels = maximumOneHotLevels
        self.maximumCategoricalLevels = maximumCategoricalLevels
        self.profileMode = profileMode
        self.randomSeed = randomSeed
        self.threadCount = threadCount
    }

    /// Checks every parameter.
    ///
    /// - Throws: `RiskFeaturesError` `.invalidConfiguration` naming the first bad parameter.
    public func validate() throws {
        func fail(_ text: String) -> RiskFeaturesError { RiskFeaturesError(.invalidConfiguration, text) }
        guard foldCount >= 2 else {
            throw fail("foldCount is \(foldCount); expected at least 2. Use 5 (the default) or more folds.")
        }
        guard smoothingStrength.isFinite, smoothingStrength >= 0 else {
            throw fail("smoothingStrength is \(smoothingStrength); expected a finite number ≥ 0, such as 20.")
        }
        guard minimumReferenceGroupRows >= 1 else {
            throw fail("minimumReferenceGroupRows is \(minimumReferenceGroupRows); expected at least 1, such as 30.")
        }
        guard rareLevelThreshold >= 1 else {
            throw fail("rareLevelThreshold is \(rareLevelThreshold); expected at least 1, such as 20.")
        }
        guard maximumOneHotLevels >= 0 else {
            throw fail("maximumOneHotLevels is \(maximumOneHotLevels); expected at least 0, such as 50.")
        }
        guard (2...256).contains(maximumCategoricalLevels) else {
            throw fail("maximumCategoricalLevels is \(maximumCategoricalLevels); expected 2...256, such as 255.")
        }
        guard threadCount >= 1 else {
            throw fail("threadCount is \(threadCount); expected at least 1.")
        }
    }
}

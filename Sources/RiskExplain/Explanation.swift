/// An additive explanation of one raw score: `baseValue + Σ contributions == rawScore`.
///
/// For tree ensembles and logistic regression the raw score is in log-odds. The equality holds
/// up to floating-point rounding: |base + Σ contributions − raw| ≤ 1e-9 · (|base| + Σ|contributions| + |raw|)
/// for the explainers in this module (tested on thousands of random rows).
public struct Explanation: Sendable, Hashable, Codable {
    /// The score of an "average" declaration: the expected raw score under the explainer's
    /// reference distribution (tree covers for `TreeExplainer`, training means for `LinearExplainer`).
    public var baseValue: Double
    /// One contribution per feature column, in schema order, in raw-score units.
    public var contributions: [Double]
    /// The model's raw score for the row, computed independently of the contributions.
    public var rawScore: Double

    /// Creates an explanation.
    ///
    /// - Parameters:
    ///   - baseValue: Expected raw score.
    ///   - contributions: One value per feature.
    ///   - rawScore: The model's raw score for the row.
    public init(baseValue: Double, contributions: [Double], rawScore: Double) {
        self.baseValue = baseValue
        self.contributions = contributions
        self.rawScore = rawScore
    }

    /// `baseValue + Σ contributions`, summed in feature order; equals `rawScore` up to rounding.
    public var reconstructedScore: Double {
        contributions.reduce(baseValue, +)
    }
}

/// Contributions of many rows, stored row-major (`contributions[row * featureCount + feature]`).
///
/// The batch form of `Explanation`, without one array allocation per row.
public struct ContributionMatrix: Sendable, Hashable, Codable {
    /// Number of explained rows.
    public let rowCount: Int
    /// Number of features per row.
    public let featureCount: Int
    /// Base value shared by every row.
    public let baseValue: Double
    /// Row-major contributions, `rowCount × featureCount` values.
    public internal(set) var contributions: [Double]
    /// The model's raw score of every row.
    public internal(set) var rawScores: [Double]

    init(rowCount: Int, featureCount: Int, baseValue: Double, contributions: [Double], rawScores: [Double]) {
        precondition(contributions.count == rowCount * featureCount && rawScores.count == rowCount)
        self.rowCount = rowCount
        self.featureCount = featureCount
        self.baseValue = baseValue
        self.contributions = contributions
        self.rawScores = rawScores
    }

    /// Contribution of `feature` to row `row`.
    public subscript(row: Int, feature: Int) -> Double {
        precondition(feature >= 0 && feature < featureCount, "feature \(feature) outside 0..<\(featureCount)")
        return contributions[row * featureCount + feature]
    }

    /// The explanation of one row (allocates its contributions array). O(features).
    public func explanation(row: Int) -> Explanation {
        precondition(row >= 0 && row < rowCount, "row \(row) outside 0..<\(rowCount)")
        let start = row * featureCount
        return Explanation(baseValue: baseValue,
                           contributions: Array(contributions[start..<(start + featureCount)]),
                           rawScore: rawScores[row])
    }

    /// Every row's explanation. O(rows × features).
    public var explanations: [Explanation] {
        (0..<rowCount).map { explanation(row: $0) }
    }
}

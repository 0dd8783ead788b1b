import RiskData

/// Mean absolute contribution of one feature or group over a data set.
public struct Importance: Sendable, Hashable, Codable {
    /// Feature or group name.
    public var name: String
    /// Mean over rows of |contribution| (raw-score units).
    public var meanAbsoluteContribution: Double

    public init(name: String, meanAbsoluteContribution: Double) {
        self.name = name
        self.meanAbsoluteContribution = meanAbsoluteContribution
    }
}

/// Global explanations: how much each group moves scores on average (`riskctl importance`).
public enum GlobalImportance {
    /// Mean |Σ contributions of the group's features| per group, sorted descending, ties by name.
    ///
    /// Each row's group contribution is summed first, then its absolute value averaged over rows
    /// (in row order, so the result is deterministic).
    ///
    /// - Parameters:
    ///   - contributions: Contributions of a data set (from `TreeExplainer` or `LinearExplainer`).
    ///   - schema: The model's schema (its column count must equal `contributions.featureCount`).
    /// - Throws: `RiskExplainError` `.shapeMismatch` when the counts differ, `.invalidParameter`
    ///   when there are no rows.
    /// - Complexity: O(rows × features + groups log groups).
    public static func byGroup(_ contributions: ContributionMatrix, schema: FeatureSchema) throws -> [Importance] {
        let grouping = FeatureGrouping(schema: schema)
        return try compute(contributions, names: grouping.groups.map(\.name), groupOfFeature: grouping.groupOfFeature)
    }

    /// Mean |contribution| per feature, sorted descending, ties by name.
    ///
    /// - Throws: as `byGroup`.
    public static func byFeature(_ contributions: ContributionMatrix, schema: FeatureSchema) throws -> [Importance] {
        try compute(contributions, names: schema.names, groupOfFeature: Array(0..<schema.columns.count))
    }

    private static func compute(_ contributions: ContributionMatrix, names: [String], groupOfFeature: [Int]) throws
        -> [Importance] {
        guard contributions.featureCount == groupOfFeature.count else {
            throw RiskExplainError(.shapeMismatch, "The contributions have \(contributions.featureCount) features but "
                                   + "the schema has \(groupOfFeature.count). Use the schema of the explained model.")
        }
        guard contributions.rowCount > 0 else {
            throw RiskExplainError(.invalidParameter, "No rows to average over; global importance needs at least one "
                                   + "explained row.")
        }
        var totals = [Double](repeating: 0, count: names.count)
        var row = [Double](repeating: 0, count: names.count)
        let f = contributions.featureCount
        contributions.contributions.withUnsafeBufferPointer { values in
            for r in 0..<contributions.rowCount {
                for g in row.indices { row[g] = 0 }
                for j in 0..<f { row[groupOfFeature[j]] += values[r * f + j] }
                for g in row.indices { totals[g] += abs(row[g]) }
            }
        }
        let n = Double(contributions.rowCount)
        return zip(names, totals).map { Importance(name: $0, meanAbsoluteContribution: $1 / n) }.sorted {
            $0.meanAbsoluteContribution != $1.meanAbsoluteContribution
                ? $0.meanAbsoluteContribution > $1.meanAbsoluteContribution : $0.name < $1.name
        }
    }
}

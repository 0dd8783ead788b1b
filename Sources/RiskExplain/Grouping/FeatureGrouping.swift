import RiskData

/// The map from feature columns to declaration-level groups (`FeatureColumn.group`), computed once
/// per schema so that grouping an explanation is one pass over its contributions.
public struct FeatureGrouping: Sendable, Hashable, Codable {
    /// Distinct group names in order of first appearance in the schema.
    public let groups: [String]
    /// For each feature, the index of its group in `groups`.
    public let groupOfFeature: [Int]
    /// The groups resolved for the reason generator (derived from `groups`; not encoded).
    package let reasonPlan: ReasonPlan

    private enum CodingKeys: String, CodingKey {
        case groups, groupOfFeature
    }

    /// Builds the grouping of `schema`. O(columns).
    public init(schema: FeatureSchema) {
        var index: [String: Int] = [:]
        var groups: [String] = []
        var groupOfFeature: [Int] = []
        for column in schema.columns {
            if let g = index[column.group] {
                groupOfFeature.append(g)
            } else {
                index[column.group] = groups.count
                groupOfFeature.append(groups.count)
                groups.append(column.group)
            }
        }
        self.groups = groups
        self.groupOfFeature = groupOfFeature
        reasonPlan = ReasonPlan(groups: groups)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        groups = try container.decode([String].self, forKey: .groups)
        groupOfFeature = try container.decode([Int].self, forKey: .groupOfFeature)
        reasonPlan = ReasonPlan(groups: groups)
    }

    /// Number of features.
    public var featureCount: Int { groupOfFeature.count }

    /// Sums `contributions` (one per feature) into one value per group, in `groups` order.
    func sum(_ contributions: UnsafeBufferPointer<Double>, into sums: inout [Double]) {
        for g in sums.indices { sums[g] = 0 }
        for j in 0..<groupOfFeature.count { sums[groupOfFeature[j]] += contributions[j] }
    }
}

/// The contribution of one declaration-level group: the sum of its features' contributions.
public struct GroupContribution: Sendable, Hashable, Codable {
    /// Group name (`FeatureGroup` constant or `entity:` / `categorical:` / `numeric:` + column).
    public var group: String
    /// Σ contributions of the group's features (raw-score units, e.g. log-odds).
    public var value: Double

    public init(group: String, value: Double) {
        self.group = group
        self.value = value
    }
}

/// An explanation in declaration terms: feature contributions summed by group.
///
/// Groups are ordered by |value| descending, ties by name, so the order is stable. Additivity is
/// preserved: `baseValue + Σ groups.value == rawScore` up to rounding (the sums are re-associated,
/// so the equality holds to ~1e-15 relative to Σ|contributions|, not bit for bit).
public struct GroupedExplanation: Sendable, Hashable, Codable {
    /// Expected raw score.
    public var baseValue: Double
    /// The model's raw score.
    public var rawScore: Double
    /// One entry per group of the schema, ordered by |value| descending, ties by name.
    public var groups: [GroupContribution]

    /// Groups `explanation` with `grouping`.
    ///
    /// - Throws: `RiskExplainError` `.shapeMismatch` when the explanation has a different number of
    ///   contributions than the grouping has features.
    /// - Complexity: O(features + groups log groups).
    public init(_ explanation: Explanation, grouping: FeatureGrouping) throws {
        guard explanation.contributions.count == grouping.featureCount else {
            throw RiskExplainError(.shapeMismatch, "The explanation has \(explanation.contributions.count) "
                                   + "contributions but the schema has \(grouping.featureCount) features. Group it "
                                   + "with the schema of the model that produced it.")
        }
        var sums = [Double](repeating: 0, count: grouping.groups.count)
        explanation.contributions.withUnsafeBufferPointer { grouping.sum($0, into: &sums) }
        self.baseValue = explanation.baseValue
        self.rawScore = explanation.rawScore
        self.groups = Self.ordered(names: grouping.groups, values: sums)
    }

    /// Groups `explanation` by the groups of `schema`.
    ///
    /// - Throws: `RiskExplainError` `.shapeMismatch` when the counts differ.
    public init(_ explanation: Explanation, schema: FeatureSchema) throws {
        try self.init(explanation, grouping: FeatureGrouping(schema: schema))
    }

    /// Creates a grouped explanation from group values (ordered here).
    public init(baseValue: Double, rawScore: Double, groups: [GroupContribution]) {
        self.baseValue = baseValue
        self.rawScore = rawScore
        self.groups = Self.ordered(names: groups.map(\.group), values: groups.map(\.value))
    }

    static func ordered(names: [String], values: [Double]) -> [GroupContribution] {
        zip(names, values).map { GroupContribution(group: $0, value: $1) }.sorted {
            let a = abs($0.value), b = abs($1.value)
            return a != b ? a > b : $0.group < $1.group
        }
    }

    /// The value of `group`, or `nil` when the schema has no such group.
    public subscript(group: String) -> Double? {
        groups.first { $0.group == group }?.value
    }

    /// `baseValue + Σ group values`; equals `rawScore` up to rounding.
    public var reconstructedScore: Double {
        groups.reduce(baseValue) { $0 + $1.value }
    }
}

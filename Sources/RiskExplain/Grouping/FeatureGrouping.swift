import RiskData
import RiskFeatures

/// The map from feature columns to declaration-level groups (`FeatureColumn.group`), computed once
/// per schema so that grouping an explanation is one pass over its contributions.
///
/// Encoded as `{"groups": [names], "groupOfFeature": [indices]}`; decoding checks that the names
/// are distinct and every index names a group.
public struct FeatureGrouping: Sendable, Hashable, Codable {
    /// Distinct groups in order of first appearance in the schema.
    public let groups: [FeatureGroup]
    /// For each feature, the index of its group in `groups`.
    public let groupOfFeature: [Int]
    /// Each group's position in the groups sorted by name: `nameRanks[i] < nameRanks[j]` ⇔
    /// `groups[i].name < groups[j].name`, so that ties are broken by name without comparing strings.
    package let nameRanks: [Int32]
    /// The index of the `aeo` group, if any.
    package let aeoIndex: Int?

    private enum CodingKeys: String, CodingKey {
        case groups, groupOfFeature
    }

    /// Builds the grouping of `schema`. O(columns).
    public init(schema: FeatureSchema) {
        var index: [String: Int] = [:]
        var groups: [FeatureGroup] = []
        var groupOfFeature: [Int] = []
        for column in schema.columns {
            if let g = index[column.group] {
                groupOfFeature.append(g)
            } else {
                index[column.group] = groups.count
                groupOfFeature.append(groups.count)
                groups.append(FeatureGroup(name: column.group))
            }
        }
        self.init(groups: groups, groupOfFeature: groupOfFeature)
    }

    private init(groups: [FeatureGroup], groupOfFeature: [Int]) {
        let names = groups.map(\.name)
        var nameRanks = [Int32](repeating: 0, count: groups.count)
        for (rank, index) in names.indices.sorted(by: { names[$0] < names[$1] }).enumerated() {
            nameRanks[index] = Int32(rank)
        }
        self.groups = groups
        self.groupOfFeature = groupOfFeature
        self.nameRanks = nameRanks
        aeoIndex = groups.firstIndex(of: .aeo)
    }

    /// Decodes a grouping.
    ///
    /// - Throws: `DecodingError.dataCorrupted` naming the group that appears twice, or the feature
    ///   whose group index is outside `groups`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let groups = try container.decode([FeatureGroup].self, forKey: .groups)
        let groupOfFeature = try container.decode([Int].self, forKey: .groupOfFeature)
        var seen = Set<FeatureGroup>()
        for group in groups where !seen.insert(group).inserted {
            throw DecodingError.dataCorrupted(.init(
                codingPath: [CodingKeys.groups],
                debugDescription: "Group \"\(group.name)\" appears twice in the feature grouping; each group is "
                    + "listed once."))
        }
        if let feature = groupOfFeature.firstIndex(where: { !groups.indices.contains($0) }) {
            throw DecodingError.dataCorrupted(.init(
                codingPath: [CodingKeys.groupOfFeature],
                debugDescription: "Feature \(feature) has group index \(groupOfFeature[feature]), but the grouping "
                    + "has \(groups.count) groups; expected an index in 0..<\(groups.count)."))
        }
        self.init(groups: groups, groupOfFeature: groupOfFeature)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(groups, forKey: .groups)
        try container.encode(groupOfFeature, forKey: .groupOfFeature)
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
    /// The group (encoded as its name).
    public var group: FeatureGroup
    /// Σ contributions of the group's features (raw-score units, e.g. log-odds).
    public var value: Double

    public init(group: FeatureGroup, value: Double) {
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
        self.groups = grouping.groups.indices.sorted { i, j in
            let a = abs(sums[i]), b = abs(sums[j])
            return a != b ? a > b : grouping.nameRanks[i] < grouping.nameRanks[j]
        }.map { GroupContribution(group: grouping.groups[$0], value: sums[$0]) }
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
        self.groups = groups.map { (name: $0.group.name, contribution: $0) }.sorted {
            let a = abs($0.contribution.value), b = abs($1.contribution.value)
            return a != b ? a > b : $0.name < $1.name
        }.map(\.contribution)
    }

    /// The value of `group`, or `nil` when the schema has no such group.
    public subscript(group: FeatureGroup) -> Double? {
        groups.first { $0.group == group }?.value
    }

    /// `baseValue + Σ group values`; equals `rawScore` up to rounding.
    public var reconstructedScore: Double {
        groups.reduce(baseValue) { $0 + $1.value }
    }
}

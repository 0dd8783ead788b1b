/// What one column of a `FeatureMatrix` holds.
public enum FeatureKind: Sendable, Hashable, Codable {
    /// A real number (missing = NaN).
    case numeric
    /// An integer code in `0..<levelCount` (missing = NaN). Trees may split on sets of codes.
    case categorical(levelCount: Int)
}

/// One column of a feature matrix: its name, the declaration field group it comes from, and its kind.
public struct FeatureColumn: Sendable, Hashable, Codable {
    /// Unique column name, e.g. `unit_value_log_ratio_hs6_origin`.
    public var name: String
    /// The declaration-level group explanations aggregate into, e.g. `unit_value` or `importer_history`.
    public var group: String
    /// Numeric or categorical.
    public var kind: FeatureKind

    public init(name: String, group: String? = nil, kind: FeatureKind = .numeric) {
        self.name = name
        self.group = group ?? name
        self.kind = kind
    }

    /// `true` for a categorical column.
    public var isCategorical: Bool {
        if case .categorical = kind { return true }
        return false
    }
}

/// The ordered list of columns of a feature matrix.
public struct FeatureSchema: Sendable, Hashable, Codable {
    public var columns: [FeatureColumn]

    public init(columns: [FeatureColumn]) { self.columns = columns }

    /// A schema of `count` numeric columns named `f0`, `f1`, … (tests and raw matrices).
    public static func numeric(count: Int) -> FeatureSchema {
        FeatureSchema(columns: (0..<count).map { FeatureColumn(name: "f\($0)") })
    }

    /// Column names in order.
    public var names: [String] { columns.map(\.name) }

    /// Distinct group names in order of first appearance.
    public var groups: [String] {
        var seen = Set<String>()
        return columns.compactMap { seen.insert($0.group).inserted ? $0.group : nil }
    }
}

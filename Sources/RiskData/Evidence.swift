/// Facts about one declaration that explain a feature group in customs terms, e.g. the declared
/// and reference unit values, or an importer's past inspections. The feature pipeline produces
/// them; reason codes turn them into sentences.
///
/// Keys are `EvidenceKey` constants; values are already formatted for display.
public struct Evidence: Sendable, Hashable, Codable {
    public var facts: [String: String]
    public init(facts: [String: String] = [:]) { self.facts = facts }
    public subscript(key: String) -> String? {
        get { facts[key] }
        set { facts[key] = newValue }
    }
}

/// Well-known feature group names (the `group` of a `FeatureColumn`) shared by the feature
/// pipeline and the reason-code catalogue. Other groups are `entity:<column>`,
/// `categorical:<column>` and `numeric:<column>`.
public enum FeatureGroup {
    public static let hsCode = "hs_code"
    public static let unitValue = "unit_value"
    public static let declaredValue = "declared_value"
    public static let weight = "weight"
    public static let quantity = "quantity"
    public static let tax = "tax"
    public static let importerHistory = "importer_history"
    public static let declarantHistory = "declarant_history"
    public static let origin = "origin"
    public static let route = "route"
    public static let office = "office"
    public static let traderTenure = "trader_tenure"
    public static let aeo = "aeo"
    public static let date = "date"
    public static func entity(_ column: String) -> String { "entity:\(column)" }
    public static func categorical(_ column: String) -> String { "categorical:\(column)" }
    public static func numeric(_ column: String) -> String { "numeric:\(column)" }
}

/// Well-known evidence keys.
public enum EvidenceKey {
    public static let hsCode = "hs_code"                       // "8703.23"
    public static let origin = "origin"                         // "CN"
    public static let departure = "departure"                   // "SG"
    public static let declaredUnitValue = "declared_unit_value" // "3.1 per kg"
    public static let referenceUnitValue = "reference_unit_value"
    public static let unitValueRatio = "unit_value_ratio"       // declared / reference, e.g. "0.18"
    public static let referenceLevel = "reference_level"        // "HS6 × origin", "HS4", "HS2"
    public static let importer = "importer"
    public static let importerPastCount = "importer_past_count"
    public static let importerPastIllicit = "importer_past_illicit"
    public static let declarant = "declarant"
    public static let declarantPastCount = "declarant_past_count"
    public static let declarantPastIllicit = "declarant_past_illicit"
    public static let hsIllicitRate = "hs_illicit_rate"          // "12%"
    public static let originIllicitRate = "origin_illicit_rate"
    public static let routeIllicitRate = "route_illicit_rate"
    public static let office = "office"
    public static let officeIllicitRate = "office_illicit_rate"
    public static let traderTenureDays = "trader_tenure_days"
    public static let aeo = "aeo"                                // "yes" / "no"
    public static let taxRatio = "tax_ratio"
    public static let declaredValue = "declared_value"
}

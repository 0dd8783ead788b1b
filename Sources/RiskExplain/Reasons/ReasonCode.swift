import RiskFeatures

/// A stable, documented reason code, e.g. `UNIT_VALUE_LOW`.
///
/// `code` never changes meaning within a catalogue major version; `title` is a short label for
/// screens; `detail` says what the code means and when it is used.
public struct ReasonCode: Sendable, Hashable, Codable {
    /// Stable identifier (upper snake case).
    public var code: String
    /// Short label, e.g. "Unit value below reference".
    public var title: String
    /// What the code means and when it is used.
    public var detail: String

    public init(code: String, title: String, detail: String) {
        self.code = code
        self.title = title
        self.detail = detail
    }

    public static let unitValueLow = ReasonCode(
        code: "UNIT_VALUE_LOW", title: "Unit value below reference",
        detail: "The declared unit value is at or below the median of comparable declarations (HS code × origin) "
            + "and the unit-value features raise the score; possible undervaluation. Also used when the "
            + "ratio to the reference is unknown.")
    public static let unitValueHigh = ReasonCode(
        code: "UNIT_VALUE_HIGH", title: "Unit value above reference",
        detail: "The declared unit value is above the median of comparable declarations; possible overvaluation "
            + "(e.g. to move money or claim refunds) or misclassification.")
    public static let importerHistory = ReasonCode(
        code: "IMPORTER_HISTORY", title: "Importer history",
        detail: "The importer's past declarations and inspection results move the score.")
    public static let declarantHistory = ReasonCode(
        code: "DECLARANT_HISTORY", title: "Declarant history",
        detail: "The declarant's (customs broker's) past declarations and inspection results move the score.")
    public static let routeTransshipment = ReasonCode(
        code: "ROUTE_TRANSSHIPMENT", title: "Route",
        detail: "The route (country of departure → country of origin), e.g. goods shipped via a third country.")
    public static let newTrader = ReasonCode(
        code: "NEW_TRADER", title: "New trader",
        detail: "How long the trader has been declaring; new traders have little history.")
    public static let hsRisk = ReasonCode(
        code: "HS_RISK", title: "Commodity risk",
        detail: "The commodity code (HS) and its past illicit rate move the score.")
    public static let originRisk = ReasonCode(
        code: "ORIGIN_RISK", title: "Origin risk",
        detail: "The country of origin and its past illicit rate move the score.")
    public static let officeRisk = ReasonCode(
        code: "OFFICE_RISK", title: "Office risk",
        detail: "The customs office of declaration and its past illicit rate move the score.")
    public static let taxRatio = ReasonCode(
        code: "TAX_RATIO", title: "Tax ratio",
        detail: "Duties and taxes relative to the declared value move the score.")
    public static let declaredValue = ReasonCode(
        code: "DECLARED_VALUE", title: "Declared value",
        detail: "The total declared value moves the score.")
    public static let entityHistory = ReasonCode(
        code: "ENTITY_HISTORY", title: "Party history",
        detail: "The history of another party of the declaration (consignor, carrier, …) moves the score.")
    public static let aeoTrusted = ReasonCode(
        code: "AEO_TRUSTED", title: "Authorised Economic Operator",
        detail: "Mitigating: the importer is an Authorised Economic Operator, which lowers the score.")
    public static let fieldPattern = ReasonCode(
        code: "FIELD_PATTERN", title: "Field pattern",
        detail: "Fallback for any other declaration field (weight, quantity, date, other categorical or numeric "
            + "fields) whose value moves the score.")
}

/// A versioned list of reason codes. Version "1.0" is `ReasonCodeCatalog.standard`.
///
/// Rules: a code never changes meaning within a major version; adding codes bumps the minor version.
public struct ReasonCodeCatalog: Sendable, Hashable, Codable {
    /// Catalogue version, e.g. "1.0".
    public let version: String
    /// The codes, in documentation order.
    public let codes: [ReasonCode]

    /// Creates a catalogue.
    ///
    /// - Throws: `RiskExplainError` `.invalidParameter` when a code appears twice or the version is empty.
    public init(version: String, codes: [ReasonCode]) throws {
        guard !version.isEmpty else {
            throw RiskExplainError(.invalidParameter, "Reason-code catalogue version is empty; expected a version "
                                   + "such as \"1.0\".")
        }
        var seen = Set<String>()
        for code in codes where !seen.insert(code.code).inserted {
            throw RiskExplainError(.invalidParameter, "Reason code \(code.code) appears twice in catalogue \(version); "
                                   + "each code must be listed once.")
        }
        self.version = version
        self.codes = codes
    }

    /// The catalogue of this release: version "1.0", 14 codes.
    public static let standard: ReasonCodeCatalog = try! ReasonCodeCatalog(version: "1.0", codes: [
        .unitValueLow, .unitValueHigh, .importerHistory, .declarantHistory, .routeTransshipment, .newTrader,
        .hsRisk, .originRisk, .officeRisk, .taxRatio, .declaredValue, .entityHistory, .aeoTrusted, .fieldPattern,
    ])

    /// The entry for `code`, or `nil`.
    public subscript(code: String) -> ReasonCode? {
        codes.first { $0.code == code }
    }
}

/// One reason shown to an officer.
public struct Reason: Sendable, Hashable, Codable {
    /// Reason code from the catalogue.
    public var code: String
    /// A sentence built from the declaration's own facts.
    public var text: String
    /// The group's contribution (raw-score units, log-odds for classifiers); negative = mitigating.
    public var value: Double
    /// The feature group the reason explains.
    public var group: FeatureGroup
    /// `|value| / Σ |group values|`.
    public var share: Double

    public init(code: String, text: String, value: Double, group: FeatureGroup, share: Double) {
        self.code = code
        self.text = text
        self.value = value
        self.group = group
        self.share = share
    }

    /// `true` when the reason lowers the risk.
    public var isMitigating: Bool { value < 0 }
}

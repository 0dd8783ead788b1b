/// What a declaration column means to CustomsRisk. The raw value is the JSON spelling.
public enum FieldRole: String, Sendable, Hashable, Codable, CaseIterable {
    /// Harmonized System code, text of 6–10 digits (leading zeros kept).
    case hsCode = "hs_code"
    case importer
    case declarant
    case originCountry = "origin_country"
    case departureCountry = "departure_country"
    case office
    /// Customs (CIF) value of the goods, in the declaration currency.
    case customsValue = "customs_value"
    /// FOB value, when declared separately.
    case fobValue = "fob_value"
    case quantity
    case grossWeight = "gross_weight"
    case netWeight = "net_weight"
    /// Duties and taxes assessed.
    case taxes
    /// Authorised Economic Operator status: 1/0, true/false, yes/no, Y/N.
    case aeoFlag = "aeo_flag"
    /// Any other high-cardinality identifier (seller, courier, carrier…).
    case entity
    /// A low-cardinality category (transport mode, procedure type…).
    case categorical
    /// Any other number (duty rate…).
    case numeric
    /// Read and kept out of every model.
    case ignore
    /// 1 when an officer inspected the declaration, 0 otherwise (a selected history): the label is
    /// read only where it is 1. Kept out of every model. See Docs/Feedback.md.
    case inspected
    /// The probability with which the policy that produced the history selected the declaration,
    /// in (0, 1]. Kept out of every model; weighs inspected declarations in population estimates.
    case selectionProbability = "selection_probability"

    /// Roles whose values are parsed as numbers.
    public var isNumeric: Bool {
        switch self {
        case .customsValue, .fobValue, .quantity, .grossWeight, .netWeight, .taxes, .numeric, .aeoFlag, .inspected,
             .selectionProbability: true
        default: false
        }
    }

    /// Roles whose values are kept as text (dictionary-encoded).
    public var isText: Bool { !isNumeric && self != .ignore }

    /// Roles that describe how the history was collected, never features of a model.
    public var isSelectionRecord: Bool { self == .inspected || self == .selectionProbability }

    /// Roles that may appear at most once in a schema.
    public var isSingular: Bool {
        switch self {
        case .entity, .categorical, .numeric, .ignore: false
        default: true
        }
    }
}

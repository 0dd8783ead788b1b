/// The declaration-level group of a feature column: what explanations sum contributions by and
/// what a reason is about. `FeatureColumn.group` (and every bundle) stores its `name`.
///
/// Parse names with `init(name:)`: it returns the dedicated case of every name below, so two
/// groups are equal exactly when their names are. `other` keeps any name without a case (a column
/// of a hand-made schema, a bundle written by a later release) as written, and its reason is the
/// generic `FIELD_PATTERN`, as for `weight`, `quantity`, `date`, `categorical:` and `numeric:` groups.
public enum FeatureGroup: Sendable, Hashable, Codable, CustomStringConvertible {
    /// `hs_code`: the commodity code's levels and profiles.
    case hsCode
    /// `unit_value`: unit values and their reference.
    case unitValue
    /// `declared_value`: the declared (and FOB) values.
    case declaredValue
    /// `weight`
    case weight
    /// `quantity`
    case quantity
    /// `tax`: taxes and the tax-to-value ratio.
    case tax
    /// `importer_history`: the importer's profile.
    case importerHistory
    /// `declarant_history`: the declarant's profile.
    case declarantHistory
    /// `origin`: the country of origin.
    case origin
    /// `route`: departure → origin.
    case route
    /// `office`: the customs office.
    case office
    /// `trader_tenure`: days since the importer's first declaration.
    case traderTenure
    /// `aeo`: Authorised Economic Operator status.
    case aeo
    /// `date`: month and weekday.
    case date
    /// `entity:<column>`: another party's profile.
    case entity(String)
    /// `categorical:<column>`: a categorical declaration field.
    case categorical(String)
    /// `numeric:<column>`: a numeric declaration field.
    case numeric(String)
    /// Any other name, as written.
    case other(String)

    /// The group named `name`; never fails (see `other`). O(length of `name`).
    public init(name: String) {
        switch name {
        case "hs_code": self = .hsCode
        case "unit_value": self = .unitValue
        case "declared_value": self = .declaredValue
        case "weight": self = .weight
        case "quantity": self = .quantity
        case "tax": self = .tax
        case "importer_history": self = .importerHistory
        case "declarant_history": self = .declarantHistory
        case "origin": self = .origin
        case "route": self = .route
        case "office": self = .office
        case "trader_tenure": self = .traderTenure
        case "aeo": self = .aeo
        case "date": self = .date
        default:
            if name.hasPrefix("entity:") {
                self = .entity(String(name.dropFirst(7)))
            } else if name.hasPrefix("categorical:") {
                self = .categorical(String(name.dropFirst(12)))
            } else if name.hasPrefix("numeric:") {
                self = .numeric(String(name.dropFirst(8)))
            } else {
                self = .other(name)
            }
        }
    }

    /// The name stored in schemas and bundles, e.g. `unit_value` or `entity:seller_id`.
    public var name: String {
        switch self {
        case .hsCode: "hs_code"
        case .unitValue: "unit_value"
        case .declaredValue: "declared_value"
        case .weight: "weight"
        case .quantity: "quantity"
        case .tax: "tax"
        case .importerHistory: "importer_history"
        case .declarantHistory: "declarant_history"
        case .origin: "origin"
        case .route: "route"
        case .office: "office"
        case .traderTenure: "trader_tenure"
        case .aeo: "aeo"
        case .date: "date"
        case .entity(let column): "entity:" + column
        case .categorical(let column): "categorical:" + column
        case .numeric(let column): "numeric:" + column
        case .other(let name): name
        }
    }

    public var description: String { name }

    /// Decodes the name (a JSON string), as `init(name:)`.
    public init(from decoder: any Decoder) throws {
        self.init(name: try decoder.singleValueContainer().decode(String.self))
    }

    /// Encodes the name as a single string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }
}

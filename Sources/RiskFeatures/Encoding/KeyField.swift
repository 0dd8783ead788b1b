import RiskData
import RiskDeclarations

/// A text-valued key of a declaration that features are keyed by: a trader, an HS level, a country…
package enum KeyField: Sendable, Hashable, Codable {
    case hs6, hs4, hs2, origin, departure, importer, declarant, office, route
    case entity(String)
    case categorical(String)

    /// The vocabulary this field's codes index (origin and departure share "country").
    package var space: String {
        switch self {
        case .hs6: "hs6"
        case .hs4: "hs4"
        case .hs2: "hs2"
        case .origin, .departure: "country"
        case .importer: "importer"
        case .declarant: "declarant"
        case .office: "office"
        case .route: "route"
        case .entity(let column): "entity:\(column)"
        case .categorical(let column): "categorical:\(column)"
        }
    }

    /// Prefix of the field's output column names.
    package var columnPrefix: String {
        switch self {
        case .hs6: "hs6"
        case .hs4: "hs4"
        case .hs2: "hs2"
        case .origin: "origin"
        case .departure: "departure"
        case .importer: "importer"
        case .declarant: "declarant"
        case .office: "office"
        case .route: "route"
        case .entity(let column), .categorical(let column): column
        }
    }

    /// The feature group of columns derived from this field.
    package var group: FeatureGroup {
        switch self {
        case .hs6, .hs4, .hs2: FeatureGroup.hsCode
        case .origin: FeatureGroup.origin
        case .departure, .route: FeatureGroup.route
        case .importer: FeatureGroup.importerHistory
        case .declarant: FeatureGroup.declarantHistory
        case .office: FeatureGroup.office
        case .entity(let column): FeatureGroup.entity(column)
        case .categorical(let column): FeatureGroup.categorical(column)
        }
    }

    /// Number of leading HS digits, for HS levels.
    package var hsDigitCount: Int? {
        switch self {
        case .hs6: 6
        case .hs4: 4
        case .hs2: 2
        default: nil
        }
    }
}

/// Code of a key in a row: `≥ 0` fitted code, `missing` or `unseen`.
enum KeyCode {
    static let missing: Int32 = -1
    static let unseen: Int32 = -2
}

/// The column names of a declaration schema, by role, as the pipeline uses them.
package struct RoleColumns: Sendable, Hashable, Codable {
    package var hsCode: String?
    package var importer: String?
    package var declarant: String?
    package var origin: String?
    package var departure: String?
    package var office: String?
    package var customsValue: String?
    package var fobValue: String?
    package var quantity: String?
    package var grossWeight: String?
    package var netWeight: String?
    package var taxes: String?
    package var aeoFlag: String?
    package var entities: [String]
    package var categoricals: [String]
    package var numerics: [String]

    package init(_ schema: DeclarationSchema) {
        hsCode = schema.column(for: .hsCode)
        importer = schema.column(for: .importer)
        declarant = schema.column(for: .declarant)
        origin = schema.column(for: .originCountry)
        departure = schema.column(for: .departureCountry)
        office = schema.column(for: .office)
        customsValue = schema.column(for: .customsValue)
        fobValue = schema.column(for: .fobValue)
        quantity = schema.column(for: .quantity)
        grossWeight = schema.column(for: .grossWeight)
        netWeight = schema.column(for: .netWeight)
        taxes = schema.column(for: .taxes)
        aeoFlag = schema.column(for: .aeoFlag)
        entities = schema.columns(for: .entity)
        categoricals = schema.columns(for: .categorical)
        numerics = schema.columns(for: .numeric)
    }

    /// Text column of the table that feeds `field` (route has none: it is built from two).
    package func textColumn(of field: KeyField) -> String? {
        switch field {
        case .hs6, .hs4, .hs2: hsCode
        case .origin: origin
        case .departure: departure
        case .importer: importer
        case .declarant: declarant
        case .office: office
        case .route: nil
        case .entity(let column), .categorical(let column): column
        }
    }
}

/// Sorted distinct strings and their codes `0..<count`.
package struct Vocabulary: Sendable, Hashable, Codable {
    package var names: [String]
    package var index: [String: Int32]

    package init(distinct: Set<String>) {
        names = distinct.sorted()
        var index = [String: Int32](minimumCapacity: names.count)
        for (code, name) in names.enumerated() { index[name] = Int32(code) }
        self.index = index
    }

    package var count: Int { names.count }

    /// The code of `name`, or −1 when unseen.
    @inline(__always)
    package func code(of name: String) -> Int32 { index[name] ?? -1 }
}

/// Text normalisation for keys.
enum KeyText {
    /// The ASCII digits of an HS code ("8703.23.10" → "87032310").
    static func hsDigits(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.filter { $0.value >= 48 && $0.value <= 57 }))
    }

    /// The first `count` digits of an HS code, or nil when it has fewer.
    static func hsPrefix(_ text: String, digits count: Int) -> String? {
        let digits = hsDigits(text)
        return digits.count >= count ? String(digits.prefix(count)) : nil
    }

    /// Route name "departure→origin".
    static func route(departure: String, origin: String) -> String { "\(departure)→\(origin)" }

    /// Packs two 32-bit codes into one dictionary key.
    @inline(__always)
    static func pair(_ high: Int32, _ low: Int32) -> Int64 {
        (Int64(high) << 32) | Int64(UInt32(bitPattern: low))
    }

    /// The key text of `field` for a raw text value (nil when the value has no such key).
    static func key(of field: KeyField, from text: String) -> String? {
        if let digits = field.hsDigitCount { return hsPrefix(text, digits: digits) }
        let trimmed = text.trimmingSpaces()
        return trimmed.isEmpty ? nil : trimmed
    }
}

extension String {
    func trimmingSpaces() -> String {
        // Nothing to trim (the usual case): the first and last bytes are not a space or a tab, so
        // neither is the first or last character. Returns `self` without building a new string.
        if let first = utf8.first, let last = utf8.last, first != 0x20, first != 0x09, last != 0x20, last != 0x09 {
            return self
        }
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}

import RiskData
import RiskDeclarations

/// The unit-value facts of one declaration as numbers.
package struct UnitValueFacts: Sendable, Hashable {
    /// The declared unit value (per kg when a weight exists, else per unit); `≥ 0` or +∞.
    package var declared: Double
    /// Whether `declared` and `reference` are per kilogram (else per unit).
    package var perKilogram: Bool
    /// The reference unit value `exp(median ln)`, when a reference group exists.
    package var reference: Double?
    /// The reference group `reference` came from.
    package var level: ReferenceLevel?

    package init(declared: Double, perKilogram: Bool, reference: Double? = nil, level: ReferenceLevel? = nil) {
        self.declared = declared
        self.perKilogram = perKilogram
        self.reference = reference
        self.level = level
    }
}

/// One trader's training history.
package struct HistoryFacts: Sendable, Hashable {
    /// The trader id as read (spaces and tabs trimmed).
    package var id: String
    /// Training declarations of the trader (0 when unseen).
    package var count: Double
    /// Illicit training declarations of the trader.
    package var illicit: Double

    package init(id: String, count: Double, illicit: Double) {
        self.id = id
        self.count = count
        self.illicit = illicit
    }
}

/// The facts the reason sentence of one feature group states, as numbers and texts (a nil fact
/// is unknown: the sentence then says less). `ReasonFacts.facts(for:row:)` fills the fields its
/// group reads and leaves the others nil:
///
/// | group | fields |
/// | --- | --- |
/// | `unitValue` | `unitValue`, `hsText`, `originText` |
/// | `importerHistory`, `declarantHistory` | `history` |
/// | `hsCode` | `hsText`, `rate` |
/// | `origin` | `originText`, `rate` |
/// | `office` | `officeText`, `rate` |
/// | `route` | `departureText`, `originText`, `rate` (of the route) |
/// | `traderTenure` | `tenureDays` |
/// | `tax` | `amount` (taxes / declared value) |
/// | `declaredValue` | `amount` (the declared value) |
/// | `aeo` | `aeo` |
/// | `entity(column)` | `entityFact` (only for a column named like a fact below) |
package struct GroupFacts: Sendable, Hashable {
    /// The HS code text as read (spaces and tabs trimmed).
    package var hsText: String?
    /// The origin country text.
    package var originText: String?
    /// The departure country text.
    package var departureText: String?
    /// The customs office text.
    package var officeText: String?
    /// The unit value against its reference.
    package var unitValue: UnitValueFacts?
    /// The importer's or declarant's history.
    package var history: HistoryFacts?
    /// A smoothed illicit rate in `0...1`.
    package var rate: Double?
    /// Days since the importer's first training declaration.
    package var tenureDays: Int64?
    /// The tax ratio or the declared value.
    package var amount: Double?
    /// The AEO flag.
    package var aeo: Bool?
    /// For an entity column named like a fact, the fact under that name, formatted for display.
    package var entityFact: String?

    package init(hsText: String? = nil, originText: String? = nil, departureText: String? = nil,
                 officeText: String? = nil, unitValue: UnitValueFacts? = nil, history: HistoryFacts? = nil,
                 rate: Double? = nil, tenureDays: Int64? = nil, amount: Double? = nil, aeo: Bool? = nil,
                 entityFact: String? = nil) {
        self.hsText = hsText
        self.originText = originText
        self.departureText = departureText
        self.officeText = officeText
        self.unitValue = unitValue
        self.history = history
        self.rate = rate
        self.tenureDays = tenureDays
        self.amount = amount
        self.aeo = aeo
        self.entityFact = entityFact
    }
}

/// The one producer of reason facts: the customs facts of a table's declarations, computed from
/// the table's columns and the fitted pipeline's statistics (all-training profiles, references
/// with back-off, first dates), each only when a reason asks for it.
///
/// It recomputes from the raw columns what the encoder also computes (unit value, reference
/// look-up, profile rates, tenure); `facts(for:row:)` is the seam where a later step can read the
/// encoder's side outputs instead (Docs/Explanations.md).
///
/// The table's columns, the vocabularies and the profile indices are looked up once, on first
/// use; a key's fitted code is looked up once per distinct text of the table (cached by the
/// table's own code), so a batch hashes no strings per row. One value per thread (it caches).
package struct ReasonFacts {
    private let pipeline: FittedFeaturePipeline
    private let table: DeclarationTable
    private var resolved: Resolved?
    /// Fitted codes by the table's text code, `notLooked` until asked: HS (3 per code: HS6, HS4,
    /// HS2), origin, importer, declarant, office.
    private var hsCodes: [Int32] = []
    private var originCodes: [Int32] = []
    private var importerCodes: [Int32] = []
    private var declarantCodes: [Int32] = []
    private var officeCodes: [Int32] = []
    private static let notLooked = Int32.min

    /// A class, so that handing it to a fact costs one retain, not one per column.
    private final class Resolved {
        let hs, origin, departure, office, importer, declarant: TextColumn?
        let value, quantity, net, gross, taxes, aeo: [Double]?
        let hs6, hs4, hs2, country, importerVocabulary, declarantVocabulary, officeVocabulary, route: Vocabulary?
        let hs6Profile, originProfile, officeProfile, routeProfile, importerProfile, declarantProfile: Int?
        let routeIsField: Bool

        init(pipeline: FittedFeaturePipeline, table: DeclarationTable, prepared: Prepared?) {
            let roles = pipeline.roles
            func text(_ column: String?) -> TextColumn? { column.flatMap { table.text[$0] } }
            func numbers(_ column: String?) -> [Double]? { column.flatMap { table.numbers[$0] } }
            let fitted = prepared ?? Prepared(pipeline)
            hs = text(roles.hsCode)
            origin = text(roles.origin)
            departure = text(roles.departure)
            office = text(roles.office)
            importer = text(roles.importer)
            declarant = text(roles.declarant)
            value = numbers(roles.customsValue)
            quantity = numbers(roles.quantity)
            net = numbers(roles.netWeight)
            gross = numbers(roles.grossWeight)
            taxes = numbers(roles.taxes)
            aeo = numbers(roles.aeoFlag)
            hs6 = fitted.hs6
            hs4 = fitted.hs4
            hs2 = fitted.hs2
            country = fitted.country
            importerVocabulary = fitted.importerVocabulary
            declarantVocabulary = fitted.declarantVocabulary
            officeVocabulary = fitted.officeVocabulary
            route = fitted.route
            hs6Profile = fitted.hs6Profile
            originProfile = fitted.originProfile
            officeProfile = fitted.officeProfile
            routeProfile = fitted.routeProfile
            importerProfile = fitted.importerProfile
            declarantProfile = fitted.declarantProfile
            routeIsField = fitted.routeIsField
        }
    }

    /// The pipeline's side of the look-ups (vocabularies, profile indices), made once per pipeline
    /// by a caller that reads facts for many small tables (a scorer called one declaration at a
    /// time); without it each reader looks them up on first use.
    package final class Prepared: Sendable {
        let hs6, hs4, hs2, country, importerVocabulary, declarantVocabulary, officeVocabulary, route: Vocabulary?
        let hs6Profile, originProfile, officeProfile, routeProfile, importerProfile, declarantProfile: Int?
        let routeIsField: Bool

        package init(_ pipeline: FittedFeaturePipeline) {
            let vocabularies = pipeline.vocabularies
            hs6 = vocabularies[KeyField.hs6.space]
            hs4 = vocabularies[KeyField.hs4.space]
            hs2 = vocabularies[KeyField.hs2.space]
            country = vocabularies[KeyField.origin.space]
            importerVocabulary = vocabularies[KeyField.importer.space]
            declarantVocabulary = vocabularies[KeyField.declarant.space]
            officeVocabulary = vocabularies[KeyField.office.space]
            route = vocabularies[KeyField.route.space]
            hs6Profile = pipeline.profileIndex(.hs6)
            originProfile = pipeline.profileIndex(.origin)
            officeProfile = pipeline.profileIndex(.office)
            routeProfile = pipeline.profileIndex(.route)
            importerProfile = pipeline.profileIndex(.importer)
            declarantProfile = pipeline.profileIndex(.declarant)
            routeIsField = pipeline.fieldIndex(.route) != nil
        }
    }

    private let prepared: Prepared?

    /// - Parameter prepared: `Prepared(pipeline)` made beforehand (it must be this pipeline's), or nil.
    package init(pipeline: FittedFeaturePipeline, table: DeclarationTable, prepared: Prepared? = nil) {
        self.pipeline = pipeline
        self.table = table
        self.prepared = prepared
    }

    private mutating func columns() -> Resolved {
        if let resolved { return resolved }
        let made = Resolved(pipeline: pipeline, table: table, prepared: prepared)
        resolved = made
        return made
    }

    /// The table's code of `row` in `column` when it names a text.
    private static func textCode(_ column: TextColumn?, row: Int) -> Int? {
        guard let column, row >= 0, row < column.codes.count else { return nil }
        let code = Int(column.codes[row])
        guard code >= 0, code < column.vocabulary.count else { return nil }
        return code
    }

    /// The text of `column` in `row` with spaces and tabs trimmed; nil when missing or empty.
    private func text(_ column: TextColumn?, row: Int) -> String? {
        guard let code = Self.textCode(column, row: row) else { return nil }
        let value = column!.vocabulary[code].trimmingSpaces()
        return value.isEmpty ? nil : value
    }

    private func number(_ values: [Double]?, row: Int) -> Double {
        guard let values, row >= 0, row < values.count else { return .nan }
        return values[row]
    }

    /// The fitted code of a non-HS key (`KeyCode.missing`, `.unseen` or ≥ 0), cached by table code.
    private static func keyCode(_ column: TextColumn?, _ vocabulary: Vocabulary?, row: Int,
                                cache: inout [Int32]) -> Int32 {
        guard let code = Self.textCode(column, row: row) else { return KeyCode.missing }
        if cache.isEmpty { cache = [Int32](repeating: notLooked, count: column!.vocabulary.count) }
        if cache[code] != notLooked { return cache[code] }
        let raw = column!.vocabulary[code].trimmingSpaces()
        var fitted = KeyCode.missing
        if !raw.isEmpty {
            let found = vocabulary?.code(of: raw) ?? -1  // KeyText.key: the trimmed text
            fitted = found >= 0 ? found : KeyCode.unseen
        }
        cache[code] = fitted
        return fitted
    }

    /// The HS6, HS4 and HS2 codes of the row's HS text (the keys `KeyText.hsPrefix` makes: the
    /// first 6, 4, 2 ASCII digits when there are that many), cached by table code.
    private mutating func hsKeyCodes(row: Int) -> (hs6: Int32, hs4: Int32, hs2: Int32) {
        let columns = columns()
        guard let code = Self.textCode(columns.hs, row: row),
              !columns.hs!.vocabulary[code].trimmingSpaces().isEmpty else {
            return (KeyCode.missing, KeyCode.missing, KeyCode.missing)
        }
        if hsCodes.isEmpty { hsCodes = [Int32](repeating: Self.notLooked, count: 3 * columns.hs!.vocabulary.count) }
        if hsCodes[3 * code] == Self.notLooked {
            let found = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 6) { digits in
                var count = 0
                for b in columns.hs!.vocabulary[code].utf8 where b >= 0x30 && b <= 0x39 {
                    digits[count] = b
                    count += 1
                    if count == 6 { break }
                }
                func fitted(_ vocabulary: Vocabulary?, _ length: Int) -> Int32 {
                    guard count >= length else { return KeyCode.missing }
                    let key = String(decoding: UnsafeBufferPointer(rebasing: digits[0..<length]), as: UTF8.self)
                    let found = vocabulary?.code(of: key) ?? -1
                    return found >= 0 ? found : KeyCode.unseen
                }
                return (fitted(columns.hs6, 6), fitted(columns.hs4, 4), fitted(columns.hs2, 2))
            }
            hsCodes[3 * code] = found.0
            hsCodes[3 * code + 1] = found.1
            hsCodes[3 * code + 2] = found.2
        }
        return (hsCodes[3 * code], hsCodes[3 * code + 1], hsCodes[3 * code + 2])
    }

    /// The all-training profile at `code` of the profiled field `index`: the prior with no rows
    /// when the code is missing or unseen.
    private func profile(_ index: Int?, _ code: Int32) -> (count: Double, illicit: Double, rate: Double)? {
        guard let index else { return nil }
        guard code >= 0 else { return (0, 0, pipeline.prior) }
        let p = pipeline.profiles[index]
        return (p.count[Int(code)], p.labelSum[Int(code)], p.rate[Int(code)])
    }

    // MARK: - Facts

    /// The facts the sentence of `group` states for row `row` (see `GroupFacts` for which).
    /// - Complexity: O(1) look-ups, cached per distinct text of the table.
    package mutating func facts(for group: FeatureGroup, row: Int) -> GroupFacts {
        var facts = GroupFacts()
        switch group {
        case .unitValue:
            facts.unitValue = unitValue(row: row)
            facts.hsText = hsText(row: row)
            facts.originText = originText(row: row)
        case .importerHistory: facts.history = importerHistory(row: row)
        case .declarantHistory: facts.history = declarantHistory(row: row)
        case .hsCode:
            facts.hsText = hsText(row: row)
            facts.rate = hsIllicitRate(row: row)
        case .origin:
            facts.originText = originText(row: row)
            facts.rate = originIllicitRate(row: row)
        case .office:
            facts.officeText = officeText(row: row)
            facts.rate = officeIllicitRate(row: row)
        case .route:
            facts.departureText = departureText(row: row)
            facts.originText = originText(row: row)
            facts.rate = routeIllicitRate(departure: facts.departureText, origin: facts.originText)
        case .traderTenure: facts.tenureDays = traderTenureDays(row: row)
        case .tax: facts.amount = taxRatio(row: row)
        case .declaredValue: facts.amount = declaredValue(row: row)
        case .aeo: facts.aeo = aeo(row: row)
        case .entity(let column): facts.entityFact = namedFact(column, row: row)
        case .weight, .quantity, .date, .categorical, .numeric, .other: break
        }
        return facts
    }

    /// The fact named `name` in earlier releases' evidence, formatted for display: an entity
    /// column so named states it in its sentence ("History of office OF01 raises the risk.", the
    /// office of the declaration), as those releases did. Nil for any other name.
    private mutating func namedFact(_ name: String, row: Int) -> String? {
        func unit(_ facts: UnitValueFacts) -> String { facts.perKilogram ? " per kg" : " per unit" }
        switch name {
        case "hs_code": return hsText(row: row).map(EvidenceFormat.hsCode)
        case "origin": return originText(row: row)
        case "departure": return departureText(row: row)
        case "office": return officeText(row: row)
        case "declared_unit_value": return unitValue(row: row).map { EvidenceFormat.number($0.declared) + unit($0) }
        case "reference_unit_value":
            return unitValue(row: row).flatMap { facts in facts.reference.map { EvidenceFormat.number($0) + unit(facts) } }
        case "unit_value_ratio":
            return unitValue(row: row).flatMap { facts in facts.reference.map { EvidenceFormat.number(facts.declared / $0) } }
        case "reference_level": return unitValue(row: row)?.level?.title
        case "importer": return importerHistory(row: row)?.id
        case "importer_past_count": return importerHistory(row: row).map { EvidenceFormat.count($0.count) }
        case "importer_past_illicit": return importerHistory(row: row).map { EvidenceFormat.count($0.illicit) }
        case "declarant": return declarantHistory(row: row)?.id
        case "declarant_past_count": return declarantHistory(row: row).map { EvidenceFormat.count($0.count) }
        case "declarant_past_illicit": return declarantHistory(row: row).map { EvidenceFormat.count($0.illicit) }
        case "hs_illicit_rate": return hsIllicitRate(row: row).map(EvidenceFormat.percent)
        case "origin_illicit_rate": return originIllicitRate(row: row).map(EvidenceFormat.percent)
        case "office_illicit_rate": return officeIllicitRate(row: row).map(EvidenceFormat.percent)
        case "route_illicit_rate":
            return routeIllicitRate(departure: departureText(row: row), origin: originText(row: row))
                .map(EvidenceFormat.percent)
        case "trader_tenure_days": return traderTenureDays(row: row).map { String($0) }
        case "aeo": return aeo(row: row).map { $0 ? "yes" : "no" }
        case "tax_ratio": return taxRatio(row: row).map(EvidenceFormat.number)
        case "declared_value": return declaredValue(row: row).map(EvidenceFormat.number)
        default: return nil
        }
    }

    /// The row's HS code text (spaces and tabs trimmed), or nil.
    mutating func hsText(row: Int) -> String? { text(columns().hs, row: row) }
    /// The row's origin text, or nil.
    mutating func originText(row: Int) -> String? { text(columns().origin, row: row) }
    /// The row's departure text, or nil.
    mutating func departureText(row: Int) -> String? { text(columns().departure, row: row) }
    /// The row's office text, or nil.
    mutating func officeText(row: Int) -> String? { text(columns().office, row: row) }

    /// The unit value against its reference; nil when the schema has no customs value or the row
    /// no usable unit value.
    mutating func unitValue(row: Int) -> UnitValueFacts? {
        guard row >= 0, row < table.rowCount, pipeline.roles.customsValue != nil else { return nil }
        let columns = columns()
        let amounts = RowAmounts(value: number(columns.value, row: row), fob: .nan,
                                 quantity: number(columns.quantity, row: row), net: number(columns.net, row: row),
                                 gross: number(columns.gross, row: row), taxes: .nan)
        guard let basis = amounts.referenceBasis else { return nil }
        var facts = UnitValueFacts(declared: basis.value, perKilogram: basis.perKilogram)
        let hs = hsKeyCodes(row: row)
        let origin = Self.keyCode(columns.origin, columns.country, row: row, cache: &originCodes)
        let found = basis.perKilogram
            ? pipeline.referencePerKilogram.lookup(hs6: hs.hs6, hs4: hs.hs4, hs2: hs.hs2, origin: origin)
            : pipeline.referencePerUnit.lookup(hs6: hs.hs6, hs4: hs.hs4, hs2: hs.hs2, origin: origin)
        if let (statistic, level) = found {
            facts.reference = Numerics.exponential(statistic.median)
            facts.level = level
        }
        return facts
    }

    /// The importer's history; nil without an importer id or an importer profile.
    mutating func importerHistory(row: Int) -> HistoryFacts? {
        let columns = columns()
        guard let id = text(columns.importer, row: row) else { return nil }
        let code = Self.keyCode(columns.importer, columns.importerVocabulary, row: row, cache: &importerCodes)
        guard let history = profile(columns.importerProfile, code) else { return nil }
        return HistoryFacts(id: id, count: history.count, illicit: history.illicit)
    }

    /// The declarant's history; nil without a declarant id or a declarant profile.
    mutating func declarantHistory(row: Int) -> HistoryFacts? {
        let columns = columns()
        guard let id = text(columns.declarant, row: row) else { return nil }
        let code = Self.keyCode(columns.declarant, columns.declarantVocabulary, row: row, cache: &declarantCodes)
        guard let history = profile(columns.declarantProfile, code) else { return nil }
        return HistoryFacts(id: id, count: history.count, illicit: history.illicit)
    }

    /// The smoothed illicit rate of the row's HS6 code; nil without an HS text, an HS6 key (six
    /// digits) or an HS6 profile.
    mutating func hsIllicitRate(row: Int) -> Double? {
        guard hsText(row: row) != nil else { return nil }
        let hs6 = hsKeyCodes(row: row).hs6
        guard hs6 != KeyCode.missing else { return nil }
        return profile(columns().hs6Profile, hs6)?.rate
    }

    /// The smoothed illicit rate of the row's origin; nil without an origin or an origin profile.
    mutating func originIllicitRate(row: Int) -> Double? {
        let columns = columns()
        guard text(columns.origin, row: row) != nil else { return nil }
        let code = Self.keyCode(columns.origin, columns.country, row: row, cache: &originCodes)
        return profile(columns.originProfile, code)?.rate
    }

    /// The smoothed illicit rate of the row's office; nil without an office or an office profile.
    mutating func officeIllicitRate(row: Int) -> Double? {
        let columns = columns()
        guard text(columns.office, row: row) != nil else { return nil }
        let code = Self.keyCode(columns.office, columns.officeVocabulary, row: row, cache: &officeCodes)
        return profile(columns.officeProfile, code)?.rate
    }

    /// The smoothed illicit rate of the route `departure→origin` (the row's texts as `originText`
    /// and `departureText` read them); nil when either is missing or routes are not a field.
    mutating func routeIllicitRate(departure: String?, origin: String?) -> Double? {
        let columns = columns()
        guard let origin, let departure, columns.routeIsField else { return nil }
        let route = columns.route?.code(of: KeyText.route(departure: departure, origin: origin)) ?? -1
        return profile(columns.routeProfile, route >= 0 ? route : KeyCode.unseen)?.rate
    }

    /// Days since the importer's first training declaration (0 when unseen or never dated); nil
    /// without dates, an importer or the row's date.
    mutating func traderTenureDays(row: Int) -> Int64? {
        guard pipeline.hasDate, row >= 0, row < table.rowCount else { return nil }
        let columns = columns()
        let importer = Self.keyCode(columns.importer, columns.importerVocabulary, row: row, cache: &importerCodes)
        guard importer != KeyCode.missing, let dates = table.dates, row < dates.count, let date = dates[row] else {
            return nil
        }
        let firstDates = pipeline.importerFirstDate
        let first = importer >= 0 && Int(importer) < firstDates.count ? firstDates[Int(importer)] : Int32.max
        return first == Int32.max ? 0 : max(0, Int64(date) - Int64(first))
    }

    /// The declared (customs) value; nil when missing or not finite.
    mutating func declaredValue(row: Int) -> Double? {
        let value = number(columns().value, row: row)
        return value.isFinite ? value : nil
    }

    /// Taxes / declared value; nil when undefined (no positive value, missing taxes) or not finite.
    mutating func taxRatio(row: Int) -> Double? {
        let columns = columns()
        let value = number(columns.value, row: row)
        let ratio = value > 0 ? number(columns.taxes, row: row) / value : .nan
        return ratio.isFinite ? ratio : nil
    }

    /// The AEO flag (`true` for any non-zero value); nil when missing.
    mutating func aeo(row: Int) -> Bool? {
        let flag = number(columns().aeo, row: row)
        return flag.isNaN ? nil : flag != 0
    }
}

import RiskData
import RiskDeclarations

/// The unit-value facts of one declaration as numbers: what `evidence(for:row:wanting:)` formats
/// into `declared_unit_value`, `reference_unit_value`, `unit_value_ratio` and `reference_level`.
package struct UnitValueFacts: Sendable, Hashable {
    /// The declared unit value (per kg when a weight exists, else per unit); `≥ 0` or +∞.
    package var declared: Double
    /// Whether `declared` and `reference` are per kilogram (else per unit).
    package var perKilogram: Bool
    /// The reference unit value `exp(median ln)`, when a reference group exists.
    package var reference: Double?
    /// The reference group `reference` came from.
    package var level: ReferenceLevel?
}

/// One trader's training history: the facts behind `importer`, `importer_past_count`,
/// `importer_past_illicit` (or the declarant's).
package struct HistoryFacts: Sendable, Hashable {
    /// The trader id as read (spaces and tabs trimmed).
    package var id: String
    /// Training declarations of the trader (0 when unseen).
    package var count: Double
    /// Illicit training declarations of the trader.
    package var illicit: Double
}

/// The evidence of one declaration as typed facts, each computed only when asked: the facts of
/// `evidence(for:row:wanting:)` before they are formatted into strings, so that a reason sentence
/// formats only what it prints, once, straight into its text (no `Evidence` dictionary, no
/// number → text → number round trips). Each fact is the value `evidence(for:row:)` formats, under
/// the same conditions (`ReasonFactsTests` checks every fact against the dictionary).
extension FittedFeaturePipeline {
    /// The text of `column` in `row` with spaces and tabs trimmed; nil when missing or empty
    /// (the `text` of `evidence(for:row:wanting:)`).
    package func factText(_ column: String?, table: DeclarationTable, row: Int) -> String? {
        guard let column, row >= 0, let values = table.text[column], row < values.codes.count else { return nil }
        let code = Int(values.codes[row])
        guard code >= 0, code < values.vocabulary.count else { return nil }
        let value = values.vocabulary[code].trimmingSpaces()
        return value.isEmpty ? nil : value
    }

    /// The number of `column` in `row`; NaN when missing.
    package func factNumber(_ column: String?, table: DeclarationTable, row: Int) -> Double {
        guard let column, row >= 0, let values = table.numbers[column], row < values.count else { return .nan }
        return values[row]
    }

    /// The fitted code of `field` in `row` (`KeyCode.missing`, `.unseen` or ≥ 0), as in `evidence`.
    func factCode(_ field: KeyField, table: DeclarationTable, row: Int) -> Int32 {
        guard let raw = factText(roles.textColumn(of: field), table: table, row: row),
              let key = KeyText.key(of: field, from: raw) else {
            return KeyCode.missing
        }
        let code = vocabularies[field.space]?.code(of: key) ?? -1
        return code >= 0 ? code : KeyCode.unseen
    }

    /// The codes of the HS6, HS4 and HS2 keys of `hsText` from one scan of its digits (the keys
    /// `KeyText.hsPrefix` makes: the first 6, 4, 2 ASCII digits when there are that many).
    func factHSCodes(_ hsText: String?) -> (hs6: Int32, hs4: Int32, hs2: Int32) {
        guard let hsText else { return (KeyCode.missing, KeyCode.missing, KeyCode.missing) }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 6) { digits in
            var count = 0
            for b in hsText.utf8 where b >= 0x30 && b <= 0x39 {
                digits[count] = b
                count += 1
                if count == 6 { break }
            }
            func code(_ space: String, _ length: Int) -> Int32 {
                guard count >= length else { return KeyCode.missing }
                let key = String(decoding: UnsafeBufferPointer(rebasing: digits[0..<length]), as: UTF8.self)
                let code = vocabularies[space]?.code(of: key) ?? -1
                return code >= 0 ? code : KeyCode.unseen
            }
            return (code("hs6", 6), code("hs4", 4), code("hs2", 2))
        }
    }

    /// The all-training profile of `field` at `code`: nil when the field is not profiled; the
    /// prior with no rows when the code is missing or unseen.
    func factProfile(_ field: KeyField, _ code: Int32) -> (count: Double, illicit: Double, rate: Double)? {
        guard let index = profileIndex(field) else { return nil }
        guard code >= 0 else { return (0, 0, prior) }
        let p = profiles[index]
        return (p.count[Int(code)], p.labelSum[Int(code)], p.rate[Int(code)])
    }

    /// The unit value against its reference; nil when the schema has no customs value or the row
    /// no usable unit value (the four unit-value facts of `evidence` are then absent).
    package func unitValueFacts(table: DeclarationTable, row: Int) -> UnitValueFacts? {
        guard row >= 0, row < table.rowCount, roles.customsValue != nil else { return nil }
        let amounts = RowAmounts(value: factNumber(roles.customsValue, table: table, row: row), fob: .nan,
                                 quantity: factNumber(roles.quantity, table: table, row: row),
                                 net: factNumber(roles.netWeight, table: table, row: row),
                                 gross: factNumber(roles.grossWeight, table: table, row: row), taxes: .nan)
        guard let basis = amounts.referenceBasis else { return nil }
        var facts = UnitValueFacts(declared: basis.value, perKilogram: basis.perKilogram)
        let hs = factHSCodes(factText(roles.hsCode, table: table, row: row))
        let origin = factCode(.origin, table: table, row: row)
        let reference = basis.perKilogram ? referencePerKilogram : referencePerUnit
        if let (statistic, level) = reference.lookup(hs6: hs.hs6, hs4: hs.hs4, hs2: hs.hs2, origin: origin) {
            facts.reference = Numerics.exponential(statistic.median)
            facts.level = level
        }
        return facts
    }

    /// The importer's or declarant's history (`field` is `.importer` or `.declarant`); nil when
    /// the row has no such id or the field is not profiled.
    package func historyFacts(_ field: KeyField, table: DeclarationTable, row: Int) -> HistoryFacts? {
        guard row >= 0, row < table.rowCount, let id = factText(roles.textColumn(of: field), table: table, row: row),
              let history = factProfile(field, factCode(field, table: table, row: row)) else { return nil }
        return HistoryFacts(id: id, count: history.count, illicit: history.illicit)
    }

    /// The smoothed illicit rate of the row's HS6 code; nil without an HS code of six digits or
    /// an HS6 profile.
    package func hsIllicitRate(table: DeclarationTable, row: Int) -> Double? {
        guard row >= 0, row < table.rowCount, let hsText = factText(roles.hsCode, table: table, row: row) else {
            return nil
        }
        let hs6 = factHSCodes(hsText).hs6
        guard hs6 != KeyCode.missing else { return nil }
        return factProfile(.hs6, hs6)?.rate
    }

    /// The smoothed illicit rate of the row's origin; nil without an origin or an origin profile.
    package func originIllicitRate(table: DeclarationTable, row: Int) -> Double? {
        guard row >= 0, row < table.rowCount, factText(roles.origin, table: table, row: row) != nil else { return nil }
        return factProfile(.origin, factCode(.origin, table: table, row: row))?.rate
    }

    /// The smoothed illicit rate of the row's office; nil without an office or an office profile.
    package func officeIllicitRate(table: DeclarationTable, row: Int) -> Double? {
        guard row >= 0, row < table.rowCount, factText(roles.office, table: table, row: row) != nil else { return nil }
        return factProfile(.office, factCode(.office, table: table, row: row))?.rate
    }

    /// The smoothed illicit rate of the route `departure→origin` (texts as `factText` reads them);
    /// nil when either is missing or routes are not profiled.
    package func routeIllicitRate(departure: String?, origin: String?) -> Double? {
        guard let origin, let departure, fieldIndex(.route) != nil else { return nil }
        let route = vocabularies["route"]?.code(of: KeyText.route(departure: departure, origin: origin)) ?? -1
        return factProfile(.route, route >= 0 ? route : KeyCode.unseen)?.rate
    }

    /// Days since the importer's first training declaration (0 when unseen or never dated); nil
    /// without dates, an importer or the row's date.
    package func traderTenureDays(table: DeclarationTable, row: Int) -> Int64? {
        guard hasDate, row >= 0, row < table.rowCount else { return nil }
        let importer = factCode(.importer, table: table, row: row)
        guard importer != KeyCode.missing, let dates = table.dates, row < dates.count, let date = dates[row] else {
            return nil
        }
        let first = importer >= 0 && Int(importer) < importerFirstDate.count ? importerFirstDate[Int(importer)] : Int32.max
        return first == Int32.max ? 0 : max(0, Int64(date) - Int64(first))
    }

    /// The declared (customs) value; nil when missing or not finite.
    package func declaredValueFact(table: DeclarationTable, row: Int) -> Double? {
        guard row >= 0, row < table.rowCount else { return nil }
        let value = factNumber(roles.customsValue, table: table, row: row)
        return value.isFinite ? value : nil
    }

    /// Taxes / declared value; nil when undefined (no positive value, missing taxes) or not finite.
    package func taxRatioFact(table: DeclarationTable, row: Int) -> Double? {
        guard row >= 0, row < table.rowCount else { return nil }
        let value = factNumber(roles.customsValue, table: table, row: row)
        let ratio = value > 0 ? factNumber(roles.taxes, table: table, row: row) / value : .nan
        return ratio.isFinite ? ratio : nil
    }

    /// The AEO flag (`true` for any non-zero value); nil when missing.
    package func aeoFact(table: DeclarationTable, row: Int) -> Bool? {
        guard row >= 0, row < table.rowCount else { return nil }
        let flag = factNumber(roles.aeoFlag, table: table, row: row)
        return flag.isNaN ? nil : flag != 0
    }
}

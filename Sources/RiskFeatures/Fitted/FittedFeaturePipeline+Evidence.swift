import RiskData
import RiskDeclarations

extension FittedFeaturePipeline {
    /// Facts that explain the features of one declaration in customs terms (`EvidenceKey` keys).
    ///
    /// Uses all-training statistics (like `transform`). A fact whose inputs are missing is left out.
    /// Values: HS code as "8703.23"; unit values with their basis ("3.1 per kg" or "12 per unit");
    /// the ratio declared / reference ("0.18"); the reference group ("HS6 × origin", "HS6", "HS4",
    /// "HS2", "all goods"); importer/declarant ids with their training declaration and illicit
    /// counts; smoothed illicit rates as percentages ("12%"); tenure in days; AEO "yes"/"no".
    ///
    /// - Parameters:
    ///   - table: Declarations (any size; only `row` is read).
    ///   - row: Row index; out of range gives empty evidence.
    /// - Complexity: O(1) hash lookups per fact.
    public func evidence(for table: DeclarationTable, row: Int) -> Evidence {
        evidence(for: table, row: row, wanting: { _ in true })
    }

    /// The facts of `evidence(for:row:)` whose key `wants` accepts (each the same text), computing
    /// only those: a reason sentence reads a few facts, and formatting all of them for every
    /// explained declaration cost more than choosing the reasons. Facts `wants` rejects may still
    /// be present when they come for free with a wanted one.
    ///
    /// - Complexity: O(1) hash lookups per wanted fact; `wants` is called about 20 times.
    package func evidence(for table: DeclarationTable, row: Int, wanting wants: (String) -> Bool) -> Evidence {
        var evidence = Evidence()
        guard row >= 0, row < table.rowCount else { return evidence }
        func text(_ column: String?) -> String? {
            guard let column, let values = table.text[column], row < values.codes.count else { return nil }
            let code = Int(values.codes[row])
            guard code >= 0, code < values.vocabulary.count else { return nil }
            let value = values.vocabulary[code].trimmingSpaces()
            return value.isEmpty ? nil : value
        }
        func number(_ column: String?) -> Double {
            guard let column, let values = table.numbers[column], row < values.count else { return .nan }
            return values[row]
        }
        func code(_ field: KeyField) -> Int32 {
            guard let raw = text(roles.textColumn(of: field)), let key = KeyText.key(of: field, from: raw) else {
                return KeyCode.missing
            }
            let code = vocabularies[field.space]?.code(of: key) ?? -1
            return code >= 0 ? code : KeyCode.unseen
        }
        func profile(_ field: KeyField, _ code: Int32) -> (count: Double, illicit: Double, rate: Double)? {
            guard let index = profileIndex(field) else { return nil }
            guard code >= 0 else { return (0, 0, prior) }
            let p = profiles[index]
            return (p.count[Int(code)], p.labelSum[Int(code)], p.rate[Int(code)])
        }

        let hsText = text(roles.hsCode)
        if let hsText, wants(EvidenceKey.hsCode) { evidence[EvidenceKey.hsCode] = EvidenceFormat.hsCode(hsText) }
        let originText = text(roles.origin), departureText = text(roles.departure)
        if let originText { evidence[EvidenceKey.origin] = originText }
        if let departureText { evidence[EvidenceKey.departure] = departureText }

        // Unit value against its reference.
        let amounts = RowAmounts(value: number(roles.customsValue), fob: number(roles.fobValue),
                                 quantity: number(roles.quantity), net: number(roles.netWeight),
                                 gross: number(roles.grossWeight), taxes: number(roles.taxes))
        let unitValueWanted = wants(EvidenceKey.declaredUnitValue) || wants(EvidenceKey.referenceUnitValue)
            || wants(EvidenceKey.unitValueRatio) || wants(EvidenceKey.referenceLevel)
        let hsRateWanted = hsText != nil && wants(EvidenceKey.hsIllicitRate)
        let hs6 = unitValueWanted || hsRateWanted ? code(.hs6) : KeyCode.missing
        let hs4 = unitValueWanted ? code(.hs4) : KeyCode.missing, hs2 = unitValueWanted ? code(.hs2) : KeyCode.missing
        let origin = unitValueWanted || (originText != nil && wants(EvidenceKey.originIllicitRate))
            ? code(.origin) : KeyCode.missing
        if unitValueWanted, roles.customsValue != nil, let basis = amounts.referenceBasis {
            let unit = basis.perKilogram ? "per kg" : "per unit"
            evidence[EvidenceKey.declaredUnitValue] = "\(EvidenceFormat.number(basis.value)) \(unit)"
            let reference = basis.perKilogram ? referencePerKilogram : referencePerUnit
            if let (statistic, level) = reference.lookup(hs6: hs6, hs4: hs4, hs2: hs2, origin: origin) {
                let referenceValue = Numerics.exponential(statistic.median)
                evidence[EvidenceKey.referenceUnitValue] = "\(EvidenceFormat.number(referenceValue)) \(unit)"
                evidence[EvidenceKey.unitValueRatio] = EvidenceFormat.number(basis.value / referenceValue)
                evidence[EvidenceKey.referenceLevel] = level.title
            }
        }
        if wants(EvidenceKey.declaredValue), amounts.value.isFinite {
            evidence[EvidenceKey.declaredValue] = EvidenceFormat.number(amounts.value)
        }
        if wants(EvidenceKey.taxRatio), amounts.taxRatio.isFinite {
            evidence[EvidenceKey.taxRatio] = EvidenceFormat.number(amounts.taxRatio)
        }

        // Trader histories.
        let tenureWanted = hasDate && wants(EvidenceKey.traderTenureDays)
        let importerWanted = wants(EvidenceKey.importer) || wants(EvidenceKey.importerPastCount)
            || wants(EvidenceKey.importerPastIllicit)
        let importer = importerWanted || tenureWanted ? code(.importer) : KeyCode.missing
        if importerWanted, let id = text(roles.importer), let history = profile(.importer, importer) {
            evidence[EvidenceKey.importer] = id
            evidence[EvidenceKey.importerPastCount] = EvidenceFormat.count(history.count)
            evidence[EvidenceKey.importerPastIllicit] = EvidenceFormat.count(history.illicit)
        }
        if wants(EvidenceKey.declarant) || wants(EvidenceKey.declarantPastCount)
            || wants(EvidenceKey.declarantPastIllicit),
           let id = text(roles.declarant), let history = profile(.declarant, code(.declarant)) {
            evidence[EvidenceKey.declarant] = id
            evidence[EvidenceKey.declarantPastCount] = EvidenceFormat.count(history.count)
            evidence[EvidenceKey.declarantPastIllicit] = EvidenceFormat.count(history.illicit)
        }

        // Illicit rates of the goods, the country, the route and the office.
        if hsRateWanted, hs6 != KeyCode.missing, let p = profile(.hs6, hs6) {
            evidence[EvidenceKey.hsIllicitRate] = EvidenceFormat.percent(p.rate)
        }
        if originText != nil, wants(EvidenceKey.originIllicitRate), let p = profile(.origin, origin) {
            evidence[EvidenceKey.originIllicitRate] = EvidenceFormat.percent(p.rate)
        }
        if let originText, let departureText, wants(EvidenceKey.routeIllicitRate), fieldIndex(.route) != nil {
            let name = KeyText.route(departure: departureText, origin: originText)
            let route = vocabularies["route"]?.code(of: name) ?? -1
            if let p = profile(.route, route >= 0 ? route : KeyCode.unseen) {
                evidence[EvidenceKey.routeIllicitRate] = EvidenceFormat.percent(p.rate)
            }
        }
        if wants(EvidenceKey.office) || wants(EvidenceKey.officeIllicitRate), let office = text(roles.office) {
            evidence[EvidenceKey.office] = office
            if wants(EvidenceKey.officeIllicitRate), let p = profile(.office, code(.office)) {
                evidence[EvidenceKey.officeIllicitRate] = EvidenceFormat.percent(p.rate)
            }
        }

        // Tenure and AEO status.
        if tenureWanted, importer != KeyCode.missing, let dates = table.dates, row < dates.count, let date = dates[row] {
            let first = importer >= 0 && Int(importer) < importerFirstDate.count
                ? importerFirstDate[Int(importer)] : Int32.max
            let days = first == Int32.max ? 0 : max(0, Int64(date) - Int64(first))
            evidence[EvidenceKey.traderTenureDays] = String(days)
        }
        let aeo = wants(EvidenceKey.aeo) ? number(roles.aeoFlag) : .nan
        if !aeo.isNaN { evidence[EvidenceKey.aeo] = aeo != 0 ? "yes" : "no" }
        return evidence
    }
}

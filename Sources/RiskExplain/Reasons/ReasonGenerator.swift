import RiskData

/// Turns a grouped explanation and a declaration's `Evidence` into the few reasons an officer reads.
///
/// Selection: groups whose share `|value| / Σ|values|` is at least `minimumShare` are candidates;
/// risk-increasing ones come first (largest value first), then risk-lowering ones (most negative
/// first), ties by group name; the first `maximumCount` are kept. The `aeo` group is not a
/// candidate: when its contribution is negative and the evidence does not say the importer is not
/// an AEO, it is appended as the mitigating `AEO_TRUSTED` reason, whatever its share.
///
/// Group → code (catalogue 1.0): `unit_value` → `UNIT_VALUE_LOW` (ratio to reference ≤ 1 or
/// unknown) / `UNIT_VALUE_HIGH` (> 1); `importer_history` → `IMPORTER_HISTORY`; `declarant_history`
/// → `DECLARANT_HISTORY`; `route` → `ROUTE_TRANSSHIPMENT`; `trader_tenure` → `NEW_TRADER`;
/// `hs_code` → `HS_RISK`; `origin` → `ORIGIN_RISK`; `office` → `OFFICE_RISK`; `tax` → `TAX_RATIO`;
/// `declared_value` → `DECLARED_VALUE`; `entity:<column>` → `ENTITY_HISTORY`; `aeo` → `AEO_TRUSTED`;
/// anything else → `FIELD_PATTERN`.
///
/// Sentences use the evidence facts when present and fall back to shorter sentences when a fact is
/// missing (never "nil"). See Docs/Explanations.md for every template.
public struct ReasonGenerator: Sendable {
    /// The catalogue the codes come from.
    public let catalog: ReasonCodeCatalog
    /// Most reasons returned (the AEO mitigating reason may come on top).
    public let maximumCount: Int
    /// Smallest share of Σ|group values| a group needs to become a reason.
    public let minimumShare: Double

    /// Creates a generator.
    ///
    /// - Parameters:
    ///   - catalog: Must contain every code listed above (`ReasonCodeCatalog.standard` does).
    ///   - maximumCount: At least 0; default 3.
    ///   - minimumShare: In `0...1`; default 0.05 (5% of Σ|contributions|).
    /// - Throws: `RiskExplainError` `.invalidParameter` for a missing code or an out-of-range parameter.
    public init(catalog: ReasonCodeCatalog = .standard, maximumCount: Int = 3, minimumShare: Double = 0.05) throws {
        guard maximumCount >= 0 else {
            throw RiskExplainError(.invalidParameter, "maximumCount is \(maximumCount); expected 0 or more reasons.")
        }
        guard minimumShare >= 0, minimumShare <= 1 else {
            throw RiskExplainError(.invalidParameter, "minimumShare is \(minimumShare); expected a share in 0...1, "
                                   + "e.g. 0.05 for 5% of the total absolute contribution.")
        }
        for code in ReasonCodeCatalog.standard.codes where catalog[code.code] == nil {
            throw RiskExplainError(.invalidParameter, "Reason-code catalogue \(catalog.version) has no code "
                                   + "\(code.code), which the generator uses. Add it or use ReasonCodeCatalog.standard.")
        }
        self.catalog = catalog
        self.maximumCount = maximumCount
        self.minimumShare = minimumShare
    }

    /// The reasons for one declaration.
    ///
    /// - Parameters:
    ///   - explanation: The declaration's grouped explanation.
    ///   - evidence: Facts about the declaration (`EvidenceKey` keys).
    /// - Returns: At most `maximumCount` reasons (+ 1 for AEO), risk-increasing first.
    /// - Complexity: O(groups log groups).
    public func reasons(for explanation: GroupedExplanation, evidence: Evidence) -> [Reason] {
        let total = explanation.groups.reduce(0) { $0 + abs($1.value) }
        guard total > 0, total.isFinite else { return [] }
        let candidates = explanation.groups.filter {
            $0.group != FeatureGroup.aeo && $0.value != 0 && abs($0.value) / total >= minimumShare
        }.sorted { a, b in
            if (a.value > 0) != (b.value > 0) { return a.value > 0 }
            if a.value != b.value { return a.value > 0 ? a.value > b.value : a.value < b.value }
            return a.group < b.group
        }
        var reasons: [Reason] = []
        for candidate in candidates where reasons.count < maximumCount {
            let next = reason(for: candidate, total: total, evidence: evidence)
            if Self.repeatsOriginRisk(next, reasons) { continue }
            reasons.append(next)
        }
        if let aeo = explanation.groups.first(where: { $0.group == FeatureGroup.aeo }), aeo.value < 0,
           evidence[EvidenceKey.aeo]?.lowercased() != "no" {
            reasons.append(Reason(code: ReasonCode.aeoTrusted.code,
                                  text: "Importer is an Authorised Economic Operator (trusted trader).",
                                  value: aeo.value, group: aeo.group, share: abs(aeo.value) / total))
        }
        return reasons
    }

    /// Reusable buffers for `reasons(contributions:grouping:scratch:evidence:)`: one per thread.
    package struct Scratch {
        var sums: [Double] = []
        var order: [Int] = []
        var candidates: [Int] = []
        var keys: [String] = []

        package init() {}
    }

    /// Appends the evidence keys the sentence of `group` reads (see `factSentence`); keep the two
    /// in step. `ReasonGeneratorEvidenceTests` checks that sentences built from only these facts
    /// equal sentences built from all of them.
    package static func evidenceKeys(group: String, into keys: inout [String]) {
        switch group {
        case FeatureGroup.unitValue:
            keys += [EvidenceKey.declaredUnitValue, EvidenceKey.referenceUnitValue, EvidenceKey.unitValueRatio,
                     EvidenceKey.referenceLevel, EvidenceKey.hsCode, EvidenceKey.origin]
        case FeatureGroup.importerHistory:
            keys += [EvidenceKey.importer, EvidenceKey.importerPastCount, EvidenceKey.importerPastIllicit]
        case FeatureGroup.declarantHistory:
            keys += [EvidenceKey.declarant, EvidenceKey.declarantPastCount, EvidenceKey.declarantPastIllicit]
        case FeatureGroup.hsCode: keys += [EvidenceKey.hsCode, EvidenceKey.hsIllicitRate]
        case FeatureGroup.origin: keys += [EvidenceKey.origin, EvidenceKey.originIllicitRate]
        case FeatureGroup.office: keys += [EvidenceKey.office, EvidenceKey.officeIllicitRate]
        case FeatureGroup.route: keys += [EvidenceKey.departure, EvidenceKey.origin, EvidenceKey.routeIllicitRate]
        case FeatureGroup.traderTenure: keys.append(EvidenceKey.traderTenureDays)
        case FeatureGroup.tax: keys.append(EvidenceKey.taxRatio)
        case FeatureGroup.declaredValue: keys.append(EvidenceKey.declaredValue)
        case FeatureGroup.aeo: keys.append(EvidenceKey.aeo)
        default:
            let entityPrefix = "entity:"
            if group.hasPrefix(entityPrefix) { keys.append(String(group.dropFirst(entityPrefix.count))) }
        }
    }

    /// The reasons for one declaration straight from its feature contributions: the same result as
    /// `reasons(for: GroupedExplanation(explanation, grouping: grouping), evidence: evidence())`,
    /// bit for bit, without building the grouped explanation, and calling `evidence` only when a
    /// reason will be produced. The batch scorer uses it; nothing is allocated but the reasons.
    ///
    /// - Parameters:
    ///   - contributions: One value per feature of `grouping`.
    ///   - grouping: The model's feature grouping.
    ///   - scratch: Buffers reused across calls (one per thread).
    ///   - evidence: Builds the declaration's evidence; called at most once, with the keys the
    ///     chosen reasons read (`evidenceKeys(group:into:)`); facts under other keys are not read.
    /// - Complexity: O(features + groups log groups).
    package func reasons(contributions: UnsafeBufferPointer<Double>, grouping: FeatureGrouping,
                         scratch: inout Scratch, evidence: (_ keys: [String]) -> Evidence) -> [Reason] {
        let names = grouping.groups
        let groupCount = names.count
        if scratch.sums.count != groupCount {
            scratch.sums = [Double](repeating: 0, count: groupCount)
        }
        grouping.sum(contributions, into: &scratch.sums)
        let sums = scratch.sums
        // Σ|values| in GroupedExplanation's order (|value| descending, ties by name), so the total
        // and every share are the same Doubles as on the grouped path.
        scratch.order.removeAll(keepingCapacity: true)
        scratch.order.append(contentsOf: 0..<groupCount)
        scratch.order.sort { i, j in
            let a = abs(sums[i]), b = abs(sums[j])
            return a != b ? a > b : names[i] < names[j]
        }
        var total = 0.0
        for i in scratch.order { total += abs(sums[i]) }
        guard total > 0, total.isFinite else { return [] }
        scratch.candidates.removeAll(keepingCapacity: true)
        var aeoIndex: Int?
        for i in scratch.order {
            if names[i] == FeatureGroup.aeo {
                aeoIndex = i
            } else if sums[i] != 0 && abs(sums[i]) / total >= minimumShare {
                scratch.candidates.append(i)
            }
        }
        scratch.candidates.sort { i, j in
            let a = sums[i], b = sums[j]
            if (a > 0) != (b > 0) { return a > 0 }
            if a != b { return a > 0 ? a > b : a < b }
            return names[i] < names[j]
        }
        // One candidate beyond the count: a direct shipment's route reason may repeat ORIGIN_RISK and be skipped.
        let selected = scratch.candidates.prefix(maximumCount + 1)
        let mitigating = aeoIndex.map { sums[$0] < 0 } ?? false
        guard (!selected.isEmpty && maximumCount > 0) || mitigating else { return [] }
        scratch.keys.removeAll(keepingCapacity: true)
        for i in selected { Self.evidenceKeys(group: names[i], into: &scratch.keys) }
        if mitigating { scratch.keys.append(EvidenceKey.aeo) }
        let evidence = evidence(scratch.keys)
        var reasons: [Reason] = []
        for i in selected where reasons.count < maximumCount {
            let next = reason(for: GroupContribution(group: names[i], value: sums[i]), total: total, evidence: evidence)
            if Self.repeatsOriginRisk(next, reasons) { continue }
            reasons.append(next)
        }
        if let aeoIndex, mitigating, evidence[EvidenceKey.aeo]?.lowercased() != "no" {
            let value = sums[aeoIndex]
            reasons.append(Reason(code: ReasonCode.aeoTrusted.code,
                                  text: "Importer is an Authorised Economic Operator (trusted trader).",
                                  value: value, group: names[aeoIndex], share: abs(value) / total))
        }
        return reasons
    }

    /// Whether `reason` is a second ORIGIN_RISK: a direct shipment's route reason is coded ORIGIN_RISK
    /// (see `sentence`), so with the origin's own reason it would name the same risk twice; the larger
    /// of the two (the earlier) is kept and the next candidate takes the freed place.
    static func repeatsOriginRisk(_ reason: Reason, _ earlier: [Reason]) -> Bool {
        reason.code == ReasonCode.originRisk.code && earlier.contains { $0.code == reason.code }
    }

    private func reason(for contribution: GroupContribution, total: Double, evidence: Evidence) -> Reason {
        let (code, text) = Self.sentence(group: contribution.group, value: contribution.value, evidence: evidence)
        return Reason(code: code.code, text: text, value: contribution.value, group: contribution.group,
                      share: abs(contribution.value) / total)
    }

    // MARK: - Sentences

    /// The code and sentence for `group` with contribution `value`.
    ///
    /// A sentence that states a fact without saying which way it pushes (a unit value, a history, a
    /// rate) ends with "This lowers the risk." when the contribution is negative, so a reason never
    /// reads as risk evidence when it argues the other way. A direct shipment (departure = origin) is
    /// reported under `ORIGIN_RISK`, not `ROUTE_TRANSSHIPMENT`.
    static func sentence(group: String, value: Double, evidence: Evidence) -> (ReasonCode, String) {
        var (code, text) = factSentence(group: group, value: value, evidence: evidence)
        if group == FeatureGroup.route, text.hasPrefix("Goods shipped directly from") {
            code = .originRisk
        }
        if value < 0, code != .aeoTrusted, !containsLower(text) {
            text += " This lowers the risk."
        }
        return (code, text)
    }

    /// `text.contains("lower")` (Foundation's search): on ASCII text a byte search, which is the
    /// same test there and skips building a `CFString`; other text keeps the Foundation call.
    static func containsLower(_ text: String) -> Bool {
        // Native strings: one pass over the contiguous bytes, nothing copied.
        let contiguous: Bool?? = text.utf8.withContiguousStorageIfAvailable { bytes -> Bool? in
            var high: UInt8 = 0
            for b in bytes { high |= b }
            guard high < 0x80 else { return nil }
            guard bytes.count >= 5 else { return false }
            for start in 0...(bytes.count - 5) where bytes[start] == 0x6C {
                if bytes[start + 1] == 0x6F, bytes[start + 2] == 0x77, bytes[start + 3] == 0x65,
                   bytes[start + 4] == 0x72 {
                    return true
                }
            }
            return false
        }
        if let contiguous, let found = contiguous { return found }
        let needle: [UInt8] = Array("lower".utf8)
        let bytes = text.utf8
        guard bytes.allSatisfy({ $0 < 0x80 }) else { return text.contains("lower") }
        guard bytes.count >= needle.count else { return false }
        let array = Array(bytes)
        for start in 0...(array.count - needle.count) where array[start] == needle[0] {
            if array[start..<(start + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }

    private static func factSentence(group: String, value: Double, evidence: Evidence) -> (ReasonCode, String) {
        let verb = value > 0 ? "raises" : "lowers"
        let pluralVerb = value > 0 ? "raise" : "lower"
        func fact(_ key: String) -> String? {
            guard let v = evidence[key]?.trimmingWhitespace, !v.isEmpty else { return nil }
            return v
        }
        switch group {
        case FeatureGroup.unitValue:
            return unitValueSentence(evidence: evidence, fact: fact)
        case FeatureGroup.importerHistory:
            return (.importerHistory, historySentence(role: "Importer", name: fact(EvidenceKey.importer),
                                                      count: fact(EvidenceKey.importerPastCount),
                                                      illicit: fact(EvidenceKey.importerPastIllicit), verb: pluralVerb))
        case FeatureGroup.declarantHistory:
            return (.declarantHistory, historySentence(role: "Declarant", name: fact(EvidenceKey.declarant),
                                                       count: fact(EvidenceKey.declarantPastCount),
                                                       illicit: fact(EvidenceKey.declarantPastIllicit), verb: pluralVerb))
        case FeatureGroup.hsCode:
            return (.hsRisk, rateSentence(subject: fact(EvidenceKey.hsCode).map { "HS \($0)" }, fallback: "The HS code",
                                          rate: fact(EvidenceKey.hsIllicitRate), verb: verb))
        case FeatureGroup.origin:
            return (.originRisk, rateSentence(subject: fact(EvidenceKey.origin).map { "Origin \($0)" },
                                              fallback: "The country of origin",
                                              rate: fact(EvidenceKey.originIllicitRate), verb: verb))
        case FeatureGroup.office:
            return (.officeRisk, rateSentence(subject: fact(EvidenceKey.office).map { "Office \($0)" },
                                              fallback: "The customs office",
                                              rate: fact(EvidenceKey.officeIllicitRate), verb: verb))
        case FeatureGroup.route:
            return (.routeTransshipment, routeSentence(departure: fact(EvidenceKey.departure),
                                                       origin: fact(EvidenceKey.origin),
                                                       rate: fact(EvidenceKey.routeIllicitRate), verb: verb,
                                                       pluralVerb: pluralVerb))
        case FeatureGroup.traderTenure:
            guard let days = fact(EvidenceKey.traderTenureDays) else {
                return (.newTrader, "The trader's time on record \(verb) the risk.")
            }
            if days == "0" { return (.newTrader, "Trader first seen today.") }
            return (.newTrader, "Trader first seen \(days) \(days == "1" ? "day" : "days") ago.")
        case FeatureGroup.tax:
            return (.taxRatio, fact(EvidenceKey.taxRatio).map { "Tax-to-value ratio \($0) \(verb) the risk." }
                        ?? "The tax-to-value ratio \(verb) the risk.")
        case FeatureGroup.declaredValue:
            return (.declaredValue, fact(EvidenceKey.declaredValue).map { "Declared value \($0) \(verb) the risk." }
                        ?? "The declared value \(verb) the risk.")
        case FeatureGroup.aeo:
            if evidence[EvidenceKey.aeo]?.lowercased() == "no" {
                return (.fieldPattern, "Importer is not an Authorised Economic Operator.")
            }
            return (.aeoTrusted, "AEO status \(verb) the risk.")
        default:
            let entityPrefix = "entity:"
            if group.hasPrefix(entityPrefix) {
                let column = String(group.dropFirst(entityPrefix.count))
                let name = fact(column).map { "\(column) \($0)" } ?? column
                return (.entityHistory, "History of \(name) \(verb) the risk.")
            }
            return (.fieldPattern, "Field \(fieldName(group)) \(verb) the risk.")
        }
    }

    /// "Declared unit value 3.1 per kg is 82% below the median for HS 8703.23 from CN (17.4 per kg)."
    private static func unitValueSentence(evidence: Evidence, fact: (String) -> String?) -> (ReasonCode, String) {
        let declared = fact(EvidenceKey.declaredUnitValue)
        let reference = fact(EvidenceKey.referenceUnitValue)
        var ratio = fact(EvidenceKey.unitValueRatio).flatMap(leadingNumber)
        if ratio == nil, let d = declared.flatMap(leadingNumber), let r = reference.flatMap(leadingNumber), r > 0 {
            ratio = d / r
        }
        let code: ReasonCode = (ratio ?? 0) > 1 ? .unitValueHigh : .unitValueLow
        var text = "Declared unit value" + (declared.map { " \($0)" } ?? "")
        if let ratio, ratio.isFinite, ratio >= 0 {
            let percent = Int((abs(1 - ratio) * 100).rounded())
            text += percent == 0 ? " is at the median" : " is \(percent)% \(ratio < 1 ? "below" : "above") the median"
        } else {
            text += " differs from the median"
        }
        text += scope(hsCode: fact(EvidenceKey.hsCode), origin: fact(EvidenceKey.origin),
                      level: fact(EvidenceKey.referenceLevel))
        text += (reference.map { " (\($0))" } ?? "") + "."
        return (code, text)
    }

    /// " for HS 8703.23 from CN", narrowed to the reference level when it is HS4 or HS2.
    private static func scope(hsCode: String?, origin: String?, level: String?) -> String {
        let level = level?.uppercased() ?? ""
        let useOrigin = level.isEmpty || level.contains("ORIGIN")
        var hs = hsCode
        if let code = hsCode {
            let digits = code.filter(\.isNumber)
            if level.hasPrefix("HS4"), digits.count >= 4 { hs = String(digits.prefix(4)) }
            if level.hasPrefix("HS2"), digits.count >= 2 { hs = "chapter " + String(digits.prefix(2)) }
        }
        switch (hs, useOrigin ? origin : nil) {
        case let (hs?, origin?): return " for HS \(hs) from \(origin)"
        case let (hs?, nil): return " for HS \(hs)"
        case let (nil, origin?): return " for goods from \(origin)"
        case (nil, nil): return " for comparable goods"
        }
    }

    /// "Importer IMP123: 4 of 11 past declarations illicit."
    private static func historySentence(role: String, name: String?, count: String?, illicit: String?,
                                        verb: String) -> String {
        let subject = name.map { "\(role) \($0)" }
        // "0 of 0 past declarations illicit" tells an officer nothing: say there is no history.
        if count == "0" {
            return "\(subject ?? role): no past declarations on record (scored with the overall rate)."
        }
        if let count, let illicit {
            let noun = count == "1" ? "declaration" : "declarations"
            return "\(subject ?? role): \(illicit) of \(count) past \(noun) illicit."
        }
        if let subject { return "\(subject)'s past declarations \(verb) the risk." }
        return "The \(role.lowercased())'s past declarations \(verb) the risk."
    }

    /// "Origin CN: 7% of past declarations illicit."
    private static func rateSentence(subject: String?, fallback: String, rate: String?, verb: String) -> String {
        switch (subject, rate) {
        case let (subject?, rate?): return "\(subject): \(rate) of past declarations illicit."
        case let (nil, rate?): return "\(fallback): \(rate) of past declarations illicit."
        case let (subject?, nil): return "\(subject) \(verb) the risk."
        case (nil, nil): return "\(fallback) \(verb) the risk."
        }
    }

    /// "Goods from CN shipped via SG: 9% of past declarations on this route illicit."
    private static func routeSentence(departure: String?, origin: String?, rate: String?, verb: String,
                                      pluralVerb: String) -> String {
        let rateText = rate.map { ": \($0) of past declarations on this route illicit." }
        switch (departure, origin) {
        case let (departure?, origin?) where departure != origin:
            return "Goods from \(origin) shipped via \(departure)" + (rateText ?? " \(pluralVerb) the risk.")
        case (_?, let origin?):
            return "Goods shipped directly from \(origin)" + (rateText ?? " \(pluralVerb) the risk.")
        default:
            return rateText.map { "This route" + $0 } ?? "The shipping route \(verb) the risk."
        }
    }

    /// `categorical:gross_mass` → `gross_mass`.
    private static func fieldName(_ group: String) -> String {
        for prefix in ["categorical:", "numeric:"] where group.hasPrefix(prefix) {
            return String(group.dropFirst(prefix.count))
        }
        return group
    }

    /// The number at the start of "3.1 per kg", "0.18" or "17,4" (comma read as a decimal point).
    static func leadingNumber(_ text: String) -> Double? {
        // ASCII fast path: the same scan over bytes (ASCII `isNumber` is exactly 0–9).
        let trimmed = text.trimmingWhitespace
        if trimmed.utf8.allSatisfy({ $0 < 0x80 }) {
            // Kept bytes in a stack buffer (no array per call), then the same `Double(String)`.
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: trimmed.utf8.count) { buffer in
                var count = 0
                for b in trimmed.utf8 {
                    if (b >= 0x30 && b <= 0x39) || b == 0x2E || (b == 0x2D && count == 0) {
                        buffer[count] = b
                    } else if b == 0x2C {
                        buffer[count] = 0x2E
                    } else {
                        break
                    }
                    count += 1
                }
                return Double(String(decoding: UnsafeBufferPointer(rebasing: buffer[0..<count]), as: UTF8.self))
            }
        }
        var digits = ""
        for character in text.trimmingWhitespace {
            if character.isNumber || character == "." || (character == "-" && digits.isEmpty) {
                digits.append(character)
            } else if character == "," {
                digits.append(".")
            } else {
                break
            }
        }
        return Double(digits)
    }
}

extension String {
    /// The string without leading and trailing `Character.isWhitespace` characters.
    ///
    /// ASCII fast path (evidence facts are ASCII): for ASCII text `isWhitespace` is exactly
    /// tab, LF, VT, FF, CR and space, and a CR-LF pair is trimmed either way, so bytes give the
    /// same result as characters; text with any other byte takes the `Character` path.
    var trimmingWhitespace: String {
        let utf8 = self.utf8
        if utf8.allSatisfy({ $0 < 0x80 }) {
            func isSpace(_ b: UInt8) -> Bool { b == 0x20 || (b >= 0x09 && b <= 0x0D) }
            guard let first = utf8.firstIndex(where: { !isSpace($0) }) else { return "" }
            let last = utf8.lastIndex(where: { !isSpace($0) })!
            if first == utf8.startIndex && last == utf8.index(before: utf8.endIndex) { return self }
            return String(self[first...last])
        }
        var s = Substring(self)
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        while let c = s.last, c.isWhitespace { s.removeLast() }
        return String(s)
    }
}

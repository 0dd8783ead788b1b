import Foundation
import RiskExplain
import RiskFeatures
import RiskTestSupport

/// The readable twin of the reason path, kept as the oracle of `SentenceWriter` and
/// `ReasonGenerator`: the sentence templates as `String` interpolation over display texts (the
/// evidence dictionary of earlier releases, `EvidenceKey` keys), and the selection as sorts over a
/// `GroupedExplanation`. The production path writes the same bytes without the dictionary, without
/// number → text → number round trips except the one the ratio makes, and without sorting closures.
enum SentenceOracle {
    /// The reasons of `explanation` with the evidence `evidence(group)` gives each group.
    static func reasons(for explanation: GroupedExplanation, maximumCount: Int, minimumShare: Double,
                        evidence: (FeatureGroup) -> [String: String]) -> [Reason] {
        let total = explanation.groups.reduce(0) { $0 + abs($1.value) }
        guard total > 0, total.isFinite else { return [] }
        let candidates = explanation.groups.filter {
            $0.group != .aeo && $0.value != 0 && abs($0.value) / total >= minimumShare
        }.sorted { a, b in
            if (a.value > 0) != (b.value > 0) { return a.value > 0 }
            if a.value != b.value { return a.value > 0 ? a.value > b.value : a.value < b.value }
            return a.group.name < b.group.name
        }
        var reasons: [Reason] = []
        for candidate in candidates where reasons.count < maximumCount {
            let (code, text) = sentence(group: candidate.group, value: candidate.value,
                                        evidence: evidence(candidate.group))
            // A direct shipment's route reason is ORIGIN_RISK: never twice.
            if code == "ORIGIN_RISK", reasons.contains(where: { $0.code == code }) { continue }
            reasons.append(Reason(code: code, text: text, value: candidate.value, group: candidate.group,
                                  share: abs(candidate.value) / total))
        }
        if let aeo = explanation.groups.first(where: { $0.group == .aeo }), aeo.value < 0,
           evidence(.aeo)[EvidenceKey.aeo]?.lowercased() != "no" {
            reasons.append(Reason(code: "AEO_TRUSTED", text: "Importer is an Authorised Economic Operator (trusted trader).",
                                  value: aeo.value, group: aeo.group, share: abs(aeo.value) / total))
        }
        return reasons
    }

    /// The code and sentence for `group` with contribution `value`.
    static func sentence(group: FeatureGroup, value: Double, evidence: [String: String]) -> (String, String) {
        var (code, text) = factSentence(group: group.name, value: value, evidence: evidence)
        if group == .route, text.hasPrefix("Goods shipped directly from") {
            code = "ORIGIN_RISK"
        }
        if value < 0, code != "AEO_TRUSTED", !text.contains("lower") {
            text += " This lowers the risk."
        }
        return (code, text)
    }

    private static func factSentence(group: String, value: Double, evidence: [String: String]) -> (String, String) {
        let verb = value > 0 ? "raises" : "lowers"
        let pluralVerb = value > 0 ? "raise" : "lower"
        func fact(_ key: String) -> String? {
            guard let v = evidence[key].map(trim), !v.isEmpty else { return nil }
            return v
        }
        switch group {
        case "unit_value":
            return unitValueSentence(fact: fact)
        case "importer_history":
            return ("IMPORTER_HISTORY", historySentence(role: "Importer", name: fact(EvidenceKey.importer),
                                                        count: fact(EvidenceKey.importerPastCount),
                                                        illicit: fact(EvidenceKey.importerPastIllicit), verb: pluralVerb))
        case "declarant_history":
            return ("DECLARANT_HISTORY", historySentence(role: "Declarant", name: fact(EvidenceKey.declarant),
                                                         count: fact(EvidenceKey.declarantPastCount),
                                                         illicit: fact(EvidenceKey.declarantPastIllicit),
                                                         verb: pluralVerb))
        case "hs_code":
            return ("HS_RISK", rateSentence(subject: fact(EvidenceKey.hsCode).map { "HS \($0)" }, fallback: "The HS code",
                                            rate: fact(EvidenceKey.hsIllicitRate), verb: verb))
        case "origin":
            return ("ORIGIN_RISK", rateSentence(subject: fact(EvidenceKey.origin).map { "Origin \($0)" },
                                                fallback: "The country of origin",
                                                rate: fact(EvidenceKey.originIllicitRate), verb: verb))
        case "office":
            return ("OFFICE_RISK", rateSentence(subject: fact(EvidenceKey.office).map { "Office \($0)" },
                                                fallback: "The customs office",
                                                rate: fact(EvidenceKey.officeIllicitRate), verb: verb))
        case "route":
            return ("ROUTE_TRANSSHIPMENT", routeSentence(departure: fact(EvidenceKey.departure),
                                                         origin: fact(EvidenceKey.origin),
                                                         rate: fact(EvidenceKey.routeIllicitRate), verb: verb,
                                                         pluralVerb: pluralVerb))
        case "trader_tenure":
            guard let days = fact(EvidenceKey.traderTenureDays) else {
                return ("NEW_TRADER", "The trader's time on record \(verb) the risk.")
            }
            if days == "0" { return ("NEW_TRADER", "Trader first seen today.") }
            return ("NEW_TRADER", "Trader first seen \(days) \(days == "1" ? "day" : "days") ago.")
        case "tax":
            return ("TAX_RATIO", fact(EvidenceKey.taxRatio).map { "Tax-to-value ratio \($0) \(verb) the risk." }
                        ?? "The tax-to-value ratio \(verb) the risk.")
        case "declared_value":
            return ("DECLARED_VALUE", fact(EvidenceKey.declaredValue).map { "Declared value \($0) \(verb) the risk." }
                        ?? "The declared value \(verb) the risk.")
        case "aeo":
            if evidence[EvidenceKey.aeo]?.lowercased() == "no" {
                return ("FIELD_PATTERN", "Importer is not an Authorised Economic Operator.")
            }
            return ("AEO_TRUSTED", "Importer is an Authorised Economic Operator (trusted trader).")
        default:
            if group.hasPrefix("entity:") {
                let column = String(group.dropFirst("entity:".count))
                let name = fact(column).map { "\(column) \($0)" } ?? column
                return ("ENTITY_HISTORY", "History of \(name) \(verb) the risk.")
            }
            return ("FIELD_PATTERN", "Field \(fieldName(group)) \(verb) the risk.")
        }
    }

    /// "Declared unit value 3.1 per kg is 82% below the median for HS 8703.23 from CN (17.4 per kg)."
    private static func unitValueSentence(fact: (String) -> String?) -> (String, String) {
        let declared = fact(EvidenceKey.declaredUnitValue)
        let reference = fact(EvidenceKey.referenceUnitValue)
        var ratio = fact(EvidenceKey.unitValueRatio).flatMap(leadingNumber)
        if ratio == nil, let d = declared.flatMap(leadingNumber), let r = reference.flatMap(leadingNumber), r > 0 {
            ratio = d / r
        }
        let code = (ratio ?? 0) > 1 ? "UNIT_VALUE_HIGH" : "UNIT_VALUE_LOW"
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
        var digits = ""
        for character in trim(text) {
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

    /// Without leading and trailing `Character.isWhitespace` characters.
    static func trim(_ text: String) -> String {
        var s = Substring(text)
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        while let c = s.last, c.isWhitespace { s.removeLast() }
        return String(s)
    }
}

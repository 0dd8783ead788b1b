import Foundation
import RiskFeatures

/// The codes the sentences produce (`ReasonCode` values without copying their strings).
enum SentenceCode: CaseIterable {
    case unitValueLow, unitValueHigh, importerHistory, declarantHistory, routeTransshipment, newTrader
    case hsRisk, originRisk, officeRisk, taxRatio, declaredValue, entityHistory, aeoTrusted, fieldPattern

    /// `reasonCode.code` as a literal (no catalogue entry copied per reason; a test checks they agree).
    var code: String {
        switch self {
        case .unitValueLow: "UNIT_VALUE_LOW"
        case .unitValueHigh: "UNIT_VALUE_HIGH"
        case .importerHistory: "IMPORTER_HISTORY"
        case .declarantHistory: "DECLARANT_HISTORY"
        case .routeTransshipment: "ROUTE_TRANSSHIPMENT"
        case .newTrader: "NEW_TRADER"
        case .hsRisk: "HS_RISK"
        case .originRisk: "ORIGIN_RISK"
        case .officeRisk: "OFFICE_RISK"
        case .taxRatio: "TAX_RATIO"
        case .declaredValue: "DECLARED_VALUE"
        case .entityHistory: "ENTITY_HISTORY"
        case .aeoTrusted: "AEO_TRUSTED"
        case .fieldPattern: "FIELD_PATTERN"
        }
    }
}

/// Writes the reason sentence of one feature group from its typed facts: the one sentence writer
/// (templates in Docs/Explanations.md; their readable `String`-interpolation twin is the oracle
/// of `SentenceWriterTests`). Each fact is formatted once, with `EvidenceFormat`, straight into
/// the text. A missing fact gives a shorter sentence, never "nil"; a fact text is trimmed of
/// whitespace and dropped when blank.
///
/// A sentence that states a fact without saying which way it pushes (a unit value, a history, a
/// rate) ends with " This lowers the risk." when the contribution is negative (unless it already
/// contains "lower"), so a reason never reads as risk evidence when it argues the other way. A
/// direct shipment (departure = origin) is reported under `ORIGIN_RISK`, not `ROUTE_TRANSSHIPMENT`.
enum SentenceWriter {
    /// The code and sentence of `group` with contribution `value` (non-zero, finite).
    static func sentence(group: FeatureGroup, value: Double, facts: GroupFacts) -> (SentenceCode, String) {
        let raises = value > 0
        let verb = raises ? "raises" : "lowers"
        let pluralVerb = raises ? "raise" : "lower"
        var text = ""
        text.reserveCapacity(128)
        var code: SentenceCode
        // Sentences that end in the verb say which way they push.
        var statesDirection = false
        switch group {
        case .unitValue:
            code = unitValueSentence(facts, into: &text)
        case .importerHistory:
            code = .importerHistory
            statesDirection = historySentence(facts.history, role: "Importer", lowercasedRole: "importer",
                                              verb: pluralVerb, into: &text)
        case .declarantHistory:
            code = .declarantHistory
            statesDirection = historySentence(facts.history, role: "Declarant", lowercasedRole: "declarant",
                                              verb: pluralVerb, into: &text)
        case .hsCode:
            code = .hsRisk
            let hs = HSDigits(hsText: facts.hsText)
            if hs.isEmpty {
                text += "The HS code"
            } else {
                text += "HS "
                hs.appendCode(to: &text)
            }
            statesDirection = rateTail(facts.rate, verb: verb, into: &text)
        case .origin:
            code = .originRisk
            append(subject: "Origin ", displayed(facts.originText), fallback: "The country of origin", to: &text)
            statesDirection = rateTail(facts.rate, verb: verb, into: &text)
        case .office:
            code = .officeRisk
            append(subject: "Office ", displayed(facts.officeText), fallback: "The customs office", to: &text)
            statesDirection = rateTail(facts.rate, verb: verb, into: &text)
        case .route:
            code = .routeTransshipment
            if let departure = displayed(facts.departureText), let origin = displayed(facts.originText) {
                if departure != origin {
                    text.appendPieces("Goods from ", origin, " shipped via ", departure)
                } else {
                    code = .originRisk
                    text.appendPieces("Goods shipped directly from ", origin)
                }
                if let rate = facts.rate {
                    appendRouteRate(rate, to: &text)
                } else {
                    text.appendPieces(" ", pluralVerb, " the risk.")
                    statesDirection = true
                }
            } else if let rate = facts.rate {
                text += "This route"
                appendRouteRate(rate, to: &text)
            } else {
                text.appendPieces("The shipping route ", verb, " the risk.")
                statesDirection = true
            }
        case .traderTenure:
            code = .newTrader
            if let days = facts.tenureDays {
                if days == 0 {
                    text += "Trader first seen today."
                } else {
                    text.appendPieces("Trader first seen ", String(days), days == 1 ? " day ago." : " days ago.")
                }
            } else {
                text.appendPieces("The trader's time on record ", verb, " the risk.")
                statesDirection = true
            }
        case .tax:
            code = .taxRatio
            appendAmount(facts.amount, named: "Tax-to-value ratio", otherwise: "The tax-to-value ratio", verb: verb,
                         into: &text)
            statesDirection = true
        case .declaredValue:
            code = .declaredValue
            appendAmount(facts.amount, named: "Declared value", otherwise: "The declared value", verb: verb,
                         into: &text)
            statesDirection = true
        case .aeo:
            if facts.aeo == false {
                code = .fieldPattern
                text += "Importer is not an Authorised Economic Operator."
            } else {
                code = .aeoTrusted
                text += "Importer is an Authorised Economic Operator (trusted trader)."
                statesDirection = true
            }
        case .entity(let column):
            code = .entityHistory
            text.appendPieces("History of ", column)
            if let fact = displayed(facts.entityFact) { text.appendPieces(" ", fact) }
            text.appendPieces(" ", verb, " the risk.")
            statesDirection = true
        case .categorical(let name), .numeric(let name), .other(let name):
            code = .fieldPattern
            text.appendPieces("Field ", name, " ", verb, " the risk.")
            statesDirection = true
        case .weight, .quantity, .date:
            code = .fieldPattern
            text.appendPieces("Field ", group.name, " ", verb, " the risk.")
            statesDirection = true
        }
        if !raises, !statesDirection, !containsLower(text) {
            text += " This lowers the risk."
        }
        return (code, text)
    }

    /// A fact text for display: trimmed of `Character.isWhitespace`, nil when blank. Text whose first
    /// and last bytes are printable ASCII has no whitespace to trim (a grapheme that ends in such a
    /// byte starts with a non-whitespace scalar), so it is returned as is.
    static func displayed(_ text: String?) -> String? {
        guard let text else { return nil }
        if let first = text.utf8.first, let last = text.utf8.last,
           first > 0x20, first < 0x7F, last > 0x20, last < 0x7F {
            return text
        }
        let trimmed = text.trimmingWhitespace
        return trimmed.isEmpty ? nil : trimmed
    }

    static func append(subject prefix: String, _ name: String?, fallback: String, to text: inout String) {
        if let name {
            text += prefix
            text += name
        } else {
            text += fallback
        }
    }

    /// ": 7% of past declarations illicit." or " raises the risk." (then returns `true`).
    static func rateTail(_ rate: Double?, verb: String, into text: inout String) -> Bool {
        guard let rate else {
            text.appendPieces(" ", verb, " the risk.")
            return true
        }
        text.appendPieces(": ", EvidenceFormat.percent(rate), " of past declarations illicit.")
        return false
    }

    static func appendRouteRate(_ rate: Double, to text: inout String) {
        text.appendPieces(": ", EvidenceFormat.percent(rate), " of past declarations on this route illicit.")
    }

    /// "Importer IMP123: 4 of 11 past declarations illicit."; returns whether the sentence ends in the verb.
    static func historySentence(_ history: HistoryFacts?, role: String, lowercasedRole: String, verb: String,
                                into text: inout String) -> Bool {
        guard let history else {
            text.appendPieces("The ", lowercasedRole, "'s past declarations ", verb, " the risk.")
            return true
        }
        text += role
        if let name = displayed(history.id) { text.appendPieces(" ", name) }
        let count = EvidenceFormat.count(history.count)
        // "0 of 0 past declarations illicit" tells an officer nothing: say there is no history.
        if count == "0" {
            text += ": no past declarations on record (scored with the overall rate)."
            return false
        }
        text.appendPieces(": ", EvidenceFormat.count(history.illicit), " of ", count)
        text += count == "1" ? " past declaration illicit." : " past declarations illicit."
        return false
    }

    /// "Tax-to-value ratio 0.18 raises the risk." / "The tax-to-value ratio raises the risk."
    static func appendAmount(_ value: Double?, named name: String, otherwise fallback: String, verb: String,
                             into text: inout String) {
        if let value {
            text.appendPieces(name, " ", EvidenceFormat.number(value))
        } else {
            text += fallback
        }
        text.appendPieces(" ", verb, " the risk.")
    }

    /// "Declared unit value 3.1 per kg is 82% below the median for HS 8703.23 from CN (17.4 per kg)."
    static func unitValueSentence(_ facts: GroupFacts, into text: inout String) -> SentenceCode {
        let unitValue = facts.unitValue
        let unit = unitValue?.perKilogram == true ? " per kg" : " per unit"
        var ratio: Double?
        if let unitValue, let reference = unitValue.reference {
            // The ratio as printed (rounded by `EvidenceFormat.number`), read back.
            ratio = numberAsPrinted(EvidenceFormat.number(unitValue.declared / reference))
            if ratio == nil, let d = numberAsPrinted(EvidenceFormat.number(unitValue.declared)),
               let r = numberAsPrinted(EvidenceFormat.number(reference)), r > 0 {
                ratio = d / r
            }
        }
        text += "Declared unit value"
        if let unitValue { text.appendPieces(" ", EvidenceFormat.number(unitValue.declared), unit) }
        if let ratio, ratio.isFinite, ratio >= 0 {
            let percent = Int((abs(1 - ratio) * 100).rounded())
            if percent == 0 {
                text += " is at the median"
            } else {
                text.appendPieces(" is ", String(percent), ratio < 1 ? "% below the median" : "% above the median")
            }
        } else {
            text += " differs from the median"
        }
        // " for HS 8703.23 from CN", narrowed to the reference level when it is HS4 or HS2.
        let level = unitValue?.level
        let hs = HSDigits(hsText: facts.hsText)
        let origin = level == nil || level == .hs6Origin ? displayed(facts.originText) : nil
        if !hs.isEmpty {
            text += " for HS "
            if level == .hs4, hs.factDigitCount >= 4 {
                hs.appendDigits(4, to: &text)
            } else if level == .hs2, hs.factDigitCount >= 2 {
                text += "chapter "
                hs.appendDigits(2, to: &text)
            } else {
                hs.appendCode(to: &text)
            }
            if let origin { text.appendPieces(" from ", origin) }
        } else if let origin {
            text.appendPieces(" for goods from ", origin)
        } else {
            text += " for comparable goods"
        }
        if let reference = unitValue?.reference { text.appendPieces(" (", EvidenceFormat.number(reference), unit, ")") }
        text += "."
        return (ratio ?? 0) > 1 ? .unitValueHigh : .unitValueLow
    }

    /// A number `EvidenceFormat.number` printed, read back as far as it is a plain decimal: "0.18"
    /// is 0.18, "1.2e+300" reads 1.2 (the digits before the exponent), "n/a" and "±∞" are nil.
    static func numberAsPrinted(_ text: String) -> Double? {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: text.utf8.count) { buffer in
            var count = 0
            for b in text.utf8 {
                guard (b >= 0x30 && b <= 0x39) || b == 0x2E || (b == 0x2D && count == 0) else { break }
                buffer[count] = b
                count += 1
            }
            return Double(String(decoding: UnsafeBufferPointer(rebasing: buffer[0..<count]), as: UTF8.self))
        }
    }

    /// `text.contains("lower")` (Foundation's search): on ASCII text a byte search, which is the
    /// same test there and skips building a `CFString`; other text keeps the Foundation call.
    static func containsLower(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes -> Bool? in
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
        } ?? text.contains("lower")
    }
}

/// The ASCII digits of an HS code text, as `EvidenceFormat.hsCode` prints them: "8703.23" from
/// six or more digits, else the digits (none: no HS fact).
struct HSDigits {
    /// Up to six digits.
    private var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0)
    /// Digits kept (at most 6); 6 means the text had six or more.
    private(set) var factDigitCount = 0

    init(hsText: String?) {
        guard let hsText else { return }
        withUnsafeMutableBytes(of: &digits) { buffer in
            for b in hsText.utf8 where b >= 0x30 && b <= 0x39 {
                buffer[factDigitCount] = b
                factDigitCount += 1
                if factDigitCount == 6 { break }
            }
        }
    }

    var isEmpty: Bool { factDigitCount == 0 }

    /// The first `count` digits.
    func appendDigits(_ count: Int, to text: inout String) {
        var digits = self.digits
        withUnsafeBytes(of: &digits) { buffer in
            text += String(decoding: UnsafeRawBufferPointer(rebasing: buffer[0..<count]), as: UTF8.self)
        }
    }

    /// "8703.23", or the digits when fewer than six.
    func appendCode(to text: inout String) {
        guard factDigitCount >= 6 else { return appendDigits(factDigitCount, to: &text) }
        var digits = self.digits
        withUnsafeBytes(of: &digits) { buffer in
            text += String(decoding: UnsafeRawBufferPointer(rebasing: buffer[0..<4]), as: UTF8.self)
            text += "."
            text += String(decoding: UnsafeRawBufferPointer(rebasing: buffer[4..<6]), as: UTF8.self)
        }
    }
}

extension String {
    /// Appends the pieces in turn, building no intermediate string.
    @inline(__always)
    mutating func appendPieces(_ a: String, _ b: String, _ c: String = "", _ d: String = "", _ e: String = "") {
        self += a
        self += b
        self += c
        self += d
        self += e
    }

    /// The string without leading and trailing `Character.isWhitespace` characters.
    ///
    /// ASCII fast path (fact texts are mostly ASCII): for ASCII text `isWhitespace` is exactly
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

import RiskData
import RiskDeclarations
import RiskFeatures

// The scorer's reason path with typed evidence: the same reasons as
// `reasons(contributions:grouping:scratch:evidence:)` fed with `FittedFeaturePipeline.evidence`
// (bit for bit, byte for byte: `ReasonGeneratorTypedTests` compares them), without the evidence
// dictionary. Groups are resolved once (`FeatureGrouping.reasonPlan`), name ties are broken by
// precomputed ranks, facts are read as numbers for the chosen groups only and formatted once,
// with the same `EvidenceFormat` functions, straight into the sentence.
extension ReasonGenerator {
    /// The reasons for row `row` of the reader's table from its feature contributions: exactly
    /// `reasons(contributions:grouping:scratch:evidence:)` with the evidence
    /// `pipeline.evidence(for: table, row: row, wanting:)` gives, without building it.
    ///
    /// - Parameters:
    ///   - contributions: One value per feature of `grouping`.
    ///   - grouping: The model's feature grouping.
    ///   - scratch: Buffers reused across calls (one per thread).
    ///   - evidence: The typed evidence of the table's rows (one reader per thread: it caches
    ///     look-ups); its pipeline's `evidence(for:row:)` is what the sentences state.
    ///   - row: The declaration's row in the reader's table.
    /// - Complexity: O(features + groups²) (insertion sorts of a few dozen groups); nothing is
    ///   allocated but the reasons and their sentences.
    package func reasons(contributions: UnsafeBufferPointer<Double>, grouping: FeatureGrouping,
                         scratch: inout Scratch, evidence: inout EvidenceReader, row: Int) -> [Reason] {
        let plan = grouping.reasonPlan
        if plan.usesDictionaryPath {
            let pipeline = evidence.pipeline, table = evidence.table
            return reasons(contributions: contributions, grouping: grouping, scratch: &scratch) { keys in
                pipeline.evidence(for: table, row: row, wanting: { keys.contains($0) })
            }
        }
        let groupCount = grouping.groups.count
        if scratch.sums.count != groupCount {
            scratch.sums = [Double](repeating: 0, count: groupCount)
        }
        grouping.sum(contributions, into: &scratch.sums)
        scratch.order.removeAll(keepingCapacity: true)
        scratch.order.append(contentsOf: 0..<groupCount)
        scratch.candidates.removeAll(keepingCapacity: true)
        let minimumShare = self.minimumShare
        // Σ|values| in GroupedExplanation's order (|value| descending; equal |values| add the same
        // Double whatever their order), so the total and every share are the grouped path's Doubles.
        let total: Double = scratch.sums.withUnsafeBufferPointer { sums in
            plan.ranks.withUnsafeBufferPointer { ranks in
                scratch.order.withUnsafeMutableBufferPointer { order in
                    Self.insertionSort(order) { i, j in
                        let a = abs(sums[i]), b = abs(sums[j])
                        return a != b ? a > b : ranks[i] < ranks[j]
                    }
                    var total = 0.0
                    for i in order { total += abs(sums[i]) }
                    return total
                }
            }
        }
        guard total > 0, total.isFinite else { return [] }
        let aeoIndex = plan.aeoIndex
        for i in scratch.order where i != aeoIndex {
            let value = scratch.sums[i]
            if value != 0 && abs(value) / total >= minimumShare { scratch.candidates.append(i) }
        }
        scratch.sums.withUnsafeBufferPointer { sums in
            plan.ranks.withUnsafeBufferPointer { ranks in
                scratch.candidates.withUnsafeMutableBufferPointer { candidates in
                    Self.insertionSort(candidates) { i, j in
                        let a = sums[i], b = sums[j]
                        if (a > 0) != (b > 0) { return a > 0 }
                        if a != b { return a > 0 ? a > b : a < b }
                        return ranks[i] < ranks[j]
                    }
                }
            }
        }
        // One candidate beyond the count: a direct shipment's route reason may repeat ORIGIN_RISK and be skipped.
        let selectedCount = min(scratch.candidates.count, maximumCount + 1)
        let mitigating = aeoIndex.map { scratch.sums[$0] < 0 } ?? false
        guard (selectedCount > 0 && maximumCount > 0) || mitigating else { return [] }
        let names = grouping.groups
        var reasons: [Reason] = []
        reasons.reserveCapacity(min(selectedCount, maximumCount) + (mitigating ? 1 : 0))
        var hasOriginRisk = false
        for k in 0..<selectedCount where reasons.count < maximumCount {
            let i = scratch.candidates[k]
            let value = scratch.sums[i]
            if hasOriginRisk, case .origin = plan.kinds[i] { continue }  // ORIGIN_RISK again: skipped
            let (code, text) = SentenceWriter.sentence(kind: plan.kinds[i], value: value, evidence: &evidence, row: row)
            if code == .originRisk {
                if hasOriginRisk { continue }
                hasOriginRisk = true
            }
            reasons.append(Reason(code: code.code, text: text, value: value, group: names[i],
                                  share: abs(value) / total))
        }
        if let aeoIndex, mitigating, evidence.aeo(row: row) != false {
            let value = scratch.sums[aeoIndex]
            reasons.append(Reason(code: SentenceCode.aeoTrusted.code,
                                  text: "Importer is an Authorised Economic Operator (trusted trader).",
                                  value: value, group: names[aeoIndex], share: abs(value) / total))
        }
        return reasons
    }

    /// Sorts `items` by `areInIncreasingOrder` (a strict total order here: ties end on distinct
    /// ranks), in place; the few dozen groups of a schema make insertion sort the cheapest.
    @inline(__always)
    static func insertionSort(_ items: UnsafeMutableBufferPointer<Int>,
                              by areInIncreasingOrder: (Int, Int) -> Bool) {
        guard items.count > 1 else { return }
        for k in 1..<items.count {
            let item = items[k]
            var position = k
            while position > 0 && areInIncreasingOrder(item, items[position - 1]) {
                items[position] = items[position - 1]
                position -= 1
            }
            items[position] = item
        }
    }
}

/// The codes the typed sentences produce (`ReasonCode` values without copying their strings).
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

    var reasonCode: ReasonCode {
        switch self {
        case .unitValueLow: .unitValueLow
        case .unitValueHigh: .unitValueHigh
        case .importerHistory: .importerHistory
        case .declarantHistory: .declarantHistory
        case .routeTransshipment: .routeTransshipment
        case .newTrader: .newTrader
        case .hsRisk: .hsRisk
        case .originRisk: .originRisk
        case .officeRisk: .officeRisk
        case .taxRatio: .taxRatio
        case .declaredValue: .declaredValue
        case .entityHistory: .entityHistory
        case .aeoTrusted: .aeoTrusted
        case .fieldPattern: .fieldPattern
        }
    }
}

/// Writes the sentences of `ReasonGenerator.sentence(group:value:evidence:)` from the typed facts
/// of one row: the same templates, the same formatting functions, each fact read when its
/// sentence needs it. Where the dictionary path trims a fact with `trimmingWhitespace` and drops
/// it when empty, `displayed` does the same.
enum SentenceWriter {
    /// The code and sentence of a group of `kind` with contribution `value` (non-zero, finite).
    static func sentence(kind: ReasonPlan.Kind, value: Double, evidence: inout EvidenceReader,
                         row: Int) -> (SentenceCode, String) {
        let raises = value > 0
        let verb = raises ? "raises" : "lowers"
        let pluralVerb = raises ? "raise" : "lower"
        var text = ""
        text.reserveCapacity(128)
        var code: SentenceCode
        // Sentences that end in the verb say which way they push; the others state a fact and get
        // " This lowers the risk." when the contribution is negative (unless they contain "lower").
        var statesDirection = false
        switch kind {
        case .unitValue:
            code = unitValueSentence(evidence: &evidence, row: row, into: &text)
        case .importerHistory:
            code = .importerHistory
            statesDirection = historySentence(evidence.importerHistory(row: row), role: "Importer",
                                              lowercasedRole: "importer", verb: pluralVerb, into: &text)
        case .declarantHistory:
            code = .declarantHistory
            statesDirection = historySentence(evidence.declarantHistory(row: row), role: "Declarant",
                                              lowercasedRole: "declarant", verb: pluralVerb, into: &text)
        case .hsCode:
            code = .hsRisk
            let hs = HSDigits(hsText: evidence.hsText(row: row))
            let rate = evidence.hsIllicitRate(row: row)
            if hs.isEmpty {
                text += "The HS code"
            } else {
                text += "HS "
                hs.appendCode(to: &text)
            }
            statesDirection = rateTail(rate, verb: verb, into: &text)
        case .origin:
            code = .originRisk
            let origin = displayed(evidence.originText(row: row))
            let rate = evidence.originIllicitRate(row: row)
            Self.append(subject: "Origin ", origin, fallback: "The country of origin", to: &text)
            statesDirection = rateTail(rate, verb: verb, into: &text)
        case .office:
            code = .officeRisk
            let office = displayed(evidence.officeText(row: row))
            let rate = evidence.officeIllicitRate(row: row)
            Self.append(subject: "Office ", office, fallback: "The customs office", to: &text)
            statesDirection = rateTail(rate, verb: verb, into: &text)
        case .route:
            let departureText = evidence.departureText(row: row)
            let originText = evidence.originText(row: row)
            let rate = evidence.routeIllicitRate(departure: departureText, origin: originText)
            let departure = Self.displayed(departureText), origin = Self.displayed(originText)
            code = .routeTransshipment
            if let departure, let origin {
                if departure != origin {
                    text += "Goods from "
                    text += origin
                    text += " shipped via "
                    text += departure
                } else {
                    code = .originRisk
                    text += "Goods shipped directly from "
                    text += origin
                }
                if let rate {
                    Self.appendRouteRate(rate, to: &text)
                } else {
                    text += " "
                    text += pluralVerb
                    text += " the risk."
                    statesDirection = true
                }
            } else if let rate {
                text += "This route"
                Self.appendRouteRate(rate, to: &text)
            } else {
                text += "The shipping route "
                text += verb
                text += " the risk."
                statesDirection = true
            }
        case .traderTenure:
            code = .newTrader
            if let days = evidence.traderTenureDays(row: row) {
                if days == 0 {
                    text += "Trader first seen today."
                } else {
                    text += "Trader first seen "
                    text += String(days)
                    text += days == 1 ? " day ago." : " days ago."
                }
            } else {
                text += "The trader's time on record "
                text += verb
                text += " the risk."
                statesDirection = true
            }
        case .tax:
            code = .taxRatio
            Self.appendAmount(evidence.taxRatio(row: row), named: "Tax-to-value ratio",
                              otherwise: "The tax-to-value ratio", verb: verb, into: &text)
            statesDirection = true
        case .declaredValue:
            code = .declaredValue
            Self.appendAmount(evidence.declaredValue(row: row), named: "Declared value",
                              otherwise: "The declared value", verb: verb, into: &text)
            statesDirection = true
        case .aeo:
            if evidence.aeo(row: row) == false {
                code = .fieldPattern
                text += "Importer is not an Authorised Economic Operator."
            } else {
                return (.aeoTrusted, "AEO status \(verb) the risk.")
            }
        case .entity(let column):
            code = .entityHistory
            text += "History of "
            text += column
            text += " "
            text += verb
            text += " the risk."
            statesDirection = true
        case .field(let name):
            code = .fieldPattern
            text += "Field "
            text += name
            text += " "
            text += verb
            text += " the risk."
            statesDirection = true
        }
        if !raises, !statesDirection, !ReasonGenerator.containsLower(text) {
            text += " This lowers the risk."
        }
        return (code, text)
    }

    /// `fact` of the dictionary path for a text the pipeline read: `trimmingWhitespace`, nil when
    /// empty. Text whose first and last bytes are printable ASCII has no whitespace to trim (a
    /// grapheme that ends in such a byte starts with a non-whitespace scalar), so it is returned as is.
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
        if let rate {
            text += ": "
            text += EvidenceFormat.percent(rate)
            text += " of past declarations illicit."
            return false
        }
        text += " "
        text += verb
        text += " the risk."
        return true
    }

    static func appendRouteRate(_ rate: Double, to text: inout String) {
        text += ": "
        text += EvidenceFormat.percent(rate)
        text += " of past declarations on this route illicit."
    }

    /// "Importer IMP123: 4 of 11 past declarations illicit."; returns whether the sentence ends in the verb.
    static func historySentence(_ history: HistoryFacts?, role: String, lowercasedRole: String, verb: String,
                                into text: inout String) -> Bool {
        guard let history else {
            text += "The "
            text += lowercasedRole
            text += "'s past declarations "
            text += verb
            text += " the risk."
            return true
        }
        text += role
        if let name = displayed(history.id) {
            text += " "
            text += name
        }
        let count = EvidenceFormat.count(history.count)
        // "0 of 0 past declarations illicit" tells an officer nothing: say there is no history.
        if count == "0" {
            text += ": no past declarations on record (scored with the overall rate)."
            return false
        }
        text += ": "
        text += EvidenceFormat.count(history.illicit)
        text += " of "
        text += count
        text += count == "1" ? " past declaration illicit." : " past declarations illicit."
        return false
    }

    /// "Declared unit value 3.1 per kg is 82% below the median for HS 8703.23 from CN (17.4 per kg)."
    /// "Tax-to-value ratio 0.18 raises the risk." / "The tax-to-value ratio raises the risk."
    static func appendAmount(_ value: Double?, named name: String, otherwise fallback: String, verb: String,
                             into text: inout String) {
        if let value {
            text += name
            text += " "
            text += EvidenceFormat.number(value)
        } else {
            text += fallback
        }
        text += " "
        text += verb
        text += " the risk."
    }

    static func unitValueSentence(evidence: inout EvidenceReader, row: Int, into text: inout String) -> SentenceCode {
        let facts = evidence.unitValue(row: row)
        let unit = facts?.perKilogram == true ? " per kg" : " per unit"
        var ratio: Double?
        if let facts, let reference = facts.reference {
            // The dictionary path formats the ratio and reads it back: the same rounding here.
            ratio = ReasonGenerator.leadingNumber(EvidenceFormat.number(facts.declared / reference))
            if ratio == nil, let d = ReasonGenerator.leadingNumber(EvidenceFormat.number(facts.declared)),
               let r = ReasonGenerator.leadingNumber(EvidenceFormat.number(reference)), r > 0 {
                ratio = d / r
            }
        }
        text += "Declared unit value"
        if let facts {
            text += " "
            text += EvidenceFormat.number(facts.declared)
            text += unit
        }
        if let ratio, ratio.isFinite, ratio >= 0 {
            let percent = Int((abs(1 - ratio) * 100).rounded())
            if percent == 0 {
                text += " is at the median"
            } else {
                text += " is "
                text += String(percent)
                text += ratio < 1 ? "% below the median" : "% above the median"
            }
        } else {
            text += " differs from the median"
        }
        // " for HS 8703.23 from CN", narrowed to the reference level when it is HS4 or HS2.
        let level = facts?.level
        let hs = HSDigits(hsText: evidence.hsText(row: row))
        let origin = level == nil || level == .hs6Origin ? displayed(evidence.originText(row: row)) : nil
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
            if let origin {
                text += " from "
                text += origin
            }
        } else if let origin {
            text += " for goods from "
            text += origin
        } else {
            text += " for comparable goods"
        }
        if let facts, let reference = facts.reference {
            text += " ("
            text += EvidenceFormat.number(reference)
            text += unit
            text += ")"
        }
        text += "."
        return (ratio ?? 0) > 1 ? .unitValueHigh : .unitValueLow
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

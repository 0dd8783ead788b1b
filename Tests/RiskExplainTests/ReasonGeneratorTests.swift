import RiskData
import Testing
@testable import RiskExplain

@Suite("ReasonGenerator")
struct ReasonGeneratorTests {
    static let fullEvidence = Evidence(facts: [
        EvidenceKey.hsCode: "8703.23", EvidenceKey.origin: "CN", EvidenceKey.departure: "SG",
        EvidenceKey.declaredUnitValue: "3.1 per kg", EvidenceKey.referenceUnitValue: "17.4 per kg",
        EvidenceKey.unitValueRatio: "0.18", EvidenceKey.referenceLevel: "HS6 × origin",
        EvidenceKey.importer: "IMP123", EvidenceKey.importerPastCount: "11", EvidenceKey.importerPastIllicit: "4",
        EvidenceKey.declarant: "DEC9", EvidenceKey.declarantPastCount: "40", EvidenceKey.declarantPastIllicit: "2",
        EvidenceKey.hsIllicitRate: "12%", EvidenceKey.originIllicitRate: "7%", EvidenceKey.routeIllicitRate: "9%",
        EvidenceKey.office: "BEANR", EvidenceKey.officeIllicitRate: "5%", EvidenceKey.traderTenureDays: "12",
        EvidenceKey.aeo: "yes", EvidenceKey.taxRatio: "0.02", EvidenceKey.declaredValue: "125000.00",
        "consignor": "CNS-7",
    ])

    static func text(_ group: String, _ value: Double = 1, _ evidence: Evidence = fullEvidence) -> String {
        ReasonGenerator.sentence(group: group, value: value, evidence: evidence).1
    }

    static func code(_ group: String, _ value: Double = 1, _ evidence: Evidence = fullEvidence) -> String {
        ReasonGenerator.sentence(group: group, value: value, evidence: evidence).0.code
    }

    /// A trader with no history gets a sentence saying so, not "0 of 0 past declarations illicit".
    @Test func traderWithoutHistory() {
        var evidence = Self.fullEvidence
        evidence[EvidenceKey.importerPastCount] = "0"
        evidence[EvidenceKey.importerPastIllicit] = "0"
        #expect(Self.text(FeatureGroup.importerHistory, 1, evidence)
                == "Importer IMP123: no past declarations on record (scored with the overall rate).")
        #expect(Self.code(FeatureGroup.importerHistory, 1, evidence) == "IMPORTER_HISTORY")
    }

    @Test func sentencesWithAllFacts() {
        #expect(Self.text(FeatureGroup.unitValue)
                == "Declared unit value 3.1 per kg is 82% below the median for HS 8703.23 from CN (17.4 per kg).")
        #expect(Self.code(FeatureGroup.unitValue) == "UNIT_VALUE_LOW")
        #expect(Self.text(FeatureGroup.importerHistory) == "Importer IMP123: 4 of 11 past declarations illicit.")
        #expect(Self.text(FeatureGroup.declarantHistory) == "Declarant DEC9: 2 of 40 past declarations illicit.")
        #expect(Self.text(FeatureGroup.hsCode) == "HS 8703.23: 12% of past declarations illicit.")
        #expect(Self.text(FeatureGroup.origin) == "Origin CN: 7% of past declarations illicit.")
        #expect(Self.text(FeatureGroup.office) == "Office BEANR: 5% of past declarations illicit.")
        #expect(Self.text(FeatureGroup.route) == "Goods from CN shipped via SG: 9% of past declarations on this route illicit.")
        #expect(Self.text(FeatureGroup.traderTenure) == "Trader first seen 12 days ago.")
        #expect(Self.text(FeatureGroup.tax) == "Tax-to-value ratio 0.02 raises the risk.")
        #expect(Self.text(FeatureGroup.declaredValue, -0.3) == "Declared value 125000.00 lowers the risk.")
        #expect(Self.text(FeatureGroup.entity("consignor")) == "History of consignor CNS-7 raises the risk.")
        #expect(Self.code(FeatureGroup.entity("consignor")) == "ENTITY_HISTORY")
        #expect(Self.text(FeatureGroup.categorical("packaging")) == "Field packaging raises the risk.")
        #expect(Self.text(FeatureGroup.weight) == "Field weight raises the risk.")
        #expect(Self.code(FeatureGroup.weight) == "FIELD_PATTERN")
    }

    @Test func unitValueVariants() {
        var evidence = Self.fullEvidence
        evidence[EvidenceKey.unitValueRatio] = "1.45"
        evidence[EvidenceKey.referenceLevel] = "HS4"
        #expect(Self.text(FeatureGroup.unitValue, 1, evidence)
                == "Declared unit value 3.1 per kg is 45% above the median for HS 8703 (17.4 per kg).")
        #expect(Self.code(FeatureGroup.unitValue, 1, evidence) == "UNIT_VALUE_HIGH")
        // Ratio missing: computed from the declared and reference values (3.1 / 17.4 = 0.178 → 82%).
        evidence[EvidenceKey.unitValueRatio] = nil
        evidence[EvidenceKey.referenceLevel] = "HS2"
        #expect(Self.text(FeatureGroup.unitValue, 1, evidence)
                == "Declared unit value 3.1 per kg is 82% below the median for HS chapter 87 (17.4 per kg).")
        // Only the ratio is known.
        let ratioOnly = Evidence(facts: [EvidenceKey.unitValueRatio: "0.996"])
        #expect(Self.text(FeatureGroup.unitValue, 1, ratioOnly)
                == "Declared unit value is at the median for comparable goods.")
        // Nothing known.
        #expect(Self.text(FeatureGroup.unitValue, 1, Evidence())
                == "Declared unit value differs from the median for comparable goods.")
        #expect(Self.code(FeatureGroup.unitValue, 1, Evidence()) == "UNIT_VALUE_LOW")
    }

    @Test func fallbacksWhenFactsAreMissing() {
        let none = Evidence()
        let nameOnly = Evidence(facts: [EvidenceKey.importer: "IMP123", EvidenceKey.origin: "CN",
                                        EvidenceKey.departure: "CN", EvidenceKey.traderTenureDays: "1"])
        #expect(Self.text(FeatureGroup.importerHistory, 1, nameOnly) == "Importer IMP123's past declarations raise the risk.")
        #expect(Self.text(FeatureGroup.importerHistory, -1, none) == "The importer's past declarations lower the risk.")
        #expect(Self.text(FeatureGroup.hsCode, 1, none) == "The HS code raises the risk.")
        #expect(Self.text(FeatureGroup.origin, 1, nameOnly) == "Origin CN raises the risk.")
        #expect(Self.text(FeatureGroup.route, 1, nameOnly) == "Goods shipped directly from CN raise the risk.")
        #expect(Self.text(FeatureGroup.route, 1, none) == "The shipping route raises the risk.")
        #expect(Self.text(FeatureGroup.traderTenure, 1, nameOnly) == "Trader first seen 1 day ago.")
        #expect(Self.text(FeatureGroup.traderTenure, 1, none) == "The trader's time on record raises the risk.")
        #expect(Self.text(FeatureGroup.entity("carrier"), 1, none) == "History of carrier raises the risk.")
        #expect(!Self.text(FeatureGroup.declarantHistory, 1, none).contains("nil"))
    }

    /// A direct shipment's route reason is coded ORIGIN_RISK; with the origin's own reason in the
    /// list it would name the same risk twice: the larger stays, the next candidate takes the slot.
    /// Values: route 1.0, origin 0.9, HS 0.5, office 0.3 (all ≥ 5% of 2.7).
    @Test func originRiskIsNamedOnce() throws {
        var direct = Self.fullEvidence
        direct[EvidenceKey.departure] = "CN"
        let grouped = GroupedExplanation(baseValue: -2, rawScore: 0.7, groups: [
            GroupContribution(group: FeatureGroup.route, value: 1.0),
            GroupContribution(group: FeatureGroup.origin, value: 0.9),
            GroupContribution(group: FeatureGroup.hsCode, value: 0.5),
            GroupContribution(group: FeatureGroup.office, value: 0.3),
        ])
        let reasons = try ReasonGenerator().reasons(for: grouped, evidence: direct)
        #expect(reasons.map(\.code) == ["ORIGIN_RISK", "HS_RISK", "OFFICE_RISK"])
        #expect(reasons.map(\.group) == [FeatureGroup.route, FeatureGroup.hsCode, FeatureGroup.office])
        // A transshipment keeps both: different codes.
        let via = try ReasonGenerator().reasons(for: grouped, evidence: Self.fullEvidence)
        #expect(via.map(\.code) == ["ROUTE_TRANSSHIPMENT", "ORIGIN_RISK", "HS_RISK"])
    }

    /// Selection: share ≥ 5%, risk-increasing first, top 3, AEO appended as mitigating.
    /// |values| sum to 4: unit value 1.6 (40%), importer 0.8 (20%), origin −0.6 (15%), HS 0.4 (10%),
    /// office 0.16 (4%, below the share), AEO −0.44 (11%).
    @Test func selectsTopReasonsAndAEO() throws {
        let grouped = GroupedExplanation(baseValue: -2, rawScore: -0.08, groups: [
            GroupContribution(group: FeatureGroup.unitValue, value: 1.6),
            GroupContribution(group: FeatureGroup.importerHistory, value: 0.8),
            GroupContribution(group: FeatureGroup.origin, value: -0.6),
            GroupContribution(group: FeatureGroup.hsCode, value: 0.4),
            GroupContribution(group: FeatureGroup.office, value: 0.16),
            GroupContribution(group: FeatureGroup.aeo, value: -0.44),
        ])
        let reasons = try ReasonGenerator().reasons(for: grouped, evidence: Self.fullEvidence)
        #expect(reasons.map(\.code) == ["UNIT_VALUE_LOW", "IMPORTER_HISTORY", "HS_RISK", "AEO_TRUSTED"])
        #expect(reasons.map(\.text) == [
            "Declared unit value 3.1 per kg is 82% below the median for HS 8703.23 from CN (17.4 per kg).",
            "Importer IMP123: 4 of 11 past declarations illicit.",
            "HS 8703.23: 12% of past declarations illicit.",
            "Importer is an Authorised Economic Operator (trusted trader).",
        ])
        #expect(reasons.map(\.value) == [1.6, 0.8, 0.4, -0.44])
        #expect(reasons.map(\.isMitigating) == [false, false, false, true])
        #expect(abs(reasons[0].share - 0.4) < 1e-15)

        // Five slots: the mitigating origin follows the risk-increasing groups; office stays below 5%.
        let five = try ReasonGenerator(maximumCount: 5).reasons(for: grouped, evidence: Self.fullEvidence)
        #expect(five.map(\.code) == ["UNIT_VALUE_LOW", "IMPORTER_HISTORY", "HS_RISK", "ORIGIN_RISK", "AEO_TRUSTED"])
        #expect(five[3].text == "Origin CN: 7% of past declarations illicit. This lowers the risk.")

        // A declared non-AEO gets no AEO reason.
        var notAEO = Self.fullEvidence
        notAEO[EvidenceKey.aeo] = "no"
        #expect(try ReasonGenerator().reasons(for: grouped, evidence: notAEO).map(\.code)
                == ["UNIT_VALUE_LOW", "IMPORTER_HISTORY", "HS_RISK"])
        // A higher minimum share keeps only the unit value (and AEO).
        #expect(try ReasonGenerator(minimumShare: 0.3).reasons(for: grouped, evidence: Self.fullEvidence).map(\.code)
                == ["UNIT_VALUE_LOW", "AEO_TRUSTED"])
        // Nothing to explain.
        let flat = GroupedExplanation(baseValue: -1, rawScore: -1,
                                      groups: [GroupContribution(group: FeatureGroup.unitValue, value: 0)])
        #expect(try ReasonGenerator().reasons(for: flat, evidence: Self.fullEvidence).isEmpty)
    }

    @Test func catalogueAndParameters() throws {
        let catalog = ReasonCodeCatalog.standard
        #expect(catalog.version == "1.0")
        #expect(catalog.codes.map(\.code) == [
            "UNIT_VALUE_LOW", "UNIT_VALUE_HIGH", "IMPORTER_HISTORY", "DECLARANT_HISTORY", "ROUTE_TRANSSHIPMENT",
            "NEW_TRADER", "HS_RISK", "ORIGIN_RISK", "OFFICE_RISK", "TAX_RATIO", "DECLARED_VALUE", "ENTITY_HISTORY",
            "AEO_TRUSTED", "FIELD_PATTERN",
        ])
        #expect(catalog["AEO_TRUSTED"]?.title == "Authorised Economic Operator")
        #expect(throws: RiskExplainError(.invalidParameter, "Reason code HS_RISK appears twice in catalogue 2.0; each "
                                         + "code must be listed once.")) {
            try ReasonCodeCatalog(version: "2.0", codes: [.hsRisk, .hsRisk])
        }
        #expect(throws: RiskExplainError(.invalidParameter, "Reason-code catalogue 0.9 has no code UNIT_VALUE_HIGH, "
                                         + "which the generator uses. Add it or use ReasonCodeCatalog.standard.")) {
            try ReasonGenerator(catalog: ReasonCodeCatalog(version: "0.9", codes: [.unitValueLow]))
        }
        #expect(throws: RiskExplainError(.invalidParameter, "minimumShare is 1.5; expected a share in 0...1, e.g. 0.05 "
                                         + "for 5% of the total absolute contribution.")) {
            try ReasonGenerator(minimumShare: 1.5)
        }
        #expect(throws: RiskExplainError(.invalidParameter, "maximumCount is -1; expected 0 or more reasons.")) {
            try ReasonGenerator(maximumCount: -1)
        }
    }

    /// The scorer's fast path (straight from contributions, evidence built lazily) returns exactly
    /// the reasons of the grouped path, on random contributions with ties, zeros and an AEO group,
    /// and builds the evidence only when a reason is produced.
    @Test(arguments: [1, 2, 3, 5] as [UInt64], [0, 1, 3] as [Int])
    func fastPathEqualsGroupedPath(seed: UInt64, maximumCount: Int) throws {
        let groups = [FeatureGroup.unitValue, FeatureGroup.aeo, FeatureGroup.origin, FeatureGroup.hsCode,
                      FeatureGroup.route, FeatureGroup.entity("consignor"), "numeric:gross_mass",
                      FeatureGroup.importerHistory, FeatureGroup.declarantHistory, FeatureGroup.office,
                      FeatureGroup.traderTenure, FeatureGroup.tax, FeatureGroup.declaredValue]
        let schema = FeatureSchema(columns: (0..<17).map { FeatureColumn(name: "f\($0)", group: groups[$0 % groups.count]) })
        #expect(Set(schema.columns.map(\.group)).count == groups.count)
        let grouping = FeatureGrouping(schema: schema)
        var generator = SeededGenerator(seed: seed)
        var scratch = ReasonGenerator.Scratch()
        for share in [0.0, 0.05, 0.3] {
            let reasonGenerator = try ReasonGenerator(maximumCount: maximumCount, minimumShare: share)
            for trial in 0..<200 {
                // Values on a coarse grid so that ties and exact zeros happen.
                let contributions = (0..<17).map { _ in
                    generator.nextUnit() < 0.3 ? 0 : (Double(generator.nextInt(below: 9)) - 4) / 8
                }
                let evidence = trial % 2 == 0 ? Self.fullEvidence : Evidence(facts: [EvidenceKey.aeo: "no"])
                let grouped = try GroupedExplanation(Explanation(baseValue: 0, contributions: contributions,
                                                                 rawScore: 0), grouping: grouping)
                let expected = reasonGenerator.reasons(for: grouped, evidence: evidence)
                var evidenceCalls = 0
                let fast = contributions.withUnsafeBufferPointer { c in
                    reasonGenerator.reasons(contributions: c, grouping: grouping, scratch: &scratch) { keys in
                        evidenceCalls += 1
                        // Only the facts the chosen reasons read: the sentences must not change.
                        return Evidence(facts: evidence.facts.filter { keys.contains($0.key) })
                    }
                }
                #expect(fast == expected, "seed \(seed) trial \(trial) share \(share)")
                #expect(evidenceCalls <= 1)
                if !expected.isEmpty { #expect(evidenceCalls == 1) }
            }
        }
    }

    /// Every sentence reads only the facts `evidenceKeys(group:into:)` lists: built from just those
    /// facts it is the sentence built from all of them, for random subsets of the facts (missing
    /// facts change the sentence) and both signs.
    @Test(arguments: [1, 2, 3] as [UInt64])
    func sentencesReadOnlyTheirEvidenceKeys(seed: UInt64) {
        let groups = [FeatureGroup.unitValue, FeatureGroup.importerHistory, FeatureGroup.declarantHistory,
                      FeatureGroup.hsCode, FeatureGroup.origin, FeatureGroup.office, FeatureGroup.route,
                      FeatureGroup.traderTenure, FeatureGroup.tax, FeatureGroup.declaredValue, FeatureGroup.aeo,
                      FeatureGroup.entity("consignor"), "categorical:transport_mode", "numeric:gross_mass"]
        var generator = SeededGenerator(seed: seed)
        for trial in 0..<300 {
            var facts = Self.fullEvidence.facts.filter { _ in generator.nextUnit() < 0.7 }
            if trial % 3 == 0 { facts[EvidenceKey.aeo] = "no" }
            if trial % 5 == 0 { facts[EvidenceKey.departure] = facts[EvidenceKey.origin] }
            let all = Evidence(facts: facts)
            for group in groups {
                var keys: [String] = []
                ReasonGenerator.evidenceKeys(group: group, into: &keys)
                let only = Evidence(facts: facts.filter { keys.contains($0.key) })
                for value in [1.0, -1.0] {
                    let full = ReasonGenerator.sentence(group: group, value: value, evidence: all)
                    let narrow = ReasonGenerator.sentence(group: group, value: value, evidence: only)
                    #expect(full.0 == narrow.0 && full.1 == narrow.1, "seed \(seed) trial \(trial) group \(group)")
                }
            }
        }
    }

    /// Naive twins of the ASCII fast paths: the `Character`-based trimming and number scan.
    static func naiveTrim(_ text: String) -> String {
        var s = Substring(text)
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        while let c = s.last, c.isWhitespace { s.removeLast() }
        return String(s)
    }

    static func naiveLeadingNumber(_ text: String) -> Double? {
        var digits = ""
        for character in naiveTrim(text) {
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

    @Test(arguments: [1, 2, 3] as [UInt64])
    func trimmingAndLeadingNumberMatchCharacterVersions(seed: UInt64) {
        let pieces = [" ", "\t", "\n", "\r\n", "\r", "\u{0B}", "\u{0C}", "\u{A0}", "\u{2003}", "3", "0", ".", ",", "-",
                      "1e5", "per kg", "x", "é", "٣", "17", "nan", ""]
        var generator = SeededGenerator(seed: seed)
        for _ in 0..<3_000 {
            let text = (0..<generator.nextInt(below: 7)).map { _ in pieces[generator.nextInt(below: pieces.count)] }
                .joined()
            #expect(text.trimmingWhitespace == Self.naiveTrim(text), "\(text.debugDescription)")
            let sentence = text + ["", "lower", "lowe", "Lower", "flowers", "lowe\u{301}r"][generator.nextInt(below: 6)] + text
            #expect(ReasonGenerator.containsLower(sentence) == sentence.contains("lower"), "\(sentence.debugDescription)")
            let fast = ReasonGenerator.leadingNumber(text), naive = Self.naiveLeadingNumber(text)
            #expect(fast?.bitPattern == naive?.bitPattern, "\(text.debugDescription)")
        }
    }
}

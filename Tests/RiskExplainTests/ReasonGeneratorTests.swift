import RiskData
import RiskFeatures
import RiskTestSupport
import Testing
@testable import RiskExplain

@Suite("ReasonGenerator")
struct ReasonGeneratorTests {
    static let fullFacts: [FeatureGroup: GroupFacts] = [
        .unitValue: GroupFacts(hsText: "8703.23", originText: "CN",
                               unitValue: UnitValueFacts(declared: 3.1, perKilogram: true, reference: 17.4,
                                                         level: .hs6Origin)),
        .importerHistory: GroupFacts(history: HistoryFacts(id: "IMP123", count: 11, illicit: 4)),
        .declarantHistory: GroupFacts(history: HistoryFacts(id: "DEC9", count: 40, illicit: 2)),
        .hsCode: GroupFacts(hsText: "8703.23", rate: 0.12),
        .origin: GroupFacts(originText: "CN", rate: 0.07),
        .office: GroupFacts(officeText: "BEANR", rate: 0.05),
        .route: GroupFacts(originText: "CN", departureText: "SG", rate: 0.09),
        .traderTenure: GroupFacts(tenureDays: 12),
        .tax: GroupFacts(amount: 0.02),
        .declaredValue: GroupFacts(amount: 125_000),
        .aeo: GroupFacts(aeo: true),
        .entity("office"): GroupFacts(entityFact: "OF01"),
    ]

    static func text(_ group: FeatureGroup, _ value: Double = 1, _ facts: GroupFacts? = nil) -> String {
        SentenceWriter.sentence(group: group, value: value, facts: facts ?? fullFacts[group] ?? GroupFacts()).1
    }

    static func code(_ group: FeatureGroup, _ value: Double = 1, _ facts: GroupFacts? = nil) -> String {
        SentenceWriter.sentence(group: group, value: value, facts: facts ?? fullFacts[group] ?? GroupFacts()).0.code
    }

    /// The reasons of one declaration whose group values are `values` (one feature per group).
    static func reasons(_ values: [(FeatureGroup, Double)], _ generator: ReasonGenerator,
                        facts: [FeatureGroup: GroupFacts] = fullFacts) -> [Reason] {
        let schema = FeatureSchema(columns: values.indices.map { FeatureColumn(name: "f\($0)", group: values[$0].0.name) })
        let grouping = FeatureGrouping(schema: schema)
        var selector = ReasonSelector()
        return values.map(\.1).withUnsafeBufferPointer { c in
            generator.reasons(contributions: c, grouping: grouping, selector: &selector) { facts[$0] ?? GroupFacts() }
        }
    }

    /// A trader with no history gets a sentence saying so, not "0 of 0 past declarations illicit".
    @Test func traderWithoutHistory() {
        let facts = GroupFacts(history: HistoryFacts(id: "IMP123", count: 0, illicit: 0))
        #expect(Self.text(.importerHistory, 1, facts)
                == "Importer IMP123: no past declarations on record (scored with the overall rate).")
        #expect(Self.code(.importerHistory, 1, facts) == "IMPORTER_HISTORY")
    }

    @Test func sentencesWithAllFacts() {
        #expect(Self.text(.unitValue)
                == "Declared unit value 3.1 per kg is 82% below the median for HS 8703.23 from CN (17.4 per kg).")
        #expect(Self.code(.unitValue) == "UNIT_VALUE_LOW")
        #expect(Self.text(.importerHistory) == "Importer IMP123: 4 of 11 past declarations illicit.")
        #expect(Self.text(.declarantHistory) == "Declarant DEC9: 2 of 40 past declarations illicit.")
        #expect(Self.text(.hsCode) == "HS 8703.23: 12% of past declarations illicit.")
        #expect(Self.text(.origin) == "Origin CN: 7% of past declarations illicit.")
        #expect(Self.text(.office) == "Office BEANR: 5% of past declarations illicit.")
        #expect(Self.text(.route) == "Goods from CN shipped via SG: 9% of past declarations on this route illicit.")
        #expect(Self.text(.traderTenure) == "Trader first seen 12 days ago.")
        #expect(Self.text(.tax) == "Tax-to-value ratio 0.02 raises the risk.")
        #expect(Self.text(.declaredValue, -0.3) == "Declared value 125000 lowers the risk.")
        #expect(Self.text(.entity("consignor")) == "History of consignor raises the risk.")
        #expect(Self.code(.entity("consignor")) == "ENTITY_HISTORY")
        // An entity column named like a fact states it, as earlier releases did.
        #expect(Self.text(.entity("office")) == "History of office OF01 raises the risk.")
        #expect(Self.text(.categorical("packaging")) == "Field packaging raises the risk.")
        #expect(Self.text(.weight) == "Field weight raises the risk.")
        #expect(Self.code(.weight) == "FIELD_PATTERN")
    }

    @Test func unitValueVariants() {
        var facts = Self.fullFacts[.unitValue]!
        facts.unitValue!.declared = 17.4 * 1.45
        facts.unitValue!.level = .hs4
        #expect(Self.text(.unitValue, 1, facts)
                == "Declared unit value 25.23 per kg is 45% above the median for HS 8703 (17.4 per kg).")
        #expect(Self.code(.unitValue, 1, facts) == "UNIT_VALUE_HIGH")
        facts.unitValue!.declared = 3.1
        facts.unitValue!.level = .hs2
        #expect(Self.text(.unitValue, 1, facts)
                == "Declared unit value 3.1 per kg is 82% below the median for HS chapter 87 (17.4 per kg).")
        // Within half a percent of the reference.
        facts.unitValue!.declared = 17.4 * 0.996
        facts.unitValue!.level = .global
        #expect(Self.text(.unitValue, 1, facts)
                == "Declared unit value 17.33 per kg is at the median for HS 8703.23 (17.4 per kg).")
        // No reference.
        facts.unitValue!.reference = nil
        facts.unitValue!.level = nil
        #expect(Self.text(.unitValue, 1, facts)
                == "Declared unit value 17.33 per kg differs from the median for HS 8703.23 from CN.")
        // Nothing known.
        #expect(Self.text(.unitValue, 1, GroupFacts())
                == "Declared unit value differs from the median for comparable goods.")
        #expect(Self.code(.unitValue, 1, GroupFacts()) == "UNIT_VALUE_LOW")
    }

    @Test func fallbacksWhenFactsAreMissing() {
        let none = GroupFacts()
        #expect(Self.text(.importerHistory, -1, none) == "The importer's past declarations lower the risk.")
        #expect(Self.text(.hsCode, 1, none) == "The HS code raises the risk.")
        #expect(Self.text(.origin, 1, GroupFacts(originText: "CN")) == "Origin CN raises the risk.")
        #expect(Self.text(.route, 1, GroupFacts(originText: "CN", departureText: "CN"))
                == "Goods shipped directly from CN raise the risk.")
        #expect(Self.code(.route, 1, GroupFacts(originText: "CN", departureText: "CN")) == "ORIGIN_RISK")
        #expect(Self.text(.route, 1, none) == "The shipping route raises the risk.")
        #expect(Self.text(.traderTenure, 1, GroupFacts(tenureDays: 1)) == "Trader first seen 1 day ago.")
        #expect(Self.text(.traderTenure, 1, none) == "The trader's time on record raises the risk.")
        #expect(Self.text(.entity("carrier"), 1, none) == "History of carrier raises the risk.")
        #expect(!Self.text(.declarantHistory, 1, none).contains("nil"))
    }

    /// A direct shipment's route reason is coded ORIGIN_RISK; with the origin's own reason in the
    /// list it would name the same risk twice: the larger stays, the next candidate takes the slot.
    /// Values: route 1.0, origin 0.9, HS 0.5, office 0.3 (all ≥ 5% of 2.7).
    @Test func originRiskIsNamedOnce() throws {
        var direct = Self.fullFacts
        direct[.route]!.departureText = "CN"
        let values: [(FeatureGroup, Double)] = [(.route, 1.0), (.origin, 0.9), (.hsCode, 0.5), (.office, 0.3)]
        let reasons = Self.reasons(values, try ReasonGenerator(), facts: direct)
        #expect(reasons.map(\.code) == ["ORIGIN_RISK", "HS_RISK", "OFFICE_RISK"])
        #expect(reasons.map(\.group) == [.route, .hsCode, .office])
        // A transshipment keeps both: different codes.
        let via = Self.reasons(values, try ReasonGenerator())
        #expect(via.map(\.code) == ["ROUTE_TRANSSHIPMENT", "ORIGIN_RISK", "HS_RISK"])
    }

    /// Selection: share ≥ 5%, risk-increasing first, top 3, AEO appended as mitigating.
    /// |values| sum to 4: unit value 1.6 (40%), importer 0.8 (20%), origin −0.6 (15%), HS 0.4 (10%),
    /// office 0.16 (4%, below the share), AEO −0.44 (11%).
    @Test func selectsTopReasonsAndAEO() throws {
        let values: [(FeatureGroup, Double)] = [(.unitValue, 1.6), (.importerHistory, 0.8), (.origin, -0.6),
                                                (.hsCode, 0.4), (.office, 0.16), (.aeo, -0.44)]
        let reasons = Self.reasons(values, try ReasonGenerator())
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
        let five = Self.reasons(values, try ReasonGenerator(maximumCount: 5))
        #expect(five.map(\.code) == ["UNIT_VALUE_LOW", "IMPORTER_HISTORY", "HS_RISK", "ORIGIN_RISK", "AEO_TRUSTED"])
        #expect(five[3].text == "Origin CN: 7% of past declarations illicit. This lowers the risk.")

        // A declared non-AEO gets no AEO reason; an unknown AEO flag does.
        var notAEO = Self.fullFacts
        notAEO[.aeo] = GroupFacts(aeo: false)
        #expect(Self.reasons(values, try ReasonGenerator(), facts: notAEO).map(\.code)
                == ["UNIT_VALUE_LOW", "IMPORTER_HISTORY", "HS_RISK"])
        notAEO[.aeo] = GroupFacts()
        #expect(Self.reasons(values, try ReasonGenerator(), facts: notAEO).last?.code == "AEO_TRUSTED")
        // A higher minimum share keeps only the unit value (and AEO).
        #expect(Self.reasons(values, try ReasonGenerator(minimumShare: 0.3)).map(\.code)
                == ["UNIT_VALUE_LOW", "AEO_TRUSTED"])
        // Nothing to explain.
        #expect(Self.reasons([(.unitValue, 0)], try ReasonGenerator()).isEmpty)
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

    /// The generator against the readable oracle (grouped explanation, sorts, templates over display
    /// texts): the same reasons, every field and bit, on random contributions with ties, zeros and an
    /// AEO group, and random facts; facts are asked only for the groups that become reasons.
    @Test(arguments: [1, 2, 3, 5] as [UInt64], [0, 1, 3] as [Int])
    func generatorEqualsOracle(seed: UInt64, maximumCount: Int) throws {
        let groups: [FeatureGroup] = [.unitValue, .aeo, .origin, .hsCode, .route, .entity("consignor"),
                                      .numeric("gross_mass"), .importerHistory, .declarantHistory, .office,
                                      .traderTenure, .tax, .declaredValue, .entity("aeo"), .other("Ω")]
        let schema = FeatureSchema(columns: (0..<19).map { FeatureColumn(name: "f\($0)", group: groups[$0 % groups.count].name) })
        let grouping = FeatureGrouping(schema: schema)
        var generator = SeededGenerator(seed: seed)
        var selector = ReasonSelector()
        var nonEmpty = 0
        for share in [0.0, 0.05, 0.3] {
            let reasonGenerator = try ReasonGenerator(maximumCount: maximumCount, minimumShare: share)
            for trial in 0..<200 {
                let contributions = (0..<19).map { _ in
                    generator.nextUnit() < 0.3 ? 0 : (Double(generator.nextInt(below: 9)) - 4) / 8
                }
                var facts: [FeatureGroup: GroupFacts] = [:]
                for group in groups { facts[group] = SentenceWriterTests.facts(&generator) }
                var asked: [FeatureGroup] = []
                let fast = contributions.withUnsafeBufferPointer { c in
                    reasonGenerator.reasons(contributions: c, grouping: grouping, selector: &selector) {
                        asked.append($0)
                        return facts[$0]!
                    }
                }
                let grouped = try GroupedExplanation(Explanation(baseValue: 0, contributions: contributions, rawScore: 0),
                                                     grouping: grouping)
                let oracle = SentenceOracle.reasons(for: grouped, maximumCount: maximumCount, minimumShare: share) {
                    facts[$0]!.evidence(for: $0)
                }
                #expect(fast == oracle, "seed \(seed) trial \(trial) share \(share)")
                #expect(fast.map(\.share.bitPattern) == oracle.map(\.share.bitPattern))
                #expect(Set(fast.map(\.group)).isSubset(of: Set(asked)))
                #expect(asked.count <= maximumCount + 2, "facts asked for \(asked)")
                if !fast.isEmpty { nonEmpty += 1 }
            }
        }
        #expect(nonEmpty > 100)
    }
}

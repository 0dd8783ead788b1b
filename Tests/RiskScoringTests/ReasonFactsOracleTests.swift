import CustomsRisk
import Foundation
import RiskData
import RiskDeclarations
@testable import RiskFeatures
import RiskTestSupport
import Testing

/// `ReasonFacts`, the one producer of reason facts, against its readable oracle: the evidence
/// dictionary of earlier releases (`EvidenceOracle`, every fact computed from the raw columns and
/// formatted), on generated, sample and hand-built edge declarations, for every group of the
/// bundles and for entity columns named like each fact.
@Suite("Reasons: facts against the evidence oracle")
struct ReasonFactsOracleTests {
    static func expectSameFacts(_ scorer: RiskScorer, table: DeclarationTable,
                                sourceLocation: SourceLocation = #_sourceLocation) throws {
        let pipeline = scorer.bundle.pipeline
        let grouping = FeatureGrouping(schema: scorer.bundle.model.featureSchema)
        let groups = grouping.groups + EvidenceKey.all.map { FeatureGroup.entity($0) } + [.entity("consignor")]
        var facts = ReasonFacts(pipeline: pipeline, table: table)
        var compared = 0
        for row in 0..<table.rowCount {
            let oracle = EvidenceOracle.evidence(pipeline, for: table, row: row)
            for group in groups {
                let keys = EvidenceKey.keys(of: group)
                let expected = oracle.filter { keys.contains($0.key) }
                let typed = facts.facts(for: group, row: row).evidence(for: group)
                #expect(typed == expected, "row \(row) \(group)", sourceLocation: sourceLocation)
                if !expected.isEmpty { compared += 1 }
            }
        }
        #expect(compared > table.rowCount, "the tables must have facts to compare", sourceLocation: sourceLocation)
    }

    @Test(arguments: ScorerFixtures.kinds, [1, 7] as [UInt64])
    func syntheticDeclarations(kind: String, seed: UInt64) throws {
        let scorer = try ScorerFixtures.scorer(kind)
        let csv = SyntheticDeclarations(rowCount: 300, seed: seed).csvBytes()
        let table = try DeclarationReader.read(bytes: csv, source: "synthetic.csv", schema: scorer.bundle.schema).table
        try Self.expectSameFacts(scorer, table: table)
    }

    @Test(arguments: ScorerFixtures.kinds)
    func sampleDeclarations(kind: String) throws {
        let scorer = try ScorerFixtures.scorer(kind)
        try Self.expectSameFacts(scorer, table: ScorerFixtures.sampleTable(scorer))
    }

    /// Hand-built declarations for every missing or odd fact: no HS code / origin / departure /
    /// weight / quantity, unseen traders and countries, direct shipments and transshipments,
    /// AEO yes, no and missing, whitespace-padded, non-ASCII and comma values, names that contain
    /// "lower", zero and huge amounts.
    static let edgeDeclarations: [Declaration] = {
        let base: [String: String] = [
            "date": "2025-03-01", "office": "OF01", "declarant_id": "DC0011", "importer_id": "IM187109",
            "seller_id": "SL00033", "hs_code": "0967896416", "origin_country": "CN", "departure_country": "CN",
            "transport_mode": "SEA", "customs_value": "7.50", "fob_value": "6.57", "quantity": "5",
            "gross_weight": "2.1", "net_weight": "2.0", "taxes": "1.71", "duty_rate": "0.1280", "aeo": "N",
        ]
        let variants: [[String: String?]] = [
            [:],
            ["departure_country": "SG"],
            ["origin_country": nil], ["departure_country": nil], ["origin_country": nil, "departure_country": nil],
            ["hs_code": nil], ["hs_code": "87"], ["hs_code": "8703"], ["hs_code": "8703.23"], ["hs_code": "999999"],
            ["hs_code": "abc"], ["hs_code": "  8703 23 10  "], ["hs_code": "٣٣8703.23"],
            ["importer_id": "NEVER-SEEN"], ["importer_id": nil], ["declarant_id": "NEW-DECLARANT"],
            ["declarant_id": nil], ["office": nil], ["office": "NEW OFFICE"], ["office": "Köln-Hafen"],
            ["office": "flowers lower"], ["importer_id": "Slower Trading"], ["origin_country": "lower"],
            ["origin_country": "  CN  ", "departure_country": "CN"], ["origin_country": "CN\u{A0}"],
            ["origin_country": "\u{2003}", "departure_country": "\u{2003}"], ["departure_country": "Côte d’Ivoire"],
            ["office": "OF,01"], ["importer_id": "IM\"1,2\""], ["origin_country": "e\u{301}", "departure_country": "\u{E9}"],
            ["aeo": "Y"], ["aeo": nil], ["date": nil],
            ["net_weight": nil], ["net_weight": nil, "gross_weight": nil], ["net_weight": "0", "gross_weight": "0"],
            ["net_weight": nil, "gross_weight": nil, "quantity": nil], ["quantity": "0", "net_weight": nil, "gross_weight": nil],
            ["customs_value": nil], ["customs_value": "0"], ["customs_value": "1e300", "net_weight": "1e-300"],
            ["customs_value": "0.0001"], ["customs_value": "123456789012345"], ["customs_value": "3.125", "net_weight": "1"],
            ["taxes": nil], ["taxes": "0"], ["taxes": "1e308", "customs_value": "1e-308"],
            ["customs_value": "10", "net_weight": "4", "taxes": "0.625"],
        ]
        return variants.enumerated().map { index, change in
            var values = base
            for (key, value) in change { values[key] = value }
            return Declaration(id: "E\(index)", values: values)
        }
    }()

    /// HS codes the reader rejects (fewer than six digits); their tables are built by hand below.
    static let rejectedEdgeDeclarations = ["E6", "E7", "E10", "E12"]

    @Test(arguments: ScorerFixtures.kinds)
    func edgeCaseDeclarations(kind: String) throws {
        let scorer = try ScorerFixtures.scorer(kind)
        var tables: [DeclarationTable] = []
        var rejected: [String] = []
        for declaration in Self.edgeDeclarations {
            // A declaration the schema rejects (an HS code without digits, a number out of range)
            // is not scored: skip it.
            if let table = try? DeclarationTable(declarations: [declaration], schema: scorer.bundle.schema) {
                tables.append(table)
            } else {
                rejected.append(declaration.id)
            }
        }
        #expect(rejected == Self.rejectedEdgeDeclarations)
        // Short, digit-less, non-ASCII-digit and padded HS texts straight in a table's vocabulary
        // (the evidence reads whatever a table holds), plus padded and blank texts in other columns.
        let column = try #require(scorer.bundle.schema.column(for: .hsCode))
        let originColumn = try #require(scorer.bundle.schema.column(for: .originCountry))
        for (target, text) in [(column, "87"), (column, "8703"), (column, "abc"), (column, "٣٣8703.23"),
                               (column, "\t870323 "), (column, " "), (originColumn, "\tCN\n"), (originColumn, "\r\n")] {
            var table = tables[0]
            try #require(table.text[target] != nil)
            table.text[target]!.vocabulary = [text]
            tables.append(table)
        }
        for table in tables { try Self.expectSameFacts(scorer, table: table) }
    }
}

/// The evidence of earlier releases (`FittedFeaturePipeline.evidence(for:row:)`, removed): every
/// fact of one declaration computed from the table's raw columns and formatted for display.
enum EvidenceOracle {
    static func evidence(_ pipeline: FittedFeaturePipeline, for table: DeclarationTable, row: Int) -> [String: String] {
        var evidence: [String: String] = [:]
        let roles = pipeline.roles, vocabularies = pipeline.vocabularies, prior = pipeline.prior
        let profiles = pipeline.profiles
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
            guard let index = pipeline.profileIndex(field) else { return nil }
            guard code >= 0 else { return (0, 0, prior) }
            let p = profiles[index]
            return (p.count[Int(code)], p.labelSum[Int(code)], p.rate[Int(code)])
        }

        let hsText = text(roles.hsCode)
        if let hsText { evidence[EvidenceKey.hsCode] = EvidenceFormat.hsCode(hsText) }
        let originText = text(roles.origin), departureText = text(roles.departure)
        if let originText { evidence[EvidenceKey.origin] = originText }
        if let departureText { evidence[EvidenceKey.departure] = departureText }

        // Unit value against its reference.
        let amounts = RowAmounts(value: number(roles.customsValue), fob: number(roles.fobValue),
                                 quantity: number(roles.quantity), net: number(roles.netWeight),
                                 gross: number(roles.grossWeight), taxes: number(roles.taxes))
        let hs6 = code(.hs6), hs4 = code(.hs4), hs2 = code(.hs2), origin = code(.origin)
        if roles.customsValue != nil, let basis = amounts.referenceBasis {
            let unit = basis.perKilogram ? "per kg" : "per unit"
            evidence[EvidenceKey.declaredUnitValue] = "\(EvidenceFormat.number(basis.value)) \(unit)"
            let reference = basis.perKilogram ? pipeline.referencePerKilogram : pipeline.referencePerUnit
            if let (statistic, level) = reference.lookup(hs6: hs6, hs4: hs4, hs2: hs2, origin: origin) {
                let referenceValue = Numerics.exponential(statistic.median)
                evidence[EvidenceKey.referenceUnitValue] = "\(EvidenceFormat.number(referenceValue)) \(unit)"
                evidence[EvidenceKey.unitValueRatio] = EvidenceFormat.number(basis.value / referenceValue)
                evidence[EvidenceKey.referenceLevel] = level.title
            }
        }
        if amounts.value.isFinite {
            evidence[EvidenceKey.declaredValue] = EvidenceFormat.number(amounts.value)
        }
        if amounts.taxRatio.isFinite {
            evidence[EvidenceKey.taxRatio] = EvidenceFormat.number(amounts.taxRatio)
        }

        // Trader histories.
        let importer = code(.importer)
        if let id = text(roles.importer), let history = profile(.importer, importer) {
            evidence[EvidenceKey.importer] = id
            evidence[EvidenceKey.importerPastCount] = EvidenceFormat.count(history.count)
            evidence[EvidenceKey.importerPastIllicit] = EvidenceFormat.count(history.illicit)
        }
        if let id = text(roles.declarant), let history = profile(.declarant, code(.declarant)) {
            evidence[EvidenceKey.declarant] = id
            evidence[EvidenceKey.declarantPastCount] = EvidenceFormat.count(history.count)
            evidence[EvidenceKey.declarantPastIllicit] = EvidenceFormat.count(history.illicit)
        }

        // Illicit rates of the goods, the country, the route and the office.
        if hsText != nil, hs6 != KeyCode.missing, let p = profile(.hs6, hs6) {
            evidence[EvidenceKey.hsIllicitRate] = EvidenceFormat.percent(p.rate)
        }
        if originText != nil, let p = profile(.origin, origin) {
            evidence[EvidenceKey.originIllicitRate] = EvidenceFormat.percent(p.rate)
        }
        if let originText, let departureText, pipeline.fieldIndex(.route) != nil {
            let name = KeyText.route(departure: departureText, origin: originText)
            let route = vocabularies["route"]?.code(of: name) ?? -1
            if let p = profile(.route, route >= 0 ? route : KeyCode.unseen) {
                evidence[EvidenceKey.routeIllicitRate] = EvidenceFormat.percent(p.rate)
            }
        }
        if let office = text(roles.office) {
            evidence[EvidenceKey.office] = office
            if let p = profile(.office, code(.office)) {
                evidence[EvidenceKey.officeIllicitRate] = EvidenceFormat.percent(p.rate)
            }
        }

        // Tenure and AEO status.
        if pipeline.hasDate, importer != KeyCode.missing, let dates = table.dates, row < dates.count, let date = dates[row] {
            let first = importer >= 0 && Int(importer) < pipeline.importerFirstDate.count
                ? pipeline.importerFirstDate[Int(importer)] : Int32.max
            let days = first == Int32.max ? 0 : max(0, Int64(date) - Int64(first))
            evidence[EvidenceKey.traderTenureDays] = String(days)
        }
        let aeo = number(roles.aeoFlag)
        if !aeo.isNaN { evidence[EvidenceKey.aeo] = aeo != 0 ? "yes" : "no" }
        return evidence
    }
}

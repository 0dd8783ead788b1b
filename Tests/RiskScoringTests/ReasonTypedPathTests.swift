import CustomsRisk
import Foundation
import RiskData
import RiskDeclarations
@testable import RiskExplain
import RiskFeatures
import Testing

/// The typed reason path (`reasons(contributions:grouping:scratch:pipeline:table:row:)`, facts as
/// numbers, sentences written once) against its oracle, the dictionary path
/// (`reasons(contributions:grouping:scratch:evidence:)` fed with `FittedFeaturePipeline.evidence`,
/// and the grouped path with all the evidence): the same `[Reason]`, every field, every bit.
@Suite("Reasons: typed evidence path")
struct ReasonTypedPathTests {
    /// Random contributions over the bundle's features: values on a coarse grid (ties, exact
    /// zeros, both signs), sometimes concentrated on one group so that every kind gets chosen.
    static func contributions(_ count: Int, grouping: FeatureGrouping, generator: inout SeededGenerator) -> [Double] {
        var values = (0..<count).map { _ in
            generator.nextUnit() < 0.4 ? 0 : (Double(generator.nextInt(below: 17)) - 8) / 16
        }
        if generator.nextUnit() < 0.5 {
            let group = generator.nextInt(below: grouping.groups.count)
            let sign: Double = generator.nextUnit() < 0.5 ? -1 : 1
            for j in values.indices where grouping.groupOfFeature[j] == group { values[j] = sign * 3 }
        }
        return values
    }

    /// Compares the typed path with both oracles on `trials` random contribution vectors per row.
    static func expectSameReasons(_ scorer: RiskScorer, table: DeclarationTable, seed: UInt64, trials: Int,
                                  sourceLocation: SourceLocation = #_sourceLocation) throws {
        let pipeline = scorer.bundle.pipeline
        let grouping = FeatureGrouping(schema: scorer.bundle.model.featureSchema)
        #expect(!grouping.reasonPlan.usesDictionaryPath)
        var generator = SeededGenerator(seed: seed)
        var typedScratch = ReasonGenerator.Scratch(), oracleScratch = ReasonGenerator.Scratch()
        var reader = EvidenceReader(pipeline: pipeline, table: table)
        let generators = try [(3, 0.05), (0, 0.05), (1, 0.0), (5, 0.0), (3, 0.3)].map {
            try ReasonGenerator(catalog: scorer.bundle.reasons, maximumCount: $0.0, minimumShare: $0.1)
        }
        var compared = 0, nonEmpty = 0
        for row in 0..<table.rowCount {
            let all = pipeline.evidence(for: table, row: row)
            for trial in 0..<trials {
                let reasonGenerator = generators[trial % generators.count]
                let values = Self.contributions(grouping.featureCount, grouping: grouping, generator: &generator)
                let (typed, dictionary) = values.withUnsafeBufferPointer { c in
                    (reasonGenerator.reasons(contributions: c, grouping: grouping, scratch: &typedScratch,
                                             evidence: &reader, row: row),
                     reasonGenerator.reasons(contributions: c, grouping: grouping, scratch: &oracleScratch) { keys in
                         pipeline.evidence(for: table, row: row, wanting: { keys.contains($0) })
                     })
                }
                let grouped = reasonGenerator.reasons(
                    for: try GroupedExplanation(Explanation(baseValue: 0, contributions: values, rawScore: 0),
                                                grouping: grouping), evidence: all)
                #expect(typed == dictionary, "seed \(seed) row \(row) trial \(trial)", sourceLocation: sourceLocation)
                #expect(typed == grouped, "seed \(seed) row \(row) trial \(trial)", sourceLocation: sourceLocation)
                // Bit-identical numbers (== would accept -0 for 0).
                #expect(typed.map(\.value.bitPattern) == dictionary.map(\.value.bitPattern), sourceLocation: sourceLocation)
                #expect(typed.map(\.share.bitPattern) == dictionary.map(\.share.bitPattern), sourceLocation: sourceLocation)
                compared += 1
                if !typed.isEmpty { nonEmpty += 1 }
            }
        }
        #expect(compared == table.rowCount * trials)
        #expect(nonEmpty > compared / 2, "the random contributions must produce reasons to compare")
    }

    @Test(arguments: ScorerFixtures.kinds, [1, 7] as [UInt64])
    func syntheticDeclarations(kind: String, seed: UInt64) throws {
        let scorer = try ScorerFixtures.scorer(kind)
        let csv = SyntheticDeclarations(rowCount: 300, seed: seed).csvBytes()
        let table = try DeclarationReader.read(bytes: csv, source: "synthetic.csv", schema: scorer.bundle.schema).table
        try Self.expectSameReasons(scorer, table: table, seed: seed, trials: 6)
    }

    @Test(arguments: ScorerFixtures.kinds)
    func sampleDeclarations(kind: String) throws {
        let scorer = try ScorerFixtures.scorer(kind)
        try Self.expectSameReasons(scorer, table: ScorerFixtures.sampleTable(scorer), seed: 3, trials: 6)
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
        for (index, table) in tables.enumerated() {
            try Self.expectSameReasons(scorer, table: table, seed: UInt64(index), trials: 40)
        }
    }

    /// End to end through the scorer: the batch's typed reasons equal the reasons of the path
    /// that also returns the grouped explanation (all evidence, grouped explanation).
    @Test(arguments: ScorerFixtures.kinds)
    func scorerBatchEqualsGroupedPath(kind: String) throws {
        let scorer = try ScorerFixtures.scorer(kind)
        let table = try ScorerFixtures.sampleTable(scorer)
        let fast = try scorer.score(table, options: ScoringOptions(reasonCount: 3))
        let grouped = try scorer.score(table, options: ScoringOptions(reasonCount: 3, includeExplanation: true))
        #expect(fast.map(\.reasons) == grouped.map(\.reasons))
        #expect(fast.contains { !$0.reasons.isEmpty })
    }
}

import CustomsRisk
import Foundation
import RiskDeclarations
import Testing

/// The single-declaration path (`score(_: Declaration)`, which walks the trees over the one row
/// directly) and the batch path agree bit for bit on generated declarations with missing, unseen,
/// zero, negative, padded and malformed values; the batch warnings equal their naive definition.
@Suite struct ScorerSinglePathTests {
    static let columns = ["office", "declarant_id", "importer_id", "seller_id", "hs_code", "origin_country",
                          "departure_country", "transport_mode", "customs_value", "fob_value", "quantity",
                          "gross_weight", "net_weight", "taxes", "duty_rate", "aeo", "date"]

    /// Sample declarations with seeded edits: each value is kept, dropped, replaced by an unseen
    /// code, padded with spaces, or (numbers) set to 0 or a negative.
    static func generated(_ scorer: RiskScorer, count: Int, seed: UInt64) throws -> [Declaration] {
        var g = SeededGenerator(seed: seed)
        let samples = try ScorerFixtures.sampleDeclarations(idColumn: scorer.bundle.schema.id)
        return (0..<count).map { i in
            var d = samples[g.nextInt(below: samples.count)]
            d.id = "G\(seed)-\(i)"
            for column in columns {
                switch g.nextInt(below: 12) {
                case 0: d.values[column] = nil
                case 1: d.values[column] = column.hasSuffix("_id") || column == "office" || column == "transport_mode"
                    ? "NEVER-\(g.nextInt(below: 3))" : d.values[column]
                case 2: d.values[column] = d.values[column].map { "  \($0) " }
                case 3: d.values[column] = ["0", "-3.5", "0.0"][g.nextInt(below: 3)]
                default: break
                }
            }
            // Values that only `trimmingSpaces` or the date reader can tell apart stay valid;
            // non-numbers in numeric columns are tested separately (they throw).
            if let date = d.values["date"], Double(date.trimmingCharacters(in: .whitespaces)) != nil {
                d.values["date"] = nil
            }
            if let aeo = d.values["aeo"], Double(aeo.trimmingCharacters(in: .whitespaces)) != nil {
                d.values["aeo"] = "Y"
            }
            return d
        }
    }

    /// Declarations that parse (some edits make a date or an AEO flag unreadable: those are dropped).
    static func parseable(_ declarations: [Declaration], scorer: RiskScorer) -> [Declaration] {
        declarations.filter { (try? DeclarationTable(declarations: [$0], schema: scorer.bundle.schema)) != nil }
    }

    @Test(arguments: ScorerFixtures.kinds, [1, 7] as [UInt64])
    func singleEqualsBatchOnGeneratedDeclarations(kind: String, seed: UInt64) throws {
        let scorer = try ScorerFixtures.scorer(kind)
        let declarations = Self.parseable(try Self.generated(scorer, count: 40, seed: seed), scorer: scorer)
        #expect(declarations.count >= 20, "seed \(seed): too few parseable declarations")
        let table = try DeclarationTable(declarations: declarations, schema: scorer.bundle.schema)
        for reasons in [0, 3] {
            let options = ScoringOptions(reasonCount: reasons, threadCount: 2)
            let batch = try scorer.score(table, options: options)
            for (row, declaration) in declarations.enumerated() {
                let single = try scorer.score(declaration, options: options)
                #expect(single.numericBits == batch[row].numericBits, "seed \(seed), row \(row)")
                #expect(single == batch[row], "seed \(seed), row \(row), reasons \(reasons)")
            }
        }
    }

    @Test(arguments: ScorerFixtures.kinds, [1, 7] as [UInt64])
    func batchWarningsMatchTheirDefinition(kind: String, seed: UInt64) throws {
        let scorer = try ScorerFixtures.scorer(kind)
        let declarations = Self.parseable(try Self.generated(scorer, count: 60, seed: seed), scorer: scorer)
        let table = try DeclarationTable(declarations: declarations, schema: scorer.bundle.schema)
        let assessments = try scorer.score(table, options: ScoringOptions(reasonCount: 0, threadCount: 2))
        var unseenCount = 0
        for (row, a) in assessments.enumerated() {
            // Naive oracle: the per-row look-up of the pipeline, formatted as the scorer documents.
            let unseen = scorer.bundle.pipeline.unseenValues(for: table, row: row).map { column, value in
                "\(column) \"\(value)\" was not seen in training; scored with the training prior (no history)."
            }
            unseenCount += unseen.count
            let inputWarnings = a.warnings.filter { !$0.contains(" was not seen in training;") }
            #expect(a.warnings == inputWarnings + unseen, "seed \(seed), row \(row)")
        }
        #expect(unseenCount > 0, "seed \(seed): the generator made no unseen value")
    }

    @Test(arguments: ScorerFixtures.kinds)
    func warningsCanBeLeftOut(kind: String) throws {
        let scorer = try ScorerFixtures.scorer(kind)
        let declarations = Self.parseable(try Self.generated(scorer, count: 30, seed: 3), scorer: scorer)
        let table = try DeclarationTable(declarations: declarations, schema: scorer.bundle.schema)
        let with = try scorer.score(table, options: ScoringOptions(reasonCount: 2, threadCount: 2))
        let without = try scorer.score(table, options: ScoringOptions(reasonCount: 2, threadCount: 2,
                                                                      includeWarnings: false))
        #expect(with.contains { !$0.warnings.isEmpty })
        #expect(without.allSatisfy { $0.warnings.isEmpty })
        for (a, b) in zip(with, without) {
            var stripped = a
            stripped.warnings = []
            #expect(stripped == b)
        }
    }

    /// A malformed value throws the error the batch table build throws, text for text.
    @Test(arguments: ScorerFixtures.kinds, [
        ["customs_value": "12,5O0"], ["quantity": "many"], ["date": "2025-13-45"], ["taxes": "1e"],
    ])
    func malformedValuesThrowTheBatchError(kind: String, values: [String: String]) throws {
        let scorer = try ScorerFixtures.scorer(kind)
        var d = try ScorerFixtures.sampleDeclarations(idColumn: scorer.bundle.schema.id)[4]
        d.values.merge(values) { _, new in new }
        let single = #expect(throws: DeclarationError.self) { try scorer.score(d) }
        let batch = #expect(throws: DeclarationError.self) {
            try DeclarationTable(declarations: [d], schema: scorer.bundle.schema)
        }
        #expect(single?.message == batch?.message)
        #expect(single?.code == batch?.code)
        #expect(single?.column == values.keys.first)
    }

    /// Options the prepared reason generator does not fit still throw the generator's error.
    @Test func outOfRangeShareThrowsOnBothPaths() throws {
        let scorer = try ScorerFixtures.scorer("gbt")
        let d = try ScorerFixtures.sampleDeclarations(idColumn: scorer.bundle.schema.id)[0]
        let options = ScoringOptions(reasonCount: 0, minimumReasonShare: 2)
        let single = #expect(throws: RiskExplainError.self) { try scorer.score(d, options: options) }
        let batch = #expect(throws: RiskExplainError.self) {
            try scorer.score(ScorerFixtures.sampleTable(scorer), options: options)
        }
        #expect(single?.message == batch?.message)
        #expect(single?.message == "minimumShare is 2.0; expected a share in 0...1, e.g. 0.05 for 5% of the total "
                + "absolute contribution.")
    }

    /// Reasons with and without the grouped explanation are the same (one reason path).
    @Test(arguments: ScorerFixtures.kinds)
    func reasonsWithAndWithoutExplanationsAgree(kind: String) throws {
        let scorer = try ScorerFixtures.scorer(kind)
        let declarations = Self.parseable(try Self.generated(scorer, count: 30, seed: 5), scorer: scorer)
        let table = try DeclarationTable(declarations: declarations, schema: scorer.bundle.schema)
        let fast = try scorer.score(table, options: ScoringOptions(reasonCount: 3, threadCount: 2))
        let full = try scorer.score(table, options: ScoringOptions(reasonCount: 3, includeExplanation: true,
                                                                   threadCount: 2))
        #expect(fast.contains { !$0.reasons.isEmpty })
        for (row, (a, b)) in zip(fast, full).enumerated() {
            #expect(a.reasons == b.reasons, "row \(row)")
        }
    }
}

import CustomsRisk
import Foundation
import Testing

/// One `RiskScorer` shared by 64 concurrent tasks: every result equals serial scoring bit for bit.
/// Run under ThreadSanitizer by `Scripts/sanitize.sh` (no data race may be reported).
@Suite("Hardening: concurrent scoring under load")
struct HardeningConcurrencyTests {
    @Test(arguments: [ModelFamily.boostedTrees, .logistic], [1, 2])
    func sixtyFourTasksShareOneScorerAndMatchSerialScoring(family: ModelFamily, threadsPerCall: Int) async throws {
        let bundle = try (family == .boostedTrees ? HardeningFixtures.treesBundle : HardeningFixtures.logisticBundle)
            .get()
        let scorer = try RiskScorer(bundle: bundle)
        let rowCount = 40
        let batch = try HardeningFixtures.scoringTable(rowCount: rowCount, seed: 5, schema: bundle.schema)
        let options = ScoringOptions(reasonCount: 3, includeExplanation: true, threadCount: threadsPerCall)
        let serial = try scorer.score(batch, options: options).map(HardeningFixtures.fingerprint)
        #expect(serial.count == rowCount)
        // One declaration alone scores as it does inside the batch.
        let single = try scorer.score(batch.selectingRows([17]), options: options).map(HardeningFixtures.fingerprint)
        #expect(single == [serial[17]])

        let taskCount = 64, repetitions = 2
        let mismatches = try await withThrowingTaskGroup(of: Int.self) { group in
            for task in 0..<taskCount {
                group.addTask {
                    var mismatched = 0
                    for repetition in 0..<repetitions {
                        // Tasks alternate between the whole batch and a shifted slice of it.
                        if (task + repetition) % 2 == 0 {
                            let result = try scorer.score(batch, options: options).map(HardeningFixtures.fingerprint)
                            mismatched += result == serial ? 0 : 1
                        } else {
                            let rows = Array((task % 20)..<rowCount)
                            let result = try scorer.score(batch.selectingRows(rows), options: options)
                                .map(HardeningFixtures.fingerprint)
                            mismatched += result == rows.map { serial[$0] } ? 0 : 1
                        }
                    }
                    return mismatched
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(mismatches == 0, "\(mismatches) of \(taskCount * repetitions) concurrent scorings differed (\(family))")
    }

    @Test func concurrentSingleDeclarationScoringMatchesSerial() async throws {
        let bundle = try HardeningFixtures.treesBundle.get()
        let scorer = try RiskScorer(bundle: bundle)
        let values = SyntheticDeclarations.columns.dropLast(3).map { $0 }  // no label, revenue, notes
        let batch = try HardeningFixtures.scoringTable(rowCount: 32, seed: 11, schema: bundle.schema)
        let declarations = (0..<batch.rowCount).map { row in
            Declaration(id: batch.ids[row], values: Dictionary(uniqueKeysWithValues: values.compactMap { column in
                Self.text(batch, column: column, row: row).map { (column, $0) }
            }))
        }
        let serial = try declarations.map { try HardeningFixtures.fingerprint(scorer.score($0)) }
        let concurrent = try await withThrowingTaskGroup(of: (Int, [String]).self) { group in
            for (index, declaration) in declarations.enumerated() {
                group.addTask { (index, HardeningFixtures.fingerprint(try scorer.score(declaration))) }
            }
            var out = [[String]](repeating: [], count: declarations.count)
            for try await (index, fingerprint) in group { out[index] = fingerprint }
            return out
        }
        #expect(concurrent == serial)
        // A declaration scored alone equals the same row scored inside the batch.
        let inBatch = try scorer.score(batch, options: ScoringOptions(threadCount: 1)).map(HardeningFixtures.fingerprint)
        #expect(serial == inBatch)
    }

    /// The raw text of a cell as the CSV had it (numbers printed back round-trip exactly).
    static func text(_ table: DeclarationTable, column: String, row: Int) -> String? {
        if column == table.schema.id { return table.ids[row] }
        if column == table.schema.date {
            return table.dates?[row].map { CivilDate.format(daysSinceEpoch: $0) }
        }
        if let text = table.text[column] { return text[row] }
        if let numbers = table.numbers[column] {
            let value = numbers[row]
            if value.isNaN { return nil }
            // Integral values as integers, so that flags read back ("1", not "1.0").
            return value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
        }
        return nil
    }
}

import CustomsRisk
import Foundation
import Testing

/// One declaration scored alone equals the same row scored in a batch, for any thread count and
/// from many tasks at once (issue 7: "concurrent scoring … gives the same results as serial").
@Suite struct ScorerConsistencyTests {
    @Test(arguments: ScorerFixtures.kinds)
    func singleDeclarationEqualsSameRowInBatch(kind: String) throws {
        let scorer = try ScorerFixtures.scorer(kind)
        let options = ScoringOptions(reasonCount: 3, includeExplanation: true, threadCount: 2)
        let batch = try scorer.score(ScorerFixtures.sampleTable(scorer), options: options)
        let declarations = try ScorerFixtures.sampleDeclarations(idColumn: scorer.bundle.schema.id)
        #expect(declarations.count == 200)
        #expect(batch.count == declarations.count)
        // Every third row (67 rows) keeps the debug run short; each is explained in full.
        for row in stride(from: 0, to: declarations.count, by: 3) {
            let declaration = declarations[row]
            let single = try scorer.score(declaration, options: options)
            #expect(single.id == batch[row].id)
            #expect(single.numericBits == batch[row].numericBits, "row \(row)")
            #expect(single.reasons == batch[row].reasons, "row \(row)")
            #expect(single.warnings == batch[row].warnings, "row \(row)")
            #expect(single.lane == batch[row].lane)
            #expect(single.explanation == batch[row].explanation)
        }
    }

    @Test(arguments: ScorerFixtures.kinds, [2, 7])
    func batchDoesNotDependOnThreadCount(kind: String, threads: Int) throws {
        let scorer = try ScorerFixtures.scorer(kind)
        let table = try ScorerFixtures.sampleTable(scorer)
        let serial = try scorer.score(table, options: ScoringOptions(reasonCount: 3, threadCount: 1))
        let parallel = try scorer.score(table, options: ScoringOptions(reasonCount: 3, threadCount: threads))
        #expect(parallel.map(\.numericBits) == serial.map(\.numericBits))
        #expect(parallel == serial)
    }

    @Test(arguments: ScorerFixtures.kinds)
    func concurrentTasksGiveSerialResults(kind: String) async throws {
        let scorer = try ScorerFixtures.scorer(kind)
        let table = try ScorerFixtures.sampleTable(scorer)
        let declarations = try ScorerFixtures.sampleDeclarations(idColumn: scorer.bundle.schema.id)
        let serialBatch = try scorer.score(table, options: ScoringOptions(reasonCount: 2, threadCount: 1))
        let singles = Array(declarations.prefix(40))
        let serialSingles = try singles.map { try scorer.score($0, options: ScoringOptions(reasonCount: 2)) }
        let results = try await withThrowingTaskGroup(of: (Int, [RiskAssessment]).self) { group in
            for task in 0..<6 {
                group.addTask {
                    if task % 2 == 0 {
                        return (task, try scorer.score(table, options: ScoringOptions(reasonCount: 2, threadCount: 2)))
                    }
                    // Odd tasks score single declarations, each from a different starting row.
                    let order = (0..<singles.count).map { (($0 + task * 7) % singles.count) }
                    var out = [RiskAssessment?](repeating: nil, count: singles.count)
                    for row in order {
                        out[row] = try scorer.score(singles[row], options: ScoringOptions(reasonCount: 2))
                    }
                    return (task, out.map { $0! })
                }
            }
            var all: [(Int, [RiskAssessment])] = []
            for try await result in group { all.append(result) }
            return all
        }
        #expect(results.count == 6)
        for (task, assessments) in results {
            #expect(assessments == (task % 2 == 0 ? serialBatch : serialSingles), "task \(task)")
        }
    }

    /// base value + Σ group contributions = raw score (TreeSHAP / linear additivity), to 1e-9:
    /// the sum runs over ≤ 70 terms of magnitude ≤ ~10 in a different order than the model's own
    /// sum, so rounding stays many orders below 1e-9.
    @Test(arguments: ScorerFixtures.kinds)
    func explanationsAddUpToTheRawScore(kind: String) throws {
        let scorer = try ScorerFixtures.scorer(kind)
        let assessments = try scorer.score(ScorerFixtures.sampleTable(scorer),
                                           options: ScoringOptions(reasonCount: 3, includeExplanation: true))
        for a in assessments {
            let explanation = try #require(a.explanation)
            let total = explanation.baseValue + explanation.groups.reduce(0) { $0 + $1.value }
            #expect(abs(total - a.rawScore) <= 1e-9, "\(a.id): \(total) vs \(a.rawScore)")
            #expect(a.reasons.count <= 3)
        }
    }

    /// `reasonCount` is a maximum, including the AEO reason the generator may append.
    @Test(arguments: ScorerFixtures.kinds, [1, 2, 3])
    func reasonCountIsAMaximum(kind: String, count: Int) throws {
        let scorer = try ScorerFixtures.scorer(kind)
        let table = try ScorerFixtures.sampleTable(scorer)
        let limited = try scorer.score(table, options: ScoringOptions(reasonCount: count))
        let generous = try scorer.score(table, options: ScoringOptions(reasonCount: 10))
        for (a, b) in zip(limited, generous) {
            #expect(a.reasons.count <= count)
            #expect(a.reasons == Array(b.reasons.prefix(count)), "the first reasons do not depend on the limit")
        }
    }
}

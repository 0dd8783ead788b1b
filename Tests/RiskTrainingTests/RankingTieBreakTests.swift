import CustomsRisk
import Foundation
import Testing

/// Issue 15: an isotonic calibration maps many raw scores onto one probability; the batch ranking
/// orders such ties by the raw score (then by row), and no probability is exactly 0 or 1.
@Suite struct RankingTieBreakTests {
    static let scored: Result<[RiskAssessment], any Error> = Result {
        var options = RefitTrainingTests.options()
        options.calibration = .isotonic
        let bundle = try ModelTrainer(options: options).train(try RefitTrainingTests.table.get()).bundle
        guard case .isotonic = bundle.calibration else { throw ScoringError(.invalidParameter, "not isotonic") }
        let batch = try SyntheticDeclarations(rowCount: 2_000, seed: 23).table()
        return try RiskScorer(bundle: bundle).score(batch, policy: TargetingPolicy(budget: .inspectionRate(0.05)),
                                                    options: ScoringOptions(reasonCount: 0, threadCount: 2))
    }

    @Test func equalProbabilitiesAreRankedByRawScore() throws {
        let scored = try Self.scored.get()
        let distinct = Set(scored.map(\.probability)).count
        #expect(distinct < scored.count / 10, "isotonic steps: \(distinct) distinct probabilities")
        // The ranks are the naive order by (probability, raw score, row).
        let order = scored.indices.sorted { a, b in
            let x = scored[a], y = scored[b]
            if x.probability != y.probability { return x.probability > y.probability }
            return x.rawScore != y.rawScore ? x.rawScore > y.rawScore : a < b
        }
        for (position, row) in order.enumerated() { #expect(scored[row].decision?.rank == position + 1, "row \(row)") }
        let selected = scored.filter { $0.decision?.selected == true }
        #expect(selected.count == 100)
        let lowestSelected = selected.map(\.rawScore).min()!
        let tiedBelow = scored.filter { $0.decision?.selected == false && $0.probability == selected.map(\.probability).min()! }
        #expect(tiedBelow.allSatisfy { $0.rawScore <= lowestSelected })
    }

    @Test func probabilitiesStayStrictlyInsideTheUnitInterval() throws {
        let scored = try Self.scored.get()
        #expect(scored.allSatisfy { $0.probability > 0 && $0.probability < 1 })
    }
}

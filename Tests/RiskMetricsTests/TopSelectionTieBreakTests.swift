import Testing
@testable import RiskMetrics

/// The one ranking rule behind every budget: score, then tie-breaker, then row.
@Suite struct TopSelectionTieBreakTests {
    @Test func tieBreakersOrderEqualScoresThenRowsDo() throws {
        let scores = [0.5, 0.9, 0.5, 0.5, 0.1]
        #expect(try TopSelection.order(scores: scores) == [1, 0, 2, 3, 4])
        #expect(try TopSelection.order(scores: scores, tieBreakers: [1, 0, 3, 1, 0]) == [1, 2, 0, 3, 4])
        let top = try TopSelection(scores: scores, tieBreakers: [1, 0, 3, 1, 0], rate: 0.4)
        #expect(top.selectedRows == [1, 2])
    }

    @Test func badTieBreakersAreRefusedWithWhatWasExpected() throws {
        let short = try #require(throws: MetricError.self) {
            try TopSelection(scores: [0.1, 0.2], tieBreakers: [1], rate: 0.5)
        }
        #expect(short.code == .lengthMismatch)
        #expect(short.message == "tieBreakers has 1 entries for 2 scores; expected one per score.")
        #expect(throws: MetricError.self) { try TopSelection.order(scores: [0.1, 0.2], tieBreakers: [1, .nan]) }
    }
}

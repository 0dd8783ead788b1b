import Foundation
import Testing
@testable import RiskMetrics

/// The population stability index against stored decile histograms (drift monitoring, issue 18).
@Suite struct ReferenceHistogramTests {
    @Test func decilesAndSharesOfASimpleReference() {
        let values = (0..<100).map(Double.init) + [.nan, .nan]
        let h = ReferenceHistogram(values: values)
        #expect(h.edges == [10, 20, 30, 40, 50, 60, 70, 80, 90])
        #expect(h.shares.allSatisfy { abs($0 - 10.0 / 102) < 1e-12 })
        #expect(abs(h.missingShare - 2.0 / 102) < 1e-12)
        // A variable with two values has one edge.
        #expect(ReferenceHistogram(values: [0, 0, 0, 1, 1]).edges == [1])
    }

    /// The index by hand: Σ (a − e) ln(a / e) over bins, shares floored at 1e-4.
    @Test func stabilityIndexMatchesTheFormula() {
        let h = ReferenceHistogram(values: (0..<100).map(Double.init))
        #expect(h.stabilityIndex(of: (0..<100).map(Double.init)) == 0)
        // Everything in the last bin: that bin 1 vs 0.1, nine bins 1e-4 (floor) vs 0.1.
        let shifted = h.stabilityIndex(of: [Double](repeating: 500, count: 50))
        let expected = (1 - 0.1) * log(1 / 0.1) + 9 * (1e-4 - 0.1) * log(1e-4 / 0.1)
        #expect(abs(shifted - expected) < 1e-12)
        // A half shift: the upper half of the reference only.
        let upper = h.stabilityIndex(of: (50..<100).map(Double.init))
        let half = 5 * (0.2 - 0.1) * log(2.0) + 5 * (1e-4 - 0.1) * log(1e-4 / 0.1)
        #expect(abs(upper - half) < 1e-12)
        #expect(h.stabilityIndex(of: []) == 0)
    }

    @Test func storedHistogramsAreChecked() {
        #expect(throws: MetricError.self) { try ReferenceHistogram(edges: [2, 1], shares: [0.3, 0.3, 0.4], missingShare: 0) }
        #expect(throws: MetricError.self) { try ReferenceHistogram(edges: [1], shares: [0.5, 0.6], missingShare: 0) }
        #expect(throws: MetricError.self) { try ReferenceHistogram(edges: [.nan], shares: [0.5, 0.5], missingShare: 0) }
        #expect(throws: MetricError.self) { try ReferenceHistogram(edges: [1], shares: [0.5], missingShare: 0.5) }
        #expect((try? ReferenceHistogram(edges: [1], shares: [0.25, 0.5], missingShare: 0.25)) != nil)
    }
}

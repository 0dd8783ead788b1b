import RiskData
import Testing
@testable import RiskTrees

@Suite("Histograms")
struct HistogramTests {
    @Test("kernel equals the naive oracle (same summation order ⇒ exact)",
          arguments: [0, 1, 17, 4_096], [1, 7, 42] as [UInt64])
    func kernelMatchesNaive(rowCount: Int, seed: UInt64) {
        let parts = TreeTestData.randomBins(rowCount: max(rowCount, 1), featureCount: 3, valueBins: 37, seed: seed)
        var generator = SeededGenerator(seed: seed &+ 1)
        // A node's rows: a random subset in random (partition) order.
        let rows = Sampling.permutation(count: parts.rowCount, seed: seed).filter { _ in generator.nextUnit() < 0.7 }
        let subset = rowCount == 0 ? [] : rows
        for feature in 0..<3 {
            let fast = TreeTestData.kernelHistogram(parts, feature: feature, rows: subset)
            let naive = TreeTestData.naiveHistogram(parts, feature: feature, rows: subset)
            #expect(fast == naive)
        }
    }

    @Test("parent − smaller child equals the brute-force sibling histogram",
          arguments: [2, 100, 3_000], [3, 11] as [UInt64])
    func subtractionMatchesBruteForce(rowCount: Int, seed: UInt64) {
        let parts = TreeTestData.randomBins(rowCount: rowCount, featureCount: 2, valueBins: 255, seed: seed)
        let parentRows = Sampling.permutation(count: rowCount, seed: seed)
        let childCount = rowCount / 3
        let child = Array(parentRows[..<childCount]), sibling = Array(parentRows[childCount...])
        for feature in 0..<2 {
            var parent = TreeTestData.kernelHistogram(parts, feature: feature, rows: parentRows)
            let small = TreeTestData.kernelHistogram(parts, feature: feature, rows: child)
            parent.withUnsafeMutableBufferPointer { p in
                small.withUnsafeBufferPointer { s in
                    HistogramKernels.subtract(parent: p.baseAddress!, child: s.baseAddress!)
                }
            }
            let brute = TreeTestData.naiveHistogram(parts, feature: feature, rows: sibling)
            // Subtraction reorders the additions: equal up to a few ulps of the parent's sums
            // (|g| ≲ 4, ≤ 3000 rows ⇒ absolute error well under 1e-9). Counts are exact.
            for b in 0..<256 {
                #expect(parent[b].count == brute[b].count)
                #expect(abs(parent[b].gradient - brute[b].gradient) <= 1e-9)
                #expect(abs(parent[b].hessian - brute[b].hessian) <= 1e-9)
            }
        }
    }
}

import RiskData
import Testing
@testable import RiskLinear

@Suite("Column statistics and the design matrix")
struct ColumnStatisticsTests {
    /// Values with a large common offset, so a badly ordered sum would show.
    static func column(count: Int, seed: UInt64) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in Float(1_000 + 3 * generator.nextGaussian()) }
    }

    @Test(arguments: [0, 1, 7, 8, 9, 1_000, 4_099], [3, 11] as [UInt64])
    func summaryMatchesNaiveLoop(count: Int, seed: UInt64) {
        let values = Self.column(count: count, seed: seed)
        var naiveSum = 0.0, naiveAbsolute = 0.0
        for v in values { naiveSum += Double(v); naiveAbsolute += abs(Double(v)) }
        let summary = values.withUnsafeBufferPointer { ColumnStatistics.summarise($0) }
        // Eight interleaved partial sums instead of one chain: both are within n·ε·Σ|x| of the
        // exact sum, so they agree to 2·n·ε·Σ|x|.
        let bound = 2 * Double(count) * Double.ulpOfOne * naiveAbsolute
        #expect(abs(summary.sum - naiveSum) <= bound, "count \(count) seed \(seed)")
        #expect(summary.lowest == (values.min() ?? .infinity))
        #expect(summary.highest == (values.max() ?? -.infinity))

        let mean = count > 0 ? naiveSum / Double(count) : 0
        var naiveSquares = 0.0
        for v in values { let d = Double(v) - mean; naiveSquares += d * d }
        let squares = values.withUnsafeBufferPointer { ColumnStatistics.sumOfSquaredDeviations($0, mean: mean) }
        #expect(abs(squares - naiveSquares) <= 2 * Double(count) * Double.ulpOfOne * naiveSquares + 1e-300)
    }

    @Test(arguments: [Float.nan, .infinity, -.infinity], [0, 8, 13])
    func nonFiniteValueMakesTheSumNonFinite(bad: Float, position: Int) {
        var values = Self.column(count: 20, seed: 5)
        values[position] = bad
        let summary = values.withUnsafeBufferPointer { ColumnStatistics.summarise($0) }
        #expect(!summary.sum.isFinite)
    }

    @Test(arguments: [(1, 3), (700, 4), (5_000, 6)], [1, 2] as [UInt64])
    func designStatisticsMatchNaiveLoopsForEveryThreadCount(shape: (Int, Int), seed: UInt64) throws {
        let (rows, columns) = shape
        var values = Self.column(count: rows * columns, seed: seed)
        for i in 0..<rows { values[1 * rows + i] = 2.5 }   // column 1 is constant
        let matrix = try FeatureMatrix(rowCount: rows, schema: .numeric(count: columns), values: values)
        let designs = try [1, 2, 3].map { try DesignMatrix(matrix, standardize: true, center: true, threadCount: $0) }
        let design = designs[0]
        for other in designs.dropFirst() {   // bit-identical for every thread count
            #expect(other.means == design.means && other.scales == design.scales && other.centers == design.centers)
        }
        var expectedActive = [Int]()
        for j in 0..<columns {
            var sum = 0.0, absolute = 0.0
            for i in 0..<rows { sum += Double(values[j * rows + i]); absolute += abs(Double(values[j * rows + i])) }
            let mean = sum / Double(rows)
            #expect(abs(design.means[j] - mean) <= 2 * Double.ulpOfOne * absolute / Double(rows) + 1e-12, "column \(j)")
            let constant = (0..<rows).allSatisfy { values[j * rows + $0] == values[j * rows] }
            if !constant { expectedActive.append(j) }
            guard let k = design.activeColumns.firstIndex(of: j) else { continue }
            var squares = 0.0
            for i in 0..<rows { let d = Double(values[j * rows + i]) - mean; squares += d * d }
            #expect(abs(design.scales[k] - (squares / Double(rows)).squareRoot()) <= 1e-9 * design.scales[k], "column \(j)")
            #expect(design.centers[k] == design.means[j])
        }
        #expect(design.activeColumns == expectedActive)
        #expect(design.constantColumns.map(\.column) == (0..<columns).filter { !expectedActive.contains($0) })
    }
}

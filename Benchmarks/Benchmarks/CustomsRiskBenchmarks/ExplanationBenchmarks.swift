import Benchmark
import CustomsRisk
import Foundation

/// TreeSHAP contributions with the comparison model (200 trees x ≤ 63 leaves).
func explanationBenchmarks() {
    Benchmark("TreeSHAP: contributions for 1k rows, 200 trees (2 threads)",
              configuration: configuration(metrics: [.wallClock, .mallocCountTotal, Rates.rowsPerSecond],
                                   maxIterations: 5,
                                   setup: { blackHole(comparisonPredictor.featureCount + comparisonExplainer.featureCount + testTreesMatrix.rowCount) })) {
        benchmark in
        let explainer = comparisonExplainer
        let matrix = testTreesMatrix.selectingRows(Array(0..<1_000))
        benchmark.startMeasurement()
        let start = ContinuousClock.now
        let contributions = try explainer.contributions(for: matrix, threadCount: BenchmarkData.threadCount)
        let elapsed = ContinuousClock.now - start
        benchmark.stopMeasurement()
        record(Rates.rowsPerSecond, benchmark, count: Double(matrix.rowCount), elapsed: elapsed)
        blackHole(contributions)
    }

    Benchmark("TreeSHAP: explain one row, 200 trees (allocation-free path)",
              configuration: configuration(metrics: [.wallClock, .throughput, .mallocCountTotal],
                                   timeUnits: .microseconds, warmupIterations: 20,
                                   maxDuration: .seconds(2), maxIterations: 200,
                                   allocationSlack: 2,
                                   setup: { blackHole(comparisonPredictor.featureCount + comparisonExplainer.featureCount + testTreesMatrix.rowCount) })) {
        benchmark in
        let explainer = comparisonExplainer
        let matrix = testTreesMatrix
        var row = [Float](repeating: 0, count: matrix.columnCount)
        var contributions = [Double](repeating: 0, count: matrix.columnCount)
        row.withUnsafeMutableBufferPointer { matrix.copyRow(Int.random(in: 0..<matrix.rowCount), into: $0) }
        benchmark.startMeasurement()
        let base = row.withUnsafeBufferPointer { x in
            contributions.withUnsafeMutableBufferPointer { explainer.explain(x, into: $0) }
        }
        benchmark.stopMeasurement()
        blackHole(base)
        blackHole(contributions)
    }
}

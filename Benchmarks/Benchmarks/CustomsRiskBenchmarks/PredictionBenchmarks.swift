import Benchmark
import CustomsRisk
import Foundation

/// Batch and single-row prediction with the comparison model (200 trees x ≤ 63 leaves).
func predictionBenchmarks() {
    Benchmark("Predict:_batch_20k_rows,_200_trees_(2_threads)",
              configuration: configuration(metrics: [.wallClock, .mallocCountTotal, Rates.rowsPerSecond],
                                   maxIterations: 20,
                                   setup: { blackHole(comparisonPredictor.featureCount + comparisonExplainer.featureCount + testTreesMatrix.rowCount) })) {
        benchmark in
        let predictor = comparisonPredictor
        let matrix = testTreesMatrix
        benchmark.startMeasurement()
        let start = ContinuousClock.now
        let scores = try predictor.predictions(matrix, threadCount: BenchmarkData.threadCount)
        let elapsed = ContinuousClock.now - start
        benchmark.stopMeasurement()
        record(Rates.rowsPerSecond, benchmark, count: Double(matrix.rowCount), elapsed: elapsed)
        blackHole(scores)
    }

    Benchmark("Predict:_one_row,_200_trees_(allocation-free_path)",
              configuration: configuration(metrics: [.wallClock, .throughput, .mallocCountTotal],
                                   timeUnits: .microseconds, warmupIterations: 100,
                                   maxDuration: .seconds(2), maxIterations: 2_000,
                                   allocationSlack: 2,
                                   setup: { blackHole(comparisonPredictor.featureCount + comparisonExplainer.featureCount + testTreesMatrix.rowCount) })) {
        benchmark in
        let predictor = comparisonPredictor
        let matrix = testTreesMatrix
        var row = [Float](repeating: 0, count: matrix.columnCount)
        let index = Int.random(in: 0..<matrix.rowCount)
        row.withUnsafeMutableBufferPointer { matrix.copyRow(index, into: $0) }
        benchmark.startMeasurement()
        let score = row.withUnsafeBufferPointer { predictor.prediction($0) }
        benchmark.stopMeasurement()
        blackHole(score)
    }
}

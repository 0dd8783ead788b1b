import Benchmark
import CustomsRisk
import Foundation

/// TreeSHAP contributions with the comparison model (200 trees x ≤ 63 leaves).
func explanationBenchmarks() {
    Benchmark("TreeSHAP:_contributions_for_1k_rows,_200_trees_(2_threads)",
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

    Benchmark("TreeSHAP:_explain_one_row,_200_trees_(allocation-free_path)",
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

    Benchmark("TreeSHAP:_explain_one_row,_200_symmetric_trees_of_depth_6_(tabulated)",
              configuration: configuration(metrics: [.wallClock, .throughput, .mallocCountTotal],
                                   timeUnits: .microseconds, warmupIterations: 20,
                                   maxDuration: .seconds(2), maxIterations: 2_000,
                                   allocationSlack: 2,
                                   setup: { blackHole(symmetricExplainer.featureCount + testTreesMatrix.rowCount) })) {
        benchmark in
        let explainer = symmetricExplainer
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

    Benchmark("TreeSHAP:_contributions_for_20k_rows,_200_symmetric_trees_(2_threads)",
              configuration: configuration(metrics: [.wallClock, .mallocCountTotal, Rates.rowsPerSecond],
                                   maxIterations: 5,
                                   setup: { blackHole(symmetricExplainer.featureCount + testTreesMatrix.rowCount) })) {
        benchmark in
        let explainer = symmetricExplainer
        let matrix = testTreesMatrix
        benchmark.startMeasurement()
        let start = ContinuousClock.now
        let contributions = try explainer.contributions(for: matrix, threadCount: BenchmarkData.threadCount)
        let elapsed = ContinuousClock.now - start
        benchmark.stopMeasurement()
        record(Rates.rowsPerSecond, benchmark, count: Double(matrix.rowCount), elapsed: elapsed)
        blackHole(contributions)
    }
}

import Benchmark
import CustomsRisk
import Foundation

/// TreeSHAP contributions with the comparison model (200 trees x ≤ 63 leaves) and the same shape
/// grown symmetric (200 trees of depth 6, tabulated).
func explanationBenchmarks() {
    contributionsBenchmark("TreeSHAP:_contributions_for_1k_rows,_200_trees_(2_threads)",
                           explainer: { comparisonExplainer }, rows: 1_000)
    explainOneRowBenchmark("TreeSHAP:_explain_one_row,_200_trees_(allocation-free_path)",
                           explainer: { comparisonExplainer }, maxIterations: 200)
    explainOneRowBenchmark("TreeSHAP:_explain_one_row,_200_symmetric_trees_of_depth_6_(tabulated)",
                           explainer: { symmetricExplainer }, maxIterations: 2_000)
    contributionsBenchmark("TreeSHAP:_contributions_for_20k_rows,_200_symmetric_trees_(2_threads)",
                           explainer: { symmetricExplainer }, rows: nil)
}

/// Contributions of the first `rows` rows of the 20k test matrix (all when nil) on the benchmark thread count.
func contributionsBenchmark(_ name: String, explainer: @escaping @Sendable () -> TreeExplainer, rows: Int?) {
    Benchmark(name,
              configuration: configuration(metrics: [.wallClock, .mallocCountTotal, Rates.rowsPerSecond],
                                   maxIterations: 5,
                                   setup: { blackHole(explainer().featureCount + testTreesMatrix.rowCount) })) {
        benchmark in
        let explainer = explainer()
        let matrix = rows.map { testTreesMatrix.selectingRows(Array(0..<$0)) } ?? testTreesMatrix
        benchmark.startMeasurement()
        let start = ContinuousClock.now
        let contributions = try explainer.contributions(for: matrix, threadCount: BenchmarkData.threadCount)
        let elapsed = ContinuousClock.now - start
        benchmark.stopMeasurement()
        record(Rates.rowsPerSecond, benchmark, count: Double(matrix.rowCount), elapsed: elapsed)
        blackHole(contributions)
    }
}

/// One random test row per iteration through the allocation-free `explain(_:into:)`.
func explainOneRowBenchmark(_ name: String, explainer: @escaping @Sendable () -> TreeExplainer, maxIterations: Int) {
    Benchmark(name,
              configuration: configuration(metrics: [.wallClock, .throughput, .mallocCountTotal],
                                   timeUnits: .microseconds, warmupIterations: 20,
                                   maxDuration: .seconds(2), maxIterations: maxIterations,
                                   allocationSlack: 2,
                                   setup: { blackHole(explainer().featureCount + testTreesMatrix.rowCount) })) {
        benchmark in
        let explainer = explainer()
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

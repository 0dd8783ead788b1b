import Benchmark
import CustomsRisk
import Foundation

/// Feature transform with a fitted pipeline (issue 3: ≥ 1M rows/s on 2 cores).
func featureBenchmarks() {
    Benchmark("Features:_transform_1M_declarations_->_trees_matrix_(2_threads)",
              configuration: configuration(metrics: [.wallClock, .mallocCountTotal, Rates.rowsPerSecond],
                                   maxIterations: 5,
                                   setup: { blackHole(largeDeclarationTable.rowCount + trainingFit.labels.count) })) {
        benchmark in
        let table = largeDeclarationTable
        let pipeline = trainingFit.pipeline
        benchmark.startMeasurement()
        let start = ContinuousClock.now
        let matrix = try pipeline.transform(table, for: .trees, threadCount: BenchmarkData.threadCount)
        let elapsed = ContinuousClock.now - start
        benchmark.stopMeasurement()
        record(Rates.rowsPerSecond, benchmark, count: Double(matrix.rowCount), elapsed: elapsed)
        blackHole(matrix)
    }

    Benchmark("Features:_fit_pipeline_on_100k_declarations_(2_threads)",
              configuration: configuration(metrics: [.wallClock, .mallocCountTotal], maxIterations: 5,
                                   setup: { blackHole(trainingDeclarationTable.rowCount) })) { benchmark in
        var configuration = FeaturePipelineConfiguration()
        configuration.threadCount = BenchmarkData.threadCount
        let table = trainingDeclarationTable
        benchmark.startMeasurement()
        blackHole(try FeaturePipeline(configuration: configuration).fit(table))
    }
}

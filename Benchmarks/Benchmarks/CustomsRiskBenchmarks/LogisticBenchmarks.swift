import Benchmark
import CustomsRisk
import Foundation

/// Logistic regression on the linear feature view of 100k declarations.
func logisticBenchmarks() {
    Benchmark("Logistic:_fit_L2_on_100k_declarations_(linear_view,_2_threads)",
              configuration: configuration(metrics: [.wallClock, .mallocCountTotal, .peakMemoryResident],
                                   maxIterations: 5,
                                   // 766–1,067 allocations between identical runs (the peak-memory sampler
                                   // allocates every ~5 ms): a slack of 1,500 still catches one per row (100k).
                                   allocationSlack: 1_500,
                                   setup: { blackHole(trainingFit.labels.count) })) { benchmark in
        let data = try trainingFit.dataset(for: .linear)
        let regression = LogisticRegression(configuration: LogisticRegressionConfiguration(l2Regularization: 1, threadCount: BenchmarkData.threadCount))
        benchmark.startMeasurement()
        blackHole(try regression.fit(data))
    }
}

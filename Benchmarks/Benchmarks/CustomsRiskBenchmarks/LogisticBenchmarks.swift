import Benchmark
import CustomsRisk
import Foundation

/// Logistic regression on the linear feature view of 100k declarations.
func logisticBenchmarks() {
    Benchmark("Logistic:_fit_L2_on_100k_declarations_(linear_view,_2_threads)",
              configuration: configuration(metrics: [.wallClock, .mallocCountTotal, .peakMemoryResident],
                                   maxIterations: 5,
                                   setup: { blackHole(trainingFit.labels.count) })) { benchmark in
        let data = try trainingFit.dataset(for: .linear)
        let regression = LogisticRegression(configuration: LogisticRegressionConfiguration(l2Regularization: 1, threadCount: BenchmarkData.threadCount))
        benchmark.startMeasurement()
        blackHole(try regression.fit(data))
    }
}

import Benchmark
import CustomsRisk
import Foundation

/// Boosted-tree training. The histogram kernels are internal to RiskTrees, so the histogram
/// benchmark times one boosting iteration on 1M rows (binning + gradients + one 63-leaf tree,
/// histogram building dominates); full training uses the peer-comparison shape on 100k rows.
func treeTrainingBenchmarks() {
    Benchmark("GBT:_one_boosting_iteration_on_1M_rows_(binning_+_histograms_+_63-leaf_tree,_2_threads)",
              configuration: configuration(metrics: [.wallClock, .mallocCountTotal, .peakMemoryResident, Rates.rowsPerSecond],
                                   maxIterations: 5,
                                   allocationSlack: 3_000, // memory sampler allocations grow with wall time
                                   setup: { blackHole(largeTreesDataset.rowCount) })) { benchmark in
        let data = largeTreesDataset
        let trainer = BoostedTrees(configuration: comparisonTreesConfiguration(iterations: 1))
        benchmark.startMeasurement()
        let start = ContinuousClock.now
        let result = try trainer.fit(data)
        let elapsed = ContinuousClock.now - start
        benchmark.stopMeasurement()
        record(Rates.rowsPerSecond, benchmark, count: Double(data.rowCount), elapsed: elapsed)
        blackHole(result)
    }

    Benchmark("GBT:_train_200_trees_x_63_leaves_on_100k_rows_(2_threads)",
              configuration: configuration(metrics: [.wallClock, .mallocCountTotal, .peakMemoryResident],
                                   warmupIterations: 0, maxDuration: .seconds(6), maxIterations: 3,
                                   setup: { blackHole(trainingFit.labels.count) })) { benchmark in
        let data = try trainingFit.dataset(for: .trees)
        let trainer = BoostedTrees(configuration: comparisonTreesConfiguration())
        benchmark.startMeasurement()
        blackHole(try trainer.fit(data))
    }
}

import Benchmark
import CustomsRisk

// Entry point of the benchmark executable: one registration function per area, each in its own file.
// Every benchmark runs in its own process (ordo-one/benchmark spawns one per benchmark), so the
// data below are generated at most once per process through lazy globals (BenchmarkData.swift), and
// the 1M-row declaration file is written once per machine into a temporary folder and reused.
// Thresholds and tolerance policy: Benchmarks/README.md.

let benchmarks: @Sendable () -> Void = {
    // Every benchmark states its metrics and gets matching thresholds through `configuration(…)`.
    Benchmark.defaultConfiguration = configuration(metrics: [.wallClock, .mallocCountTotal])
    readingBenchmarks()
    featureBenchmarks()
    treeTrainingBenchmarks()
    logisticBenchmarks()
    predictionBenchmarks()
    explanationBenchmarks()
    scoringBenchmarks()
    bundleLoadingBenchmarks()
    targetingBenchmarks()
}

func targetingBenchmarks() {
    Benchmark("Targeting:_select_top_5%_of_1M_scores",
              configuration: configuration(metrics: [.wallClock, .mallocCountTotal])) { benchmark in
        var generator = SeededGenerator(seed: 1)
        let values = (0..<1_000_000).map { _ in generator.nextUnit() }
        let policy = try TargetingPolicy(budget: .inspectionRate(0.05))
        benchmark.startMeasurement()
        blackHole(policy.select(values))
    }
}

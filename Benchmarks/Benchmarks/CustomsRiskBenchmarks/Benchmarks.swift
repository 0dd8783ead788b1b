import Benchmark
import CustomsRisk

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident],
        warmupIterations: 1,
        maxDuration: .seconds(5),
        maxIterations: 20
    )
    targetingBenchmarks()
}

func targetingBenchmarks() {
    Benchmark("Targeting: select top 5% of 1M scores") { benchmark in
        var generator = SeededGenerator(seed: 1)
        let values = (0..<1_000_000).map { _ in generator.nextUnit() }
        let policy = try TargetingPolicy(budget: .inspectionRate(0.05))
        benchmark.startMeasurement()
        blackHole(policy.select(values))
    }
}

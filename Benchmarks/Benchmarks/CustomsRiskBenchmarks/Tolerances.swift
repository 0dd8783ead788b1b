import Benchmark

/// Custom rate metrics (values recorded by the benchmark itself, larger is better).
enum Rates {
    /// Input megabytes (10⁶ bytes) read per second.
    static let megabytesPerSecond = BenchmarkMetric.custom("MB/s", polarity: .prefersLarger, useScalingFactor: false)
    /// Rows (declarations) processed per second.
    static let rowsPerSecond = BenchmarkMetric.custom("rows/s", polarity: .prefersLarger, useScalingFactor: false)
}

/// How far a run may drift from the committed p90 thresholds before `thresholds check` fails.
///
/// The tolerance is symmetric: a run much *better* than the baseline also fails (exit code 4), so
/// that the committed thresholds get refreshed when something speeds up. Policy and reasons:
/// Benchmarks/README.md. In short, the machine these baselines come from has 2 cores shared with
/// other jobs, so time-like metrics get ±60 %, memory ±35 %, allocation counts ±25 % (threads
/// allocate per chunk, so counts move a little with scheduling) — wide enough for a shared machine,
/// narrow enough that a 2x slow-down or a per-row allocation creeping into a hot loop fails.
enum Tolerances {
    static var time: BenchmarkThresholds { BenchmarkThresholds(relative: [.p90: 60]) }
    static var memory: BenchmarkThresholds { BenchmarkThresholds(relative: [.p90: 35]) }
    static var allocations: BenchmarkThresholds { BenchmarkThresholds(relative: [.p90: 25]) }

    /// Allocation counts of a few per call (single-row paths) move by whole units; a relative
    /// tolerance would fail on 4 -> 5, so those use an absolute slack.
    static func smallAllocations(_ slack: Int) -> BenchmarkThresholds {
        BenchmarkThresholds(absolute: [.p90: slack])
    }

    static var standard: [BenchmarkMetric: BenchmarkThresholds] {
        [
            .wallClock: time, .throughput: time, .peakMemoryResident: memory, .mallocCountTotal: allocations,
            Rates.megabytesPerSecond: time, Rates.rowsPerSecond: time,
        ]
    }

    /// `standard` with an absolute allocation slack.
    static func withAllocationSlack(_ slack: Int) -> [BenchmarkMetric: BenchmarkThresholds] {
        var t = standard
        t[.mallocCountTotal] = smallAllocations(slack)
        return t
    }
}

/// Records `count` units processed in `elapsed` as a rate metric.
func record(_ metric: BenchmarkMetric, _ benchmark: Benchmark, count: Double, elapsed: Duration) {
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    if seconds > 0 { benchmark.measurement(metric, Int((count / seconds).rounded())) }
}

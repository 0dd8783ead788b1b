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
/// ordo-one/benchmark checks both directions: a run far *better* than the baseline exits 4
/// ("improvement"). Policy and reasons: Benchmarks/README.md. In short, the baselines come from a
/// 2-core machine shared with other jobs (load average 20–25 while they were recorded):
/// - wall clock: +100 % — fails when a benchmark becomes 2× slower; a time can only drop by
///   100 %, so a faster run (quiet machine, real speed-up) never fails;
/// - rates (MB/s, rows/s, calls/s) are reported for reading but not guarded: they are the
///   reciprocal of the guarded wall clock, and a relative tolerance cannot be one-sided on them;
/// - peak resident memory ±35 %, allocation counts ±25 % (threads allocate per chunk, so counts
///   move a little with scheduling) — neither depends on machine load, so they stay tight enough
///   that a duplicated buffer or an allocation per row fails.
enum Tolerances {
    static var time: BenchmarkThresholds { BenchmarkThresholds(relative: [.p90: 100]) }
    static var memory: BenchmarkThresholds { BenchmarkThresholds(relative: [.p90: 35]) }
    static var allocations: BenchmarkThresholds { BenchmarkThresholds(relative: [.p90: 25]) }
    /// No relative or absolute tolerance at all: recorded, never failing.
    static var reportedOnly: BenchmarkThresholds { BenchmarkThresholds() }

    /// Allocation counts of a few per call (single-row paths) move by whole units; a relative
    /// tolerance would fail on 4 -> 5, so those use an absolute slack.
    static func smallAllocations(_ slack: Int) -> BenchmarkThresholds {
        BenchmarkThresholds(absolute: [.p90: slack])
    }

    static var standard: [BenchmarkMetric: BenchmarkThresholds] {
        [
            .wallClock: time, .peakMemoryResident: memory, .mallocCountTotal: allocations,
            .throughput: reportedOnly, Rates.megabytesPerSecond: reportedOnly, Rates.rowsPerSecond: reportedOnly,
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

/// A benchmark configuration whose thresholds cover exactly `metrics` (no warnings for unused ones).
///
/// - Parameter allocationSlack: When set, `mallocCountTotal` gets this absolute slack instead of ±25 %.
func configuration(metrics: [BenchmarkMetric], timeUnits: BenchmarkTimeUnits = .milliseconds,
                   warmupIterations: Int = 1, maxDuration: Duration = .seconds(4), maxIterations: Int = 10,
                   allocationSlack: Int? = nil,
                   setup: Benchmark.BenchmarkSetupHook? = nil) -> Benchmark.Configuration {
    var thresholds: [BenchmarkMetric: BenchmarkThresholds] = [:]
    let all = allocationSlack.map { Tolerances.withAllocationSlack($0) } ?? Tolerances.standard
    for metric in metrics { thresholds[metric] = all[metric] }
    return Benchmark.Configuration(metrics: metrics, timeUnits: timeUnits, warmupIterations: warmupIterations,
                                   maxDuration: maxDuration, maxIterations: maxIterations,
                                   thresholds: thresholds, setup: setup)
}

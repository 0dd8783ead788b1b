import Benchmark
import CustomsRisk
import Foundation

/// Reading declaration CSV into typed columns (issue 2: ≥ 100 MB/s on one core, ≤ ~2x file size in memory).
func readingBenchmarks() {
    Benchmark("CSV:_read_1M_declarations_(21_columns)_into_a_table",
              configuration: configuration(metrics: [.wallClock, .mallocCountTotal, .peakMemoryResident,
                                             Rates.megabytesPerSecond, Rates.rowsPerSecond],
                                   maxIterations: 5,
                                   // The peak-memory sampler thread allocates every ~5 ms, so the count grows
                                   // with wall time (1,171–1,825 between runs); one allocation per row adds 1M.
                                   allocationSlack: 3_000)) { benchmark in
        let url = largeDeclarationsFile
        let megabytes = Double((try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0) / 1e6
        benchmark.startMeasurement()
        let start = ContinuousClock.now
        let table = try DeclarationReader.read(contentsOf: url, schema: SyntheticDeclarations.schema).table
        let elapsed = ContinuousClock.now - start
        benchmark.stopMeasurement()
        record(Rates.megabytesPerSecond, benchmark, count: megabytes, elapsed: elapsed)
        record(Rates.rowsPerSecond, benchmark, count: Double(table.rowCount), elapsed: elapsed)
        blackHole(table)
    }

    // The segmented reader of `riskctl score`: whole-record segments of ≈ 2 MiB read on 2 threads.
    Benchmark("CSV:_read_1M_declarations_in_2_MiB_segments_(2_threads)",
              configuration: configuration(metrics: [.wallClock, .mallocCountTotal, .peakMemoryResident,
                                             Rates.megabytesPerSecond, Rates.rowsPerSecond],
                                   maxIterations: 5, allocationSlack: 3_000)) { benchmark in
        let url = largeDeclarationsFile
        let megabytes = Double((try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0) / 1e6
        benchmark.startMeasurement()
        let start = ContinuousClock.now
        let rows = try DeclarationReader.mapSegments(contentsOf: url, schema: SyntheticDeclarations.schema,
                                                     threadCount: 2) { $0.table.rowCount }
        let elapsed = ContinuousClock.now - start
        benchmark.stopMeasurement()
        let total = rows.reduce(0, +)
        record(Rates.megabytesPerSecond, benchmark, count: megabytes, elapsed: elapsed)
        record(Rates.rowsPerSecond, benchmark, count: Double(total), elapsed: elapsed)
        blackHole(total)
    }
}

import Benchmark
import CustomsRisk
import Foundation

/// Scoring through the public Swift API with a full bundle (issue 7: one declaration scored and
/// explained in < 50 µs for 200 trees).
func scoringBenchmarks() {
    singleDeclarationBenchmark("Scoring:_one_declaration,_score_+_3_reasons_(RiskScorer.score(Declaration))",
                               scorer: { benchmarkScorer }, reasons: 3, maxDuration: 3, maxIterations: 200)
    singleDeclarationBenchmark("Scoring:_one_declaration,_score_only_(no_reasons)",
                               scorer: { benchmarkScorer }, reasons: 0, maxDuration: 2, maxIterations: 300)
    batchScoringBenchmark("Scoring:_batch_of_1k_declarations_with_3_reasons_(2_threads)",
                          scorer: { benchmarkScorer }, rows: 1_000)
    singleDeclarationBenchmark(
        "Scoring:_one_declaration,_score_+_3_reasons,_200_symmetric_trees_(RiskScorer.score(Declaration))",
        scorer: { symmetricScorer }, reasons: 3, maxDuration: 3, maxIterations: 1_000)
    batchScoringBenchmark("Scoring:_batch_of_20k_declarations_with_3_reasons,_200_symmetric_trees_(2_threads)",
                          scorer: { symmetricScorer }, rows: 20_000)
}

/// One random generated declaration per iteration through `RiskScorer.score(_:options:)`.
func singleDeclarationBenchmark(_ name: String, scorer: @escaping @Sendable () -> RiskScorer, reasons: Int,
                                maxDuration: Int, maxIterations: Int) {
    Benchmark(name,
              configuration: configuration(metrics: [.wallClock, .throughput, .mallocCountTotal],
                                   timeUnits: .microseconds, warmupIterations: 20,
                                   maxDuration: .seconds(maxDuration), maxIterations: maxIterations,
                                   setup: { blackHole(scorer().bundle.metadata) })) { benchmark in
        let scorer = scorer()
        let declarations = singleDeclarations
        let declaration = declarations[Int.random(in: 0..<declarations.count)]
        let options = ScoringOptions(reasonCount: reasons)
        benchmark.startMeasurement()
        let assessment = try scorer.score(declaration, options: options)
        benchmark.stopMeasurement()
        blackHole(assessment)
    }
}

/// `rows` generated declarations (seed 5) scored with 3 reasons on the benchmark thread count.
func batchScoringBenchmark(_ name: String, scorer: @escaping @Sendable () -> RiskScorer, rows: Int) {
    Benchmark(name,
              configuration: configuration(metrics: [.wallClock, .mallocCountTotal, Rates.rowsPerSecond],
                                   maxIterations: 5,
                                   setup: { blackHole(scorer().bundle.metadata) })) { benchmark in
        let scorer = scorer()
        let table = try SyntheticDeclarations(rowCount: rows, seed: 5).table()
        let options = ScoringOptions(reasonCount: 3, threadCount: BenchmarkData.threadCount)
        benchmark.startMeasurement()
        let start = ContinuousClock.now
        let assessments = try scorer.score(table, options: options)
        let elapsed = ContinuousClock.now - start
        benchmark.stopMeasurement()
        record(Rates.rowsPerSecond, benchmark, count: Double(assessments.count), elapsed: elapsed)
        blackHole(assessments)
    }
}

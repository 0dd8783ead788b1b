import Benchmark
import CustomsRisk
import Foundation

/// Scoring through the public Swift API with a full bundle (issue 7: one declaration scored and
/// explained in < 50 µs for 200 trees).
func scoringBenchmarks() {
    Benchmark("Scoring:_one_declaration,_score_+_3_reasons_(RiskScorer.score(Declaration))",
              configuration: configuration(metrics: [.wallClock, .throughput, .mallocCountTotal],
                                   timeUnits: .microseconds, warmupIterations: 20,
                                   maxDuration: .seconds(3), maxIterations: 200,
                                   setup: { blackHole(benchmarkScorer.bundle.metadata) })) { benchmark in
        let scorer = benchmarkScorer
        let declarations = singleDeclarations
        let declaration = declarations[Int.random(in: 0..<declarations.count)]
        let options = ScoringOptions(reasonCount: 3)
        benchmark.startMeasurement()
        let assessment = try scorer.score(declaration, options: options)
        benchmark.stopMeasurement()
        blackHole(assessment)
    }

    Benchmark("Scoring:_one_declaration,_score_only_(no_reasons)",
              configuration: configuration(metrics: [.wallClock, .throughput, .mallocCountTotal],
                                   timeUnits: .microseconds, warmupIterations: 20,
                                   maxDuration: .seconds(2), maxIterations: 300,
                                   setup: { blackHole(benchmarkScorer.bundle.metadata) })) { benchmark in
        let scorer = benchmarkScorer
        let declarations = singleDeclarations
        let declaration = declarations[Int.random(in: 0..<declarations.count)]
        let options = ScoringOptions(reasonCount: 0)
        benchmark.startMeasurement()
        let assessment = try scorer.score(declaration, options: options)
        benchmark.stopMeasurement()
        blackHole(assessment)
    }

    Benchmark("Scoring:_batch_of_1k_declarations_with_3_reasons_(2_threads)",
              configuration: configuration(metrics: [.wallClock, .mallocCountTotal, Rates.rowsPerSecond],
                                   maxIterations: 5,
                                   setup: { blackHole(benchmarkScorer.bundle.metadata) })) { benchmark in
        let scorer = benchmarkScorer
        let table = try SyntheticDeclarations(rowCount: 1_000, seed: 5).table()
        let options = ScoringOptions(reasonCount: 3, threadCount: BenchmarkData.threadCount)
        benchmark.startMeasurement()
        let start = ContinuousClock.now
        let assessments = try scorer.score(table, options: options)
        let elapsed = ContinuousClock.now - start
        benchmark.stopMeasurement()
        record(Rates.rowsPerSecond, benchmark, count: Double(assessments.count), elapsed: elapsed)
        blackHole(assessments)
    }

    Benchmark("Scoring:_one_declaration,_score_+_3_reasons,_200_symmetric_trees_(RiskScorer.score(Declaration))",
              configuration: configuration(metrics: [.wallClock, .throughput, .mallocCountTotal],
                                   timeUnits: .microseconds, warmupIterations: 20,
                                   maxDuration: .seconds(3), maxIterations: 1_000,
                                   setup: { blackHole(symmetricScorer.bundle.metadata) })) { benchmark in
        let scorer = symmetricScorer
        let declarations = singleDeclarations
        let declaration = declarations[Int.random(in: 0..<declarations.count)]
        let options = ScoringOptions(reasonCount: 3)
        benchmark.startMeasurement()
        let assessment = try scorer.score(declaration, options: options)
        benchmark.stopMeasurement()
        blackHole(assessment)
    }

    Benchmark("Scoring:_batch_of_20k_declarations_with_3_reasons,_200_symmetric_trees_(2_threads)",
              configuration: configuration(metrics: [.wallClock, .mallocCountTotal, Rates.rowsPerSecond],
                                   maxIterations: 5,
                                   setup: { blackHole(symmetricScorer.bundle.metadata) })) { benchmark in
        let scorer = symmetricScorer
        let table = try SyntheticDeclarations(rowCount: 20_000, seed: 5).table()
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

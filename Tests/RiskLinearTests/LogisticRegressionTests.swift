import Foundation
import RiskData
import RiskTestSupport
import Testing
@testable import RiskLinear

@Suite("Logistic regression")
struct LogisticRegressionTests {
    @Test(arguments: [(300, 5), (2_000, 12), (9_000, 3)], [1, 7] as [UInt64])
    func gradientAtOptimumIsZeroByNaiveLoop(shape: (Int, Int), seed: UInt64) throws {
        let data = SyntheticClassification.make(rowCount: shape.0, featureCount: shape.1, seed: seed)
        let l2 = 0.5
        let configuration = LogisticRegressionConfiguration(l2Regularization: l2, gradientTolerance: 1e-10,
                                                            relativeLossTolerance: 0, standardize: false)
        let result = try LogisticRegression(configuration: configuration).fit(data)
        #expect(result.report.converged, "seed \(seed)")
        let (g, gIntercept, total) = NaiveLogistic.gradient(model: result.model, dataset: data, l2: l2)
        // Converged to 1e-10 on centred features; the original-scale gradient differs by the
        // mean shift only in rounding: 1e-8 of the total weight is far below a real error.
        for j in g.indices { #expect(abs(g[j]) / total <= 1e-8, "seed \(seed) feature \(j): \(g[j] / total)") }
        #expect(abs(gIntercept) / total <= 1e-8, "seed \(seed) intercept")
        #expect(abs(result.report.gradientNorm) <= 1e-10)
    }

    @Test(arguments: [1, 2, 3] as [UInt64], [true, false])
    func newtonAndQuasiNewtonAgree(seed: UInt64, standardize: Bool) throws {
        var data = SyntheticClassification.make(rowCount: 1_500, featureCount: 10, seed: seed)
        var generator = SeededGenerator(seed: seed &+ 99)
        data.weights = (0..<data.rowCount).map { _ in Float(0.5 + generator.nextUnit()) }
        func fit(_ solver: LogisticSolver) throws -> LogisticModel {
            let r = try LogisticRegression(configuration: .init(
                l2Regularization: 2, solver: solver, maximumIterations: 2_000, gradientTolerance: 1e-9,
                relativeLossTolerance: 0, positiveClassWeight: 2.5, standardize: standardize)).fit(data)
            #expect(r.report.converged, "seed \(seed) \(solver)")
            return r.model
        }
        let newton = try fit(.newton), lbfgs = try fit(.lbfgs), owlqn = try fit(.owlqn)
        // Both reach a mean-gradient of 1e-9 on a well-conditioned problem (smallest mean-loss Hessian
        // eigenvalue ≳ 1e-2): coefficients agree to ~1e-7; 1e-6 relative leaves a margin.
        for j in newton.coefficients.indices {
            #expect(isClose(newton.coefficients[j], lbfgs.coefficients[j], relative: 1e-6, absolute: 1e-8), "seed \(seed) \(j)")
            #expect(isClose(newton.coefficients[j], owlqn.coefficients[j], relative: 1e-6, absolute: 1e-8), "seed \(seed) \(j)")
        }
        #expect(isClose(newton.intercept, lbfgs.intercept, relative: 1e-6, absolute: 1e-8))
    }

    @Test(arguments: [LogisticSolver.newton, .lbfgs], [0.0, 0.1])
    func perfectlySeparableDataConvergeWithAWarning(solver: LogisticSolver, l2: Double) throws {
        // Label = x0 > 0, with x0 pushed at least 1 away from 0: separable by a margin of 2.
        let data = SyntheticClassification.make(rowCount: 200, featureCount: 3, seed: 5)
        var features = data.features
        for i in 0..<200 { features[i, 0] += features[i, 0] > 0 ? 1 : -1 }
        let labels = (0..<200).map { features[$0, 0] > 0 ? Float(1) : 0 }
        let separable = try Dataset(features: features, labels: labels)
        let result = try LogisticRegression(configuration: .init(l2Regularization: l2, solver: solver,
                                                                 maximumIterations: 1_000)).fit(separable)
        #expect(result.model.coefficients.allSatisfy { $0.isFinite } && result.model.intercept.isFinite)
        #expect(result.report.finalLoss.isFinite)
        #expect(result.model.coefficients[0] > 1)
        let warning = l2 > 0
            ? "data are perfectly separable: coefficients grow until the penalty stops them."
            : "data are perfectly separable and there is no penalty: the loss has no minimum and coefficients "
                + "grow until the optimiser stops; set l2Regularization > 0."
        #expect(result.report.warnings.contains(warning), "\(result.report.warnings)")
        if l2 > 0 { #expect(result.report.converged) }
    }

    @Test(arguments: [1, 4] as [UInt64])
    func resultsDoNotDependOnThreadCount(seed: UInt64) throws {
        // 20 panels of 512 rows in 8 fixed groups, so the row loop really splits.
        let data = SyntheticClassification.make(rowCount: 10_000, featureCount: 6, seed: seed)
        func fit(_ threads: Int, _ solver: LogisticSolver) throws -> LogisticRegressionResult {
            try LogisticRegression(configuration: .init(solver: solver, threadCount: threads)).fit(data)
        }
        for solver in [LogisticSolver.newton, .lbfgs] {
            let one = try fit(1, solver), two = try fit(2, solver)
            #expect(one.model == two.model, "seed \(seed) \(solver)")
            #expect(one.report == two.report)
        }
    }

    @Test func l1ProducesExactZerosAndSatisfiesTheSubgradientCondition() throws {
        let data = SyntheticClassification.make(rowCount: 800, featureCount: 12, seed: 11)
        let l1 = 40.0
        let result = try LogisticRegression(configuration: .init(
            l2Regularization: 0, l1Regularization: l1, gradientTolerance: 1e-9, relativeLossTolerance: 0,
            standardize: false)).fit(data)
        #expect(result.report.solver == .owlqn)
        #expect(result.report.converged)
        let (g, gIntercept, total) = NaiveLogistic.gradient(model: result.model, dataset: data, l2: 0)
        #expect(result.model.coefficients.contains(0))
        for (j, beta) in result.model.coefficients.enumerated() {
            // KKT: gⱼ = −l1·sign(βⱼ) when βⱼ ≠ 0, |gⱼ| ≤ l1 when βⱼ = 0.
            if beta == 0 { #expect(abs(g[j]) <= l1 * (1 + 1e-9), "feature \(j)") }
            else { #expect(abs(g[j] + l1 * (beta > 0 ? 1 : -1)) / total <= 1e-8, "feature \(j)") }
        }
        #expect(abs(gIntercept) / total <= 1e-8)
    }

    @Test func reportsNonConvergence() throws {
        let data = SyntheticClassification.make(rowCount: 500, featureCount: 4, seed: 3)
        let result = try LogisticRegression(configuration: .init(solver: .lbfgs, maximumIterations: 2,
                                                                 gradientTolerance: 1e-12)).fit(data)
        #expect(!result.report.converged)
        #expect(result.report.iterations == 2)
        #expect(result.report.stopReason == "maximum iterations reached")
        #expect(result.report.warnings.last?.hasPrefix("the lbfgs solver did not converge after 2 iterations") == true)
    }

    @Test func fitsWithoutIntercept() throws {
        let data = SyntheticClassification.make(rowCount: 600, featureCount: 4, seed: 8, intercept: 0)
        let result = try LogisticRegression(configuration: .init(gradientTolerance: 1e-10, fitIntercept: false)).fit(data)
        #expect(result.model.intercept == 0)
        #expect(result.report.converged)
    }
}

@Suite("Logistic regression with a sampled Newton Hessian")
struct SampledNewtonTests {
    @Test(arguments: [1, 5] as [UInt64])
    func reachesTheExactOptimumForEveryThreadCount(seed: UInt64) throws {
        let data = SyntheticClassification.make(rowCount: 12_000, featureCount: 8, seed: seed)
        let l2 = 0.5
        func fit(threads: Int, sample: Int?) throws -> LogisticRegressionResult {
            try LogisticRegression(configuration: .init(
                l2Regularization: l2, solver: .newton, gradientTolerance: 1e-10, relativeLossTolerance: 0,
                standardize: false, threadCount: threads)).fit(data, hessianSampleRows: sample)
        }
        let exact = try fit(threads: 1, sample: nil)
        let sampled = try fit(threads: 1, sample: 1_024)
        #expect(exact.report.converged && sampled.report.converged, "seed \(seed)")
        // The sampled path is really taken on these data: 24 panels, every 12th in the Hessian.
        let design = try DesignMatrix(data.features, standardize: false, center: true)
        let objective = LogisticObjective(design: design, a: [Double](repeating: 1, count: 12_000),
                                          b: [Double](repeating: 0, count: 12_000), l2: l2, fitsIntercept: true,
                                          threadCount: 1, hessianSampleRows: 1_024)
        #expect(objective.hessianStride == 12)
        // Both stop at a mean gradient ≤ 1e-10; with curvature ≳ 0.1 per row, the coefficients of
        // the two stopping points differ by ≲ 1e-9: 1e-7 leaves room and still catches a wrong optimum.
        for j in exact.model.coefficients.indices {
            #expect(abs(exact.model.coefficients[j] - sampled.model.coefficients[j]) <= 1e-7, "seed \(seed) feature \(j)")
        }
        #expect(abs(exact.model.intercept - sampled.model.intercept) <= 1e-7)
        let (g, gIntercept, total) = NaiveLogistic.gradient(model: sampled.model, dataset: data, l2: l2)
        for j in g.indices { #expect(abs(g[j]) / total <= 1e-8, "seed \(seed) feature \(j)") }
        #expect(abs(gIntercept) / total <= 1e-8)
        for threads in [2, 3] {
            let other = try fit(threads: threads, sample: 1_024)
            #expect(other.model == sampled.model, "seed \(seed) threads \(threads)")
            #expect(other.report == sampled.report)
        }
    }
}

extension SampledNewtonTests {
    /// A strong indicator set only in rows 3 000 ..< 3 100 (panels 5–6): the sampled panels (every
    /// 12th: 0 and 12) never see it, so the sampled Hessian has no curvature for it. The solver
    /// must notice (the full step fails) and finish with the exact Hessian, as fast as exact Newton.
    @Test(arguments: [2, 6] as [UInt64])
    func switchesToTheExactHessianWhenTheSampleMissesAColumn(seed: UInt64) throws {
        let rows = 12_000, gaussian = 5
        var generator = SeededGenerator(seed: seed)
        var values = [Float](repeating: 0, count: rows * (gaussian + 1))
        var labels = [Float](repeating: 0, count: rows)
        for i in 0..<rows {
            var eta = -1.0
            for j in 0..<gaussian {
                let x = generator.nextGaussian()
                values[j * rows + i] = Float(x)
                eta += 0.4 * x
            }
            if (3_000..<3_100).contains(i) {
                values[gaussian * rows + i] = 1
                eta += 3
            }
            labels[i] = generator.nextUnit() < 1 / (1 + exp(-eta)) ? 1 : 0
        }
        let matrix = try FeatureMatrix(rowCount: rows, schema: .numeric(count: gaussian + 1), values: values)
        let data = try Dataset(features: matrix, labels: labels)
        func fit(sample: Int?) throws -> LogisticRegressionResult {
            try LogisticRegression(configuration: .init(
                l2Regularization: 1, solver: .newton, gradientTolerance: 1e-10, relativeLossTolerance: 0,
                standardize: false, threadCount: 2)).fit(data, hessianSampleRows: sample)
        }
        let exact = try fit(sample: nil), sampled = try fit(sample: 1_024)
        #expect(exact.report.converged && sampled.report.converged, "seed \(seed)")
        // One rejected sampled step, then exact Newton: at most two iterations more than exact.
        #expect(sampled.report.iterations <= exact.report.iterations + 2,
                "seed \(seed): \(sampled.report.iterations) vs \(exact.report.iterations)")
        // Same stopping rule (mean gradient ≤ 1e-10) as in the test above.
        for j in exact.model.coefficients.indices {
            #expect(abs(exact.model.coefficients[j] - sampled.model.coefficients[j]) <= 1e-7, "seed \(seed) feature \(j)")
        }
    }
}

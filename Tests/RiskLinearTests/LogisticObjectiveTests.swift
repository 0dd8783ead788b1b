import Foundation
import RiskData
import RiskLinearAlgebra
import RiskTestSupport
import Testing
@testable import RiskLinear

/// The fused objective (one pass per evaluation, sampled Hessian) against plain loops over the
/// working design matrix built naively from the features.
@Suite("Logistic objective")
struct LogisticObjectiveTests {
    struct Problem {
        let data: Dataset
        let design: DesignMatrix
        let a: [Double], b: [Double]
        let l2: Double
        let fitsIntercept: Bool

        init(rows: Int, features: Int, seed: UInt64, standardize: Bool, fitsIntercept: Bool) throws {
            var data = SyntheticClassification.make(rowCount: rows, featureCount: features, seed: seed)
            var generator = SeededGenerator(seed: seed &+ 17)
            data.weights = (0..<rows).map { _ in Float(0.5 + generator.nextUnit()) }
            self.data = data
            design = try DesignMatrix(data.features, standardize: standardize, center: fitsIntercept)
            let k = 2.0   // positive-class weight
            a = (0..<rows).map { Double(data.weights![$0]) * (Double(data.labels[$0]) * k + 1 - Double(data.labels[$0])) }
            b = (0..<rows).map { Double(data.weights![$0]) * Double(data.labels[$0]) * k }
            l2 = 0.7
            self.fitsIntercept = fitsIntercept
        }

        func objective(threads: Int, hessianSampleRows: Int? = nil) -> LogisticObjective {
            LogisticObjective(design: design, a: a, b: b, l2: l2, fitsIntercept: fitsIntercept, threadCount: threads,
                              hessianSampleRows: hessianSampleRows)
        }

        /// Row i of [Z 1], built with plain loops from the features.
        func workingRow(_ i: Int) -> [Double] {
            var row = design.activeColumns.enumerated().map { k, j in
                (Double(data.features[i, j]) - design.centers[k]) * (1 / design.scales[k])
            }
            if fitsIntercept { row.append(1) }
            return row
        }

        func theta(seed: UInt64) -> [Double] {
            var generator = SeededGenerator(seed: seed)
            return (0..<(design.columns + (fitsIntercept ? 1 : 0))).map { _ in 0.3 * generator.nextGaussian() }
        }

        /// Loss, gradient, curvatures and the full Hessian of the rows in `rows`, by plain loops.
        func naive(_ theta: [Double], rows: [Int]) -> (loss: Double, gradient: [Double], hessian: [[Double]], curvature: [Double]) {
            let m = theta.count
            var loss = 0.0
            var gradient = [Double](repeating: 0, count: m)
            var hessian = [[Double]](repeating: [Double](repeating: 0, count: m), count: m)
            var curvature = [Double](repeating: 0, count: data.rowCount)
            for i in rows {
                let x = workingRow(i)
                var eta = 0.0
                for j in 0..<m { eta += x[j] * theta[j] }
                let p = 1 / (1 + exp(-eta))
                loss += a[i] * log1p(exp(-abs(eta))) + a[i] * max(eta, 0) - b[i] * eta
                let r = a[i] * p - b[i], h = a[i] * p * (1 - p)
                curvature[i] = h
                for j in 0..<m {
                    gradient[j] += r * x[j]
                    for k in 0..<m { hessian[j][k] += h * x[j] * x[k] }
                }
            }
            return (loss, gradient, hessian, curvature)
        }
    }

    static func evaluate(_ objective: LogisticObjective, _ theta: [Double]) throws -> (Double, [Double]) {
        let m = theta.count
        let point = Vector(m), gradient = Vector(m)
        for j in 0..<m { point[j] = theta[j] }
        let loss = try objective.evaluate(point.buffer, gradient: gradient.buffer)
        return (loss, (0..<m).map { gradient[$0] })
    }

    static func hessian(_ objective: LogisticObjective) throws -> [[Double]] {
        let m = objective.parameterCount
        var h = try Matrix(rows: m, columns: m)
        try h.withUnsafeMutableBufferPointer { try objective.hessian(into: MutableMatrixBuffer($0, rows: m, columns: m)) }
        return (0..<m).map { i in (0..<m).map { j in i <= j ? h[i, j] : h[j, i] } }
    }

    // Sums of up to 5 000 terms of size ≲ 10 in another order: 1e-9 × rows bounds the rounding
    // difference (n·ε·Σ|terms| ≈ 1e-8 at worst) and is far below any real error.
    static func close(_ x: Double, _ y: Double, rows: Int) -> Bool { abs(x - y) <= 1e-9 * Double(max(rows, 1)) }

    @Test(arguments: [(1, 3), (700, 4), (5_000, 6)], [(true, true), (false, true), (false, false)])
    func lossGradientAndHessianMatchNaiveLoops(shape: (Int, Int), options: (standardize: Bool, intercept: Bool)) throws {
        let problem = try Problem(rows: shape.0, features: shape.1, seed: 21, standardize: options.standardize,
                                  fitsIntercept: options.intercept)
        let theta = problem.theta(seed: 4)
        let objective = problem.objective(threads: 2)
        let (loss, gradient) = try Self.evaluate(objective, theta)
        let naive = problem.naive(theta, rows: Array(0..<shape.0))
        let penalty = (0..<problem.design.columns).reduce(0.0) { $0 + theta[$1] * theta[$1] }
        #expect(Self.close(loss, naive.loss + 0.5 * problem.l2 * penalty, rows: shape.0))
        for j in theta.indices {
            let expected = naive.gradient[j] + (j < problem.design.columns ? problem.l2 * theta[j] : 0)
            #expect(Self.close(gradient[j], expected, rows: shape.0), "gradient \(j)")
        }
        let hessian = try Self.hessian(objective)
        for i in theta.indices {
            for j in theta.indices {
                let expected = naive.hessian[i][j] + (i == j && i < problem.design.columns ? problem.l2 : 0)
                #expect(Self.close(hessian[i][j], expected, rows: shape.0), "Hessian \(i),\(j)")
            }
        }
        #expect(objective.hessianStride == 1)
    }

    @Test(arguments: [1, 9] as [UInt64])
    func sampledHessianIsTheRescaledSumOverEverySampledPanel(seed: UInt64) throws {
        let rows = 5_000, panelRows = LogisticObjective.panelRows
        let problem = try Problem(rows: rows, features: 5, seed: seed, standardize: false, fitsIntercept: true)
        let objective = problem.objective(threads: 2, hessianSampleRows: 1_024)
        // 10 panels, 2 wanted: every 5th panel.
        #expect(objective.hessianStride == 5)
        let theta = problem.theta(seed: seed &+ 1)
        _ = try Self.evaluate(objective, theta)
        let sampledRows = (0..<rows).filter { ($0 / panelRows) % objective.hessianStride == 0 }
        let all = problem.naive(theta, rows: Array(0..<rows)), sample = problem.naive(theta, rows: sampledRows)
        let factor = all.curvature.reduce(0, +) / sampledRows.reduce(0.0) { $0 + sample.curvature[$1] }
        let hessian = try Self.hessian(objective)
        for i in theta.indices {
            for j in theta.indices {
                let expected = factor * sample.hessian[i][j] + (i == j && i < problem.design.columns ? problem.l2 : 0)
                #expect(Self.close(hessian[i][j], expected, rows: rows), "seed \(seed) Hessian \(i),\(j)")
            }
        }
        // The intercept's diagonal entry is Σ h over every row: exact by construction.
        let last = theta.count - 1
        #expect(Self.close(hessian[last][last], all.hessian[last][last], rows: rows))
    }

    @Test(arguments: [2, 3])
    func resultsAreBitIdenticalForEveryThreadCount(threads: Int) throws {
        let problem = try Problem(rows: 9_000, features: 4, seed: 6, standardize: true, fitsIntercept: true)
        let theta = problem.theta(seed: 8)
        func run(_ threads: Int) throws -> (Double, [Double], [[Double]]) {
            let objective = problem.objective(threads: threads, hessianSampleRows: 2_000)
            let (loss, gradient) = try Self.evaluate(objective, theta)
            return (loss, gradient, try Self.hessian(objective))
        }
        let one = try run(1), many = try run(threads)
        #expect(one.0.bitPattern == many.0.bitPattern)
        #expect(one.1 == many.1)
        #expect(one.2 == many.2)
    }

    @Test func reevaluatingTheSamePointReturnsTheStoredResult() throws {
        let problem = try Problem(rows: 1_200, features: 3, seed: 2, standardize: true, fitsIntercept: true)
        let objective = problem.objective(threads: 1)
        let first = problem.theta(seed: 1), second = problem.theta(seed: 2)
        let a = try Self.evaluate(objective, first)
        let etaA = Array(objective.eta)
        let b = try Self.evaluate(objective, second)
        #expect(a.0 != b.0)
        let again = try Self.evaluate(objective, first)   // recomputed: the last point was `second`
        let cached = try Self.evaluate(objective, first)  // served from the stored evaluation
        #expect(again.0.bitPattern == a.0.bitPattern && again.1 == a.1)
        #expect(cached.0.bitPattern == a.0.bitPattern && cached.1 == a.1)
        #expect(Array(objective.eta) == etaA)
    }
}

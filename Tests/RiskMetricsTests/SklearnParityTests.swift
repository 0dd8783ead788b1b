import Foundation
import RiskMetrics
import RiskTestSupport
import Testing

/// Reference values from scikit-learn 1.9 (Tests/Fixtures/Generators/make_metric_fixtures.py).
struct SklearnFixture: Decodable {
    struct Platt: Decodable { var slope: Double; var intercept: Double }
    struct Isotonic: Decodable { var thresholds: [Double]; var values: [Double]; var queries: [Double]; var predictions: [Double] }
    struct Case: Decodable {
        var name: String
        var scores: [Double]
        var probabilities: [Double]
        var labels: [Float]
        var weights: [Float]
        var revenue: [Double]
        var expected: [String: Expected]
    }
    enum Expected: Decodable {
        case number(Double), platt(Platt), isotonic(Isotonic)
        init(from decoder: any Decoder) throws {
            if let value = try? Double(from: decoder) { self = .number(value) }
            else if let value = try? Isotonic(from: decoder) { self = .isotonic(value) }
            else { self = .platt(try Platt(from: decoder)) }
        }
        var number: Double? { if case .number(let v) = self { v } else { nil } }
        var platt: Platt? { if case .platt(let v) = self { v } else { nil } }
        var isotonic: Isotonic? { if case .isotonic(let v) = self { v } else { nil } }
    }
    var cases: [Case]

    static let loaded: SklearnFixture = {
        let url = Bundle.module.url(forResource: "sklearn_metrics", withExtension: "json", subdirectory: "Fixtures")!
        return try! JSONDecoder().decode(SklearnFixture.self, from: Data(contentsOf: url))
    }()
}

@Suite("Parity with scikit-learn")
struct SklearnParityTests {
    static let caseNames = ["small-strong-signal", "medium-weak-signal", "large-few-ties"]

    func fixtureCase(_ name: String) throws -> SklearnFixture.Case {
        try #require(SklearnFixture.loaded.cases.first { $0.name == name })
    }

    @Test(arguments: caseNames, [false, true])
    func metrics(name: String, weighted: Bool) throws {
        let c = try fixtureCase(name)
        let suffix = weighted ? "_weighted" : ""
        // The fixture weights are multiples of 1/64, exact in Float32, and both sides evaluate the same
        // formulas in float64: only summation order differs, so 1e-12 relative.
        let weights: [Float]? = weighted ? c.weights : nil
        let tolerance = 1e-12
        func expected(_ key: String) throws -> Double { try #require(c.expected[key + suffix]?.number) }
        #expect(isClose(try rocAUC(scores: c.scores, labels: c.labels, weights: weights), try expected("roc_auc"),
                        relative: tolerance))
        #expect(isClose(try averagePrecision(scores: c.scores, labels: c.labels, weights: weights),
                        try expected("average_precision"), relative: tolerance))
        // sklearn 1.9 clips at float64 epsilon rather than 1e-15; these probabilities are far from both.
        #expect(isClose(try logLoss(probabilities: c.probabilities, labels: c.labels, weights: weights),
                        try expected("log_loss"), relative: tolerance))
        #expect(isClose(try brierScore(probabilities: c.probabilities, labels: c.labels, weights: weights),
                        try expected("brier"), relative: tolerance))
    }

    @Test(arguments: caseNames, [false, true])
    func isotonic(name: String, weighted: Bool) throws {
        let c = try fixtureCase(name)
        let reference = try #require(c.expected["isotonic" + (weighted ? "_weighted" : "")]?.isotonic)
        let calibrator = try IsotonicCalibrator.fit(scores: c.scores, labels: c.labels,
                                                    weights: weighted ? c.weights : nil)
        // Same points exactly; values to 1e-12 (PAVA is exact up to the order of block averaging).
        // One deliberate difference: sklearn's values 0 and 1 are moved to ε and 1 − ε with
        // ε = 1 / (2(W + 1)) (probabilities strictly inside (0, 1)), so the oracle is sklearn's points
        // with that clamp, interpolated linearly as sklearn does.
        let tolerance = 1e-12
        let total = weighted ? c.weights.reduce(0.0) { $0 + Double($1) } : Double(c.labels.count)
        let epsilon = 1 / (2 * (total + 1))
        let values = reference.values.map { min(1 - epsilon, max(epsilon, $0)) }
        #expect(calibrator.thresholds == reference.thresholds)
        #expect(calibrator.values.count == reference.values.count)
        for (mine, theirs) in zip(calibrator.values, values) {
            #expect(isClose(mine, theirs, relative: tolerance, absolute: 1e-14))
        }
        func interpolated(_ x: Double) -> Double {
            let t = reference.thresholds
            if x <= t[0] { return values[0] }
            if x >= t[t.count - 1] { return values[t.count - 1] }
            let upper = t.firstIndex { $0 > x }!
            let x0 = t[upper - 1], x1 = t[upper]
            return values[upper - 1] + (values[upper] - values[upper - 1]) * ((x - x0) / (x1 - x0))
        }
        for query in reference.queries {
            #expect(isClose(calibrator.calibrate(query), interpolated(query), relative: tolerance, absolute: 1e-14),
                    "at \(query)")
        }
    }

    @Test(arguments: caseNames, [false, true])
    func platt(name: String, weighted: Bool) throws {
        let c = try fixtureCase(name)
        let suffix = weighted ? "_weighted" : ""
        let weights: [Float]? = weighted ? c.weights : nil
        // Both sides minimise the same convex loss; the reference stops at lbfgs tolerances (gtol 1e-6
        // for the smoothed fit; tol 1e-12 for LogisticRegression), we at a gradient of 1e-10 per unit
        // weight. The coefficients agree to 1e-5 relative, and the probabilities to 1e-6.
        for (key, targets) in [("platt_plain", PlattCalibrator.Targets.plain), ("platt_smoothed", .smoothed)] {
            let reference = try #require(c.expected[key + suffix]?.platt)
            let fit = try PlattCalibrator.fit(rawScores: c.scores, labels: c.labels, weights: weights, targets: targets)
            #expect(isClose(fit.slope, reference.slope, relative: 1e-5), "\(key)")
            #expect(isClose(fit.intercept, reference.intercept, relative: 1e-5), "\(key)")
            let referenceCalibrator = PlattCalibrator(slope: reference.slope, intercept: reference.intercept)
            for score in c.scores {
                #expect(abs(fit.calibrate(score) - referenceCalibrator.calibrate(score)) < 1e-6)
            }
        }
    }
}

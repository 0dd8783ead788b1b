import Foundation
import RiskData
import RiskMetrics
import RiskTestSupport
import Testing

@Suite("Calibrators")
struct CalibratorTests {
    @Test(arguments: [1, 2, 40, 700], [1, 7, 42] as [UInt64])
    func isotonicMatchesNaivePAVA(rowCount: Int, seed: UInt64) throws {
        let s = LabelledSample(rowCount: rowCount, seed: seed, distinctScores: 25)
        guard s.weights.contains(where: { $0 > 0 }) else { return }
        let calibrator = try IsotonicCalibrator.fit(scores: s.scores, labels: s.labels, weights: s.weights)
        // Oracle: unique scores with weighted mean labels, then quadratic PAVA.
        let unique = Array(Set(s.scores.indices.filter { s.weights[$0] > 0 }.map { s.scores[$0] })).sorted()
        var y: [Double] = [], w: [Double] = []
        for x in unique {
            let members = s.scores.indices.filter { s.scores[$0] == x && s.weights[$0] > 0 }
            let weight = members.reduce(0.0) { $0 + Double(s.weights[$1]) }
            y.append(members.reduce(0.0) { $0 + (s.labels[$1] > 0.5 ? Double(s.weights[$1]) : 0) } / weight)
            w.append(weight)
        }
        // PAVA's values kept inside [ε, 1 − ε], ε = 1 / (2(W + 1)): no probability is exactly 0 or 1.
        let epsilon = 1 / (2 * (w.reduce(0, +) + 1))
        let fitted = Naive.isotonic(y, w).map { min(1 - epsilon, max(epsilon, $0)) }
        #expect(calibrator.values.allSatisfy { $0 > 0 && $0 < 1 })
        // The calibrator reproduces the fitted value at every unique score (interpolation between the
        // kept ends of flat runs is exact there); blocks are averaged in a different order: 1e-12.
        for (x, expected) in zip(unique, fitted) {
            #expect(isClose(calibrator.calibrate(x), expected, relative: 1e-12, absolute: 1e-15), "seed \(seed)")
        }
        #expect(calibrator.calibrate(unique[0] - 10) == calibrator.values.first)
        #expect(calibrator.calibrate(unique[unique.count - 1] + 10) == calibrator.values.last)
        // Non-decreasing in the score everywhere, including between points.
        let grid = stride(from: -6.0, through: 4.0, by: 0.013).map { calibrator.calibrate($0) }
        #expect(zip(grid, grid.dropFirst()).allSatisfy { $0 <= $1 })
    }

    @Test func isotonicInterpolatesLinearly() throws {
        let calibrator = try IsotonicCalibrator.fit(scores: [0, 1, 2, 3], labels: [0, 1, 0, 1])
        // PAVA pools rows 1 and 2 to 0.5: points (0, 0), (1, 0.5), (2, 0.5), (3, 1) → ends of runs kept;
        // 0 and 1 move to ε = 1 / (2 × (4 + 1)) = 0.1 and 1 − ε.
        #expect(calibrator.thresholds == [0, 1, 2, 3])
        #expect(calibrator.values == [0.1, 0.5, 0.5, 0.9])
        #expect(isClose(calibrator.calibrate(0.5), 0.3, relative: 1e-15))
        #expect(isClose(calibrator.calibrate(2.5), 0.7, relative: 1e-15))
        #expect(calibrator.calibrate(-1) == 0.1 && calibrator.calibrate(9) == 0.9)
        #expect(calibrator.calibrate(.nan).isNaN)
        let constant = try IsotonicCalibrator.fit(scores: [2, 2, 2, 2], labels: [0, 1, 1, 1])
        #expect(constant.thresholds == [2] && constant.values == [0.75])
        #expect(constant.calibrate(-5) == 0.75)
    }

    @Test(arguments: [(300, 1), (300, 2), (3_000, 3)] as [(Int, UInt64)])
    func plattMeetsFirstOrderConditions(rowCount: Int, seed: UInt64) throws {
        // The oracle is the optimality condition itself: at the minimum, Σ w (p − t) s = Σ w (p − t) = 0.
        let s = LabelledSample(rowCount: rowCount, seed: seed, distinctScores: 300)
        for targets in [PlattCalibrator.Targets.smoothed, .plain] {
            let platt = try PlattCalibrator.fit(rawScores: s.scores, labels: s.labels, weights: s.weights,
                                                targets: targets)
            #expect(platt.converged)
            let positive = s.labels.indices.reduce(0.0) { $0 + (s.labels[$1] > 0.5 ? Double(s.weights[$1]) : 0) }
            let total = s.weights.reduce(0.0) { $0 + Double($1) }
            let negative = total - positive
            var gradientSlope = 0.0, gradientIntercept = 0.0
            for i in s.scores.indices {
                let t = s.labels[i] > 0.5 ? (targets == .plain ? 1 : (positive + 1) / (positive + 2))
                    : (targets == .plain ? 0 : 1 / (negative + 2))
                let residual = Double(s.weights[i]) * (platt.calibrate(s.scores[i]) - t)
                gradientSlope += residual * s.scores[i]
                gradientIntercept += residual
            }
            #expect(abs(gradientSlope) < 1e-8 * total && abs(gradientIntercept) < 1e-8 * total, "seed \(seed)")
        }
    }

    @Test func plattSpecialCases() throws {
        let constant = try PlattCalibrator.fit(rawScores: [3, 3, 3, 3], labels: [1, 0, 0, 0], targets: .plain)
        #expect(constant.slope == 0)
        #expect(isClose(constant.calibrate(123), 0.25, relative: 1e-12))
        // Separable: the smoothed targets keep the slope finite and the fit converges.
        let separable = try PlattCalibrator.fit(rawScores: [-2, -1, 1, 2], labels: [0, 0, 1, 1])
        #expect(separable.slope.isFinite && separable.slope > 0 && separable.converged)
        // Never exactly 0 or 1: the nearest probabilities inside (0, 1).
        #expect(separable.calibrate(-1e308) == .leastNonzeroMagnitude && separable.calibrate(1e308) == 1 - 0x1p-53)
        #expect(separable.calibrate(-50) > 0 && separable.calibrate(50) < 1)
    }

    @Test func calibrationEnumCodable() throws {
        let isotonic = try IsotonicCalibrator(thresholds: [0, 1], values: [0.1, 0.8])
        for calibration in [Calibration.none, .platt(PlattCalibrator(slope: 1.5, intercept: -2)), .isotonic(isotonic)] {
            let data = try JSONEncoder().encode(calibration)
            let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
            #expect(object?["kind"] as? String == calibration.kind)
            #expect(try JSONDecoder().decode(Calibration.self, from: data) == calibration)
        }
        #expect(String(decoding: try JSONEncoder().encode(Calibration.none), as: UTF8.self) == #"{"kind":"none"}"#)
        #expect(Calibration.none.calibrate(0.3) == 0.3)
        #expect(Calibration.platt(PlattCalibrator(slope: 1, intercept: 0)).calibrate(0) == 0.5)
        #expect(isClose(Calibration.isotonic(isotonic).calibrate(0.5), 0.45, relative: 1e-15))
    }

    @Test func calibrationDecodingRejectsBadDocuments() throws {
        func message(_ json: String) -> String? {
            do {
                _ = try JSONDecoder().decode(Calibration.self, from: Data(json.utf8))
                return nil
            } catch let DecodingError.dataCorrupted(context) {
                return context.debugDescription
            } catch {
                return "\(error)"
            }
        }
        #expect(message(#"{"kind":"spline"}"#) == "Calibration kind \"spline\" is unknown; expected \"none\", "
                + "\"platt\" or \"isotonic\". The model may come from a newer version of CustomsRisk.")
        #expect(message(#"{"kind":"isotonic","thresholds":[0,2,1],"values":[0,0.5,1]}"#)
                == "Isotonic calibration threshold 2 is 1.0, not above threshold 1 (2.0); thresholds must increase strictly.")
        #expect(message(#"{"kind":"isotonic","thresholds":[0,1],"values":[0.6,0.5]}"#)
                == "Isotonic calibration value 1 is 0.5, below value 0 (0.6); values must not decrease.")
        #expect(message(#"{"kind":"isotonic","thresholds":[],"values":[]}"#)
                == "Isotonic calibration has no points; expected at least one threshold. Refit the calibration.")
        #expect(message(#"{"kind":"isotonic","thresholds":[0],"values":[0.5,1]}"#)
                == "Isotonic calibration has 1 thresholds but 2 values; expected one value per threshold. Refit the calibration.")
        #expect(message(#"{"kind":"isotonic","thresholds":[0],"values":[1.5]}"#)
                == "Isotonic calibration value 0 is 1.5; expected a probability in 0...1.")
        #expect(message(#"{"kind":"platt","slope":1e999,"intercept":0}"#) != nil)
    }
}

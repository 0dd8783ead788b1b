import RiskMetrics
import Testing

/// Every error's code and exact text: messages are product surface.
@Suite("Metric errors")
struct MetricErrorTests {
    func failure(_ body: () throws -> Any) -> MetricError? {
        do { _ = try body(); return nil } catch let error as MetricError { return error } catch { return nil }
    }

    @Test func lengthMismatch() {
        let e = failure { try rocAUC(scores: [0.1, 0.2], labels: [1]) }
        #expect(e?.code == .lengthMismatch)
        #expect(e?.message == "scores has 2 entries but labels has 1; pass one label per score.")
        #expect(failure { try averagePrecision(scores: [0.1, 0.2], labels: [1, 0], weights: [1]) }?.message
                == "weights has 1 entries but scores has 2; pass one weight per score, or no weights.")
        #expect(failure { try logLoss(probabilities: [0.5], labels: [1, 0]) }?.message
                == "probabilities has 1 entries but labels has 2; pass one label per score.")
        #expect(failure { try revenueAt(rate: 0.1, scores: [1, 2], revenue: [5]) }?.message
                == "revenue has 1 entries but scores has 2; pass one revenue value per score.")
    }

    @Test func singleClass() {
        let e = failure { try rocAUC(scores: [0.1, 0.2], labels: [0, 0]) }
        #expect(e?.code == .singleClass)
        #expect(e?.message == "ROC AUC needs both classes; the labels hold only negatives. "
                + "Evaluate on data with at least one positive and one negative example.")
        #expect(failure { try rocAUC(scores: [0.3], labels: [1]) }?.message
                == "ROC AUC needs both classes; the labels hold only positives. "
                + "Evaluate on data with at least one positive and one negative example.")
        // Zero weight on every negative leaves one class.
        #expect(failure { try rocAUC(scores: [0.1, 0.2], labels: [0, 1], weights: [0, 1]) }?.code == .singleClass)
        #expect(failure { try averagePrecision(scores: [0.1, 0.2], labels: [0, 0]) }?.message
                == "Average precision needs at least one positive; the labels hold only negatives. "
                + "Evaluate on data with at least one positive example.")
        #expect(failure { try recallAt(rate: 0.5, scores: [0.1, 0.2], labels: [0, 0]) }?.message
                == "Recall and lift need at least one positive; the labels hold only negatives. "
                + "Evaluate on data with at least one positive example.")
        #expect(failure { try PlattCalibrator.fit(rawScores: [1, 2], labels: [1, 1]) }?.message
                == "Platt calibration needs both classes; the labels hold only positives. "
                + "Evaluate on data with at least one positive and one negative example.")
        #expect(failure { try EvaluationReport(probabilities: [0.2, 0.4], labels: [0, 0]) }?.code == .singleClass)
    }

    @Test func nonFiniteScore() {
        let e = failure { try rocAUC(scores: [0.1, .nan, 0.3], labels: [0, 1, 0]) }
        #expect(e?.code == .nonFiniteScore)
        #expect(e?.message == "score 1 is nan; expected a finite number. Remove or impute the row before evaluating.")
        #expect(failure { try TopSelection(scores: [.infinity], rate: 1) }?.message
                == "score 0 is inf; expected a finite number. Remove or impute the row before evaluating.")
        #expect(failure { try brierScore(probabilities: [0.5, -.infinity], labels: [0, 1]) }?.message
                == "probability 1 is -inf; expected a finite number. Remove or impute the row before evaluating.")
        #expect(failure { try IsotonicCalibrator.fit(scores: [.nan], labels: [1]) }?.code == .nonFiniteScore)
        #expect(failure { try PlattCalibrator.fit(rawScores: [1, .nan], labels: [1, 0]) }?.message
                == "raw score 1 is nan; expected a finite number. Remove or impute the row before evaluating.")
    }

    @Test(arguments: [0, -0.1, 1.5, Double.nan, Double.infinity])
    func badRate(rate: Double) {
        let expected = "rate is \(rate); expected a fraction in (0, 1] such as 0.05 for the top 5 %."
        for e in [failure { try TopSelection(scores: [1, 2], rate: rate) },
                  failure { try precisionAt(rate: rate, scores: [1, 2], labels: [0, 1]) },
                  failure { try recallAt(rate: rate, scores: [1, 2], labels: [0, 1]) },
                  failure { try revenueAt(rate: rate, scores: [1, 2], revenue: [1, 1]) },
                  failure { try TopSelection.selectedCount(rowCount: 10, rate: rate) }] {
            #expect(e?.code == .invalidParameter)
            #expect(e?.message == expected)
        }
    }

    @Test func otherInputs() {
        #expect(failure { try rocAUC(scores: [], labels: []) }?.message == "No examples to score: scores is empty.")
        #expect(failure { try rocAUC(scores: [1, 2], labels: [0, 1], weights: [1, -2]) }?.message
                == "weight 1 is -2.0; expected a finite number >= 0.")
        #expect(failure { try logLoss(probabilities: [0.5, 0.5], labels: [0, 1], weights: [0, 0]) }?.message
                == "every weight is 0; expected at least one positive weight.")
        let probability = failure { try logLoss(probabilities: [0.5, 1.2], labels: [0, 1]) }
        #expect(probability?.code == .invalidProbability)
        #expect(probability?.message == "probability 1 is 1.2; expected a value in 0...1. "
                + "Pass calibrated probabilities, not raw scores.")
        #expect(failure { try revenueAt(rate: 0.5, scores: [1, 2], revenue: [1, -3]) }?.message
                == "revenue 1 is -3.0; expected a finite amount >= 0, or NaN when it is unknown.")
        #expect(failure { try revenueAt(rate: 0.5, scores: [1, 2], revenue: [0, 0]) }?.message
                == "the total known revenue is 0 (every amount is 0 or unknown); revenue@k needs some revenue to capture.")
        #expect(failure { try revenueAt(rate: 0.5, scores: [1, 2], revenue: [.nan, 0]) }?.code == .invalidRevenue)
        #expect(failure { try CalibrationTable(probabilities: [0.5], labels: [1], binCount: 0) }?.message
                == "binCount is 0; expected at least 1 (10 is usual).")
        #expect(failure { try captureCurve(scores: [1, 2], labels: [0, 1], pointCount: 0) }?.message
                == "pointCount is 0; expected at least 1.")
        #expect(failure { try IsotonicCalibrator(thresholds: [1, 1], values: [0, 1]) }?.message
                == "Isotonic calibration threshold 1 is 1.0, not above threshold 0 (1.0); thresholds must increase strictly.")
        #expect(MetricError(.empty, "x").description == "x")
    }
}

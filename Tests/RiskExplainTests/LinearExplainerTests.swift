import RiskData
import RiskTestSupport
import Testing
@testable import RiskExplain

@Suite("LinearExplainer")
struct LinearExplainerTests {
    /// By hand: β = (2, −1, 0.5), reference = (1, 4, −2), intercept −3, x = (3, 1, 2).
    /// base = −3 + 2·1 − 1·4 + 0.5·(−2) = −6; φ = (2·2, −1·(−3), 0.5·4) = (4, 3, 2);
    /// raw = −3 + 6 − 1 + 1 = 3 = −6 + 9. All values are exact in binary floating point.
    @Test func matchesHandComputation() throws {
        let explainer = try LinearExplainer(intercept: -3, coefficients: [2, -1, 0.5], reference: [1, 4, -2])
        #expect(explainer.explain([3, 1, 2]) == Explanation(baseValue: -6, contributions: [4, 3, 2], rawScore: 3))
    }

    /// Additivity on random models and rows, and the batch equals the row API for every thread count.
    @Test(arguments: [1, 8, 40], [3, 17] as [UInt64])
    func additiveAndBatchConsistent(featureCount: Int, seed: UInt64) throws {
        var generator = SeededGenerator(seed: seed)
        let data = SyntheticClassification.make(rowCount: 300, featureCount: featureCount, seed: seed)
        let reference = LinearExplainer.columnMeans(of: data.features)
        let explainer = try LinearExplainer(intercept: generator.nextGaussian(),
                                            coefficients: (0..<featureCount).map { _ in generator.nextGaussian() },
                                            reference: reference)
        let batch = try explainer.contributions(for: data.features, threadCount: 1)
        #expect(try explainer.contributions(for: data.features, threadCount: 3) == batch)
        for r in 0..<data.features.rowCount {
            let explanation = explainer.explain(data.features.row(r))
            #expect(explanation == batch.explanation(row: r), "seed \(seed) row \(r)")
            let scale = explanation.contributions.reduce(abs(explanation.baseValue) + abs(explanation.rawScore)) {
                $0 + abs($1)
            }
            #expect(closeScaled(explanation.reconstructedScore, explanation.rawScore, tolerance: 1e-9, scale: scale))
        }
    }

    /// Training means skip NaN: column (1, NaN, 3) has mean 2.
    @Test func columnMeansSkipMissing() throws {
        let matrix = try FeatureMatrix(rows: [[1, 5], [.nan, 5], [3, 8]], schema: .numeric(count: 2))
        #expect(LinearExplainer.columnMeans(of: matrix) == [2, 6])
    }

    @Test func rejectsBadInput() {
        #expect(throws: RiskExplainError(.shapeMismatch, "LinearExplainer: 2 coefficients but 1 reference values; "
                                         + "expected one reference value per coefficient (the training mean of each "
                                         + "feature).")) {
            try LinearExplainer(intercept: 0, coefficients: [1, 2], reference: [0])
        }
        #expect(throws: RiskExplainError(.invalidValue, "LinearExplainer: coefficient 1 is nan; expected a finite "
                                         + "number. Refit the model or recompute the training means.")) {
            try LinearExplainer(intercept: 0, coefficients: [1, .nan], reference: [0, 0])
        }
    }
}

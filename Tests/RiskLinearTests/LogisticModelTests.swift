import Foundation
import RiskData
import RiskTestSupport
import Testing
@testable import RiskLinear

@Suite("LogisticModel")
struct LogisticModelTests {
    @Test(arguments: [1, 7, 5_000], [2, 9] as [UInt64])
    func batchScoresMatchRowScoresAndNaiveLoop(rowCount: Int, seed: UInt64) throws {
        let data = SyntheticClassification.make(rowCount: rowCount, featureCount: 7, seed: seed)
        var generator = SeededGenerator(seed: seed)
        let model = try LogisticModel(intercept: generator.nextGaussian(),
                                      coefficients: (0..<7).map { _ in generator.nextGaussian() },
                                      featureMeans: [Double](repeating: 0, count: 7), featureSchema: .numeric(count: 7))
        let batch = try model.rawScores(data.features)
        let probabilities = try model.probabilities(data.features)
        var row = [Float](repeating: 0, count: 7)
        for r in 0..<rowCount {
            row.withUnsafeMutableBufferPointer { data.features.copyRow(r, into: $0) }
            let single = row.withUnsafeBufferPointer { model.rawScore($0) }
            let naive = NaiveLogistic.rawScore(model: model, features: data.features, row: r)
            // Same products, different summation order (BLAS vs loop): a few ulps of the sum's magnitude.
            #expect(abs(batch[r] - naive) <= 1e-12 * max(1, abs(naive)), "row \(r) seed \(seed)")
            #expect(abs(single - naive) <= 1e-12 * max(1, abs(naive)))
            #expect(abs(probabilities[r] - 1 / (1 + exp(-naive))) <= 1e-12)
        }
    }

    @Test func codableRoundTripPredictsIdentically() throws {
        let data = SyntheticClassification.make(rowCount: 300, featureCount: 5, seed: 13)
        let model = try LogisticRegression().fit(data).model
        let decoded = try JSONDecoder().decode(LogisticModel.self, from: JSONEncoder().encode(model))
        #expect(decoded == model)
        #expect(try decoded.rawScores(data.features) == model.rawScores(data.features))
        #expect(model.featureMeans.count == 5)
        for j in 0..<5 {
            let mean = (0..<300).reduce(0.0) { $0 + Double(data.features[$1, j]) } / 300
            #expect(abs(model.featureMeans[j] - mean) <= 1e-12 * max(1, abs(mean)))
        }
    }

    @Test func sigmoidAndSoftplusAreStable() {
        #expect(LogisticMath.sigmoid(-800) >= 0 && LogisticMath.sigmoid(-800).isFinite)
        #expect(LogisticMath.sigmoid(800) == 1)
        #expect(LogisticMath.softplus(800) == 800)
        #expect(LogisticMath.softplus(-800) >= 0 && LogisticMath.softplus(-800) < 1e-300)
        #expect(abs(LogisticMath.softplus(0) - log(2)) <= 1e-15)
    }

    @Test func scoringRejectsWrongColumnsAndNaN() throws {
        let model = try LogisticModel(intercept: 0, coefficients: [1, 2], featureMeans: [0, 0], featureSchema: .numeric(count: 2))
        let wrong = try FeatureMatrix(rows: [[1, 2, 3]], schema: .numeric(count: 3))
        #expect(throws: RiskLinearError(
            .shapeMismatch,
            "feature matrix has columns [f0, f1, f2]; the model was trained on [f0, f1]. Transform the data "
                + "with the pipeline the model was trained with.")) {
            try model.rawScores(wrong)
        }
        let missing = try FeatureMatrix(rows: [[1, 2], [3, .nan]], schema: .numeric(count: 2))
        #expect(throws: RiskLinearError(
            .invalidValue,
            "feature matrix row 1, column \"f1\" is nan; logistic regression needs finite features. Impute missing "
                + "values first (the linear feature pipeline does, adding a missing-value indicator column).")) {
            try model.rawScores(missing)
        }
    }
}

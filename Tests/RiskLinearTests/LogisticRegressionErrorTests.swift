import RiskData
import RiskTestSupport
import Testing
@testable import RiskLinear

@Suite("Logistic regression errors")
struct LogisticRegressionErrorTests {
    @Test func nanFeatureNamesRowAndColumn() throws {
        let data = SyntheticClassification.make(rowCount: 50, featureCount: 4, seed: 1)
        var features = data.features
        features[17, 2] = .nan
        features[30, 1] = .nan
        let dataset = try Dataset(features: features, labels: data.labels)
        #expect(throws: RiskLinearError(
            .invalidValue,
            "feature matrix row 17, column \"f2\" is nan; logistic regression needs finite features. Impute missing "
                + "values first (the linear feature pipeline does, adding a missing-value indicator column).")) {
            try LogisticRegression().fit(dataset)
        }
    }

    @Test func singleClassIsAnError() throws {
        let data = SyntheticClassification.make(rowCount: 20, featureCount: 2, seed: 1)
        let dataset = try Dataset(features: data.features, labels: [Float](repeating: 0, count: 20))
        #expect(throws: RiskLinearError(
            .insufficientData,
            "the labels (by weight) hold only negatives; logistic regression needs both classes with positive weight.")) {
            try LogisticRegression().fit(dataset)
        }
    }

    @Test func labelOutsideUnitIntervalIsAnError() throws {
        let data = SyntheticClassification.make(rowCount: 5, featureCount: 2, seed: 1)
        let dataset = try Dataset(features: data.features, labels: [0, 1, 2, 0, 1])
        #expect(throws: RiskLinearError(
            .invalidValue, "label of row 2 is 2.0; logistic regression expects labels in 0…1 (1 = infraction).")) {
            try LogisticRegression().fit(dataset)
        }
    }

    @Test func badParametersAreNamed() throws {
        let data = SyntheticClassification.make(rowCount: 20, featureCount: 2, seed: 1)
        #expect(throws: RiskLinearError(.invalidParameter, "l2Regularization is -1.0; expected a finite number ≥ 0.")) {
            try LogisticRegression(configuration: .init(l2Regularization: -1)).fit(data)
        }
        #expect(throws: RiskLinearError(.invalidParameter, "positiveClassWeight is 0.0; expected a finite number > 0.")) {
            try LogisticRegression(configuration: .init(positiveClassWeight: 0)).fit(data)
        }
        #expect(throws: RiskLinearError(.invalidParameter, "maximumIterations is 0; expected ≥ 1.")) {
            try LogisticRegression(configuration: .init(maximumIterations: 0)).fit(data)
        }
        #expect(throws: RiskLinearError(
            .invalidParameter,
            "solver .newton cannot handle l1Regularization = 0.5 (the L1 term is not differentiable); use .owlqn or .automatic.")) {
            try LogisticRegression(configuration: .init(l1Regularization: 0.5, solver: .newton)).fit(data)
        }
    }
}

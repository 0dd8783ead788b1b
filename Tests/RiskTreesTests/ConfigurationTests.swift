import Testing
@testable import RiskTrees

@Suite("Configuration")
struct ConfigurationTests {
    @Test("defaults are valid")
    func defaultsValid() throws { try BoostedTreesConfiguration().validate() }

    static let cases: [(String, @Sendable (inout BoostedTreesConfiguration) -> Void, String)] = [
        ("iterations", { $0.iterationCount = 0 }, "iterationCount is 0; expected an integer in 1...100000."),
        ("learning rate", { $0.learningRate = 0 }, "learningRate is 0.0; expected a finite number in (0, 1]."),
        ("leaves", { $0.maximumLeafCount = 1 }, "maximumLeafCount is 1; expected an integer in 2...65536."),
        ("depth", { $0.maximumDepth = 0 }, "maximumDepth is 0; expected an integer in 1...64."),
        ("child weight", { $0.minimumChildWeight = -1 },
         "minimumChildWeight is -1.0; expected a finite number in [0, ∞)."),
        ("λ", { $0.l2Regularization = .nan }, "l2Regularization is nan; expected a finite number in [0, ∞)."),
        ("row subsample", { $0.rowSubsample = 1.5 }, "rowSubsample is 1.5; expected a finite number in (0, 1]."),
        ("bins", { $0.binCount = 256 }, "binCount is 256; expected an integer in 2...255."),
        ("threads", { $0.threadCount = 0 }, "threadCount is 0; expected an integer in 1...1024."),
        ("pos weight", { $0.positiveClassWeight = 0 },
         "positiveClassWeight is 0.0; expected a finite number in (0, ∞)."),
        ("metric", { $0.objective = .squaredError; $0.earlyStoppingMetric = .logLoss },
         "earlyStoppingMetric is log_loss but objective is squared_error; log loss needs the logistic objective. "
            + "Use mean_squared_error or auc."),
    ]

    @Test("a bad parameter is named with its value and valid range", arguments: 0..<cases.count)
    func invalidParameter(index: Int) {
        var configuration = BoostedTreesConfiguration()
        Self.cases[index].1(&configuration)
        #expect(throws: RiskTreesError(.invalidParameter, Self.cases[index].2)) { try configuration.validate() }
    }

    @Test("fit validates the configuration first")
    func fitValidates() throws {
        var configuration = BoostedTreesConfiguration()
        configuration.binCount = 1
        let data = TreeTestData.tinyDataset()
        #expect(throws: RiskTreesError(.invalidParameter, "binCount is 1; expected an integer in 2...255.")) {
            try BoostedTrees(configuration: configuration).fit(data)
        }
    }
}

import Testing
@testable import RiskFeatures

@Suite struct FeaturePipelineConfigurationTests {
    @Test func defaultsAreValid() throws {
        let configuration = FeaturePipelineConfiguration()
        try configuration.validate()
        #expect(configuration.foldCount == 5)
        #expect(configuration.profileMode == .kFold)
    }

    static let invalid: [(FeaturePipelineConfiguration, String)] = [
        (.init(foldCount: 1), "foldCount is 1; expected at least 2. Use 5 (the default) or more folds."),
        (.init(smoothingStrength: -1), "smoothingStrength is -1.0; expected a finite number ≥ 0, such as 20."),
        (.init(smoothingStrength: .nan), "smoothingStrength is nan; expected a finite number ≥ 0, such as 20."),
        (.init(minimumReferenceGroupRows: 0), "minimumReferenceGroupRows is 0; expected at least 1, such as 30."),
        (.init(rareLevelThreshold: 0), "rareLevelThreshold is 0; expected at least 1, such as 20."),
        (.init(maximumOneHotLevels: -3), "maximumOneHotLevels is -3; expected at least 0, such as 50."),
        (.init(maximumCategoricalLevels: 1), "maximumCategoricalLevels is 1; expected 2...256, such as 255."),
        (.init(threadCount: 0), "threadCount is 0; expected at least 1."),
    ]

    @Test(arguments: invalid)
    func invalidParameterIsNamed(configuration: FeaturePipelineConfiguration, message: String) {
        #expect(throws: RiskFeaturesError(.invalidConfiguration, message)) { try configuration.validate() }
        #expect(throws: RiskFeaturesError(.invalidConfiguration, message)) {
            let (table, _) = DeclarationFactory.synthetic(rowCount: 10, seed: 1)
            _ = try FeaturePipeline(configuration: configuration).fit(table)
        }
    }
}

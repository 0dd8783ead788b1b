import Foundation
import RiskData
import RiskMetrics
import Testing
@testable import RiskTrees

/// Parity with LightGBM 4 on the committed fixture (3000 train / 1000 test rows × 10 features,
/// missing values in four columns, one 8-level categorical), same hyperparameters
/// (Tests/Fixtures/Generators/make_tree_fixtures.py).
@Suite("LightGBM parity")
struct LightGBMParityTests {
    struct Reference: Decodable {
        var lightgbm_test_auc: Double
    }

    @Test("test AUC within 0.003 of LightGBM and raw scores correlated > 0.99")
    func parity() throws {
        let (train, _) = try TreeTestData.loadParityCSV("trees_parity_train")
        let (test, lightgbmRaw) = try TreeTestData.loadParityCSV("trees_parity_test")
        let url = try #require(Bundle.module.url(forResource: "trees_parity", withExtension: "json",
                                                 subdirectory: "Fixtures"))
        let reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))

        var configuration = BoostedTreesConfiguration()
        configuration.iterationCount = 100             // num_iterations
        configuration.learningRate = 0.1               // learning_rate
        configuration.maximumLeafCount = 15            // num_leaves
        configuration.maximumDepth = nil               // max_depth = -1
        configuration.minimumSamplesPerLeaf = 1        // min_data_in_leaf
        configuration.minimumChildWeight = 3           // min_sum_hessian_in_leaf (the binding constraint)
        configuration.l2Regularization = 1             // lambda_l2 (cat_l2 = 0 there)
        configuration.minimumSplitGain = 0             // min_gain_to_split
        configuration.rowSubsample = 1                 // bagging off
        configuration.columnSubsample = 1              // feature_fraction = 1
        configuration.binCount = 255                   // max_bin (min_data_in_bin = 1 there)
        configuration.categoricalSmoothing = 1         // cat_smooth
        configuration.minimumSamplesPerCategory = 1    // min_data_per_group (and cat_smooth as count floor)
        configuration.maximumCategoriesPerSplit = 32   // max_cat_threshold
        configuration.earlyStoppingRounds = nil
        configuration.threadCount = 2
        let result = try BoostedTrees(configuration: configuration).fit(train)
        let raw = try result.model.rawScores(test.features, threadCount: 2)
        let auc = try rocAUC(scores: raw, labels: test.labels)
        let correlation = pearson(raw, lightgbmRaw)
        // Why these tolerances: every column has ≤ ~80 distinct values, so both libraries give each
        // value its own bin; the count-based limits are set where LightGBM's hessian-estimated counts
        // cannot differ from our exact counts (min_data_in_leaf = 1, cat_smooth = 1,
        // min_data_per_group = 1) and min_sum_hessian_in_leaf = 3 binds instead; we scan thresholds
        // and categories in LightGBM's order so ties resolve alike. All 100 trees then have the same
        // splits and leaf values equal to float rounding: measured AUC difference 0, Pearson
        // 1 − 1e-14, largest raw-score difference 5e-7 (the fixture keeps 6 decimals). The issue's
        // acceptance bounds (0.003, 0.99) are checked, plus a 1e-5 bound on every raw score that
        // catches any single changed split.
        #expect(abs(auc - reference.lightgbm_test_auc) <= 0.003,
                "AUC \(auc) vs LightGBM \(reference.lightgbm_test_auc)")
        #expect(correlation > 0.99, "Pearson correlation \(correlation)")
        let largestDifference = zip(raw, lightgbmRaw).map { abs($0 - $1) }.max() ?? .infinity
        #expect(largestDifference < 1e-5, "largest raw-score difference \(largestDifference)")
        #expect(result.model.trees.count == 100)
        // The first tree must match LightGBM's exactly in structure; its leaves are not in the fixture,
        // so check the one statistic it pins: the base score is the log-odds of the training prior.
        let prior = Double(train.labels.reduce(0, +)) / Double(train.rowCount)
        #expect(abs(result.model.baseScore - log(prior / (1 - prior))) < 1e-12)
    }
}

import Foundation
import RiskData
import RiskMetrics
import RiskTestSupport
import Testing
@testable import RiskTrees

@Suite("Boosted trees")
struct BoostedTreesTests {
    @Test("one tree on tiny data equals the hand computation")
    func oneTreeHandComputation() throws {
        // x = 1…8, y = 0 0 1 0 0 1 1 1: prior ½ ⇒ base score 0, p = ½, g = ½ − y = ±½, h = ¼.
        // Splits after k rows (λ = 1), gain = G_L²/(H_L+1) + G_R²/(H_R+1) − 0:
        //   k=5: G_L = 1.5, H_L = 1.25; G_R = −1.5, H_R = 0.75 ⇒ 2.25/2.25 + 2.25/1.75 = 16/7 (the best;
        //   k=2 and k=6 give 1.07, k=4 gives 1, k=1, 3, 7 less). Threshold = midpoint of 5 and 6.
        // Leaves (learning rate ½): −1.5/2.25·½ = −1/3 and 1.5/1.75·½ = 3/7.
        let matrix = try FeatureMatrix(rowCount: 8, schema: .numeric(count: 1), values: (1...8).map(Float.init))
        let data = try Dataset(features: matrix, labels: [0, 0, 1, 0, 0, 1, 1, 1])
        var configuration = TreeTestData.smallConfiguration(iterations: 1, leaves: 2)
        configuration.learningRate = 0.5
        configuration.l2Regularization = 1
        configuration.minimumSamplesPerLeaf = 1
        configuration.minimumChildWeight = 0
        let model = try BoostedTrees(configuration: configuration).fit(data).model
        let tree = try #require(model.trees.first)
        #expect(model.baseScore == 0)
        #expect(tree.nodeCount == 3)
        #expect(tree.splitFeature[0] == 0)
        #expect(tree.threshold[0] == 5.5)
        #expect(isClose(tree.gain[0], 16.0 / 7, relative: 1e-12))
        #expect(isClose(tree.value[1], -1.0 / 3, relative: 1e-12))
        #expect(isClose(tree.value[2], 3.0 / 7, relative: 1e-12))
        #expect(tree.value[0] == 0)
        #expect(tree.cover == [2, 1.25, 0.75])
        // No missing values at the root ⇒ missing goes left (LightGBM's default_left).
        #expect(tree.missingGoesLeft[0])
        let probability = try model.probabilities(matrix, threadCount: 1)
        #expect(isClose(probability[0], 1 / (1 + exp(1.0 / 3)), relative: 1e-12))
        #expect(isClose(probability[7], 1 / (1 + exp(-3.0 / 7)), relative: 1e-12))
    }

    @Test("bit-identical model for 1, 2 and 3 threads",
          arguments: [(2_000, 7 as UInt64), (70_000, 11 as UInt64)])
    func deterministicAcrossThreadCounts(rowCount: Int, seed: UInt64) throws {
        // 70 000 rows exercise the parallel partition and gradient gather (chunks of ≥ 32 768 rows).
        let data = SyntheticClassification.make(rowCount: rowCount, featureCount: 6, seed: seed, missingRate: 0.05)
        var models: [BoostedTreesModel] = []
        for threads in [1, 2, 3] {
            var configuration = TreeTestData.smallConfiguration(iterations: rowCount > 10_000 ? 3 : 15, leaves: 12,
                                                                threads: threads)
            configuration.rowSubsample = 0.7
            configuration.columnSubsample = 0.7
            configuration.randomSeed = seed
            models.append(try BoostedTrees(configuration: configuration).fit(data).model)
        }
        #expect(models[0] == models[1])
        #expect(models[0] == models[2])
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys   // key order is otherwise unspecified
        #expect(try encoder.encode(models[0]) == encoder.encode(models[2]))
        #expect(models[0].trees.allSatisfy { $0.leafCount > 1 })
    }

    /// Without sample weights (and `positiveClassWeight` 1) training keeps no array of ones; the
    /// weight-free kernels must give exactly what explicit unit weights give.
    @Test("no weights equal explicit unit weights bit for bit", arguments: [ObjectiveKind.logistic, .squaredError])
    func unitWeights(objective: ObjectiveKind) throws {
        let data = SyntheticClassification.make(rowCount: 3_000, featureCount: 5, seed: 29, missingRate: 0.05)
        let weighted = try Dataset(features: data.features, labels: data.labels,
                                   weights: [Float](repeating: 1, count: data.rowCount))
        var configuration = TreeTestData.smallConfiguration(iterations: 12, leaves: 10)
        configuration.objective = objective
        configuration.rowSubsample = 0.8
        #expect(BoostedTrees.rowWeights(data, configuration: configuration) == nil)
        let plain = try BoostedTrees(configuration: configuration).fit(data)
        let unit = try BoostedTrees(configuration: configuration).fit(weighted)
        #expect(plain.model == unit.model)
        #expect(plain.report.trainingLossHistory == unit.report.trainingLossHistory)
    }

    @Test("a planted categorical effect is learned as one category-set split", arguments: [3, 17] as [UInt64])
    func plantedCategoricalSplit(seed: UInt64) throws {
        // Codes {2, 5, 7} of a 10-level column carry a 60% positive rate, the others 5%.
        var generator = SeededGenerator(seed: seed)
        let n = 3_000
        var values = [Float](repeating: 0, count: n * 2), labels = [Float](repeating: 0, count: n)
        for r in 0..<n {
            let code = generator.nextInt(below: 10)
            values[r] = Float(generator.nextGaussian())      // noise
            values[n + r] = Float(code)
            labels[r] = generator.nextUnit() < ([2, 5, 7].contains(code) ? 0.6 : 0.05) ? 1 : 0
        }
        let schema = FeatureSchema(columns: [FeatureColumn(name: "noise"),
                                             FeatureColumn(name: "code", kind: .categorical(levelCount: 10))])
        let data = try Dataset(features: FeatureMatrix(rowCount: n, schema: schema, values: values), labels: labels)
        let model = try BoostedTrees(configuration: TreeTestData.smallConfiguration(iterations: 1, leaves: 2))
            .fit(data).model
        let tree = try #require(model.trees.first)
        #expect(tree.splitFeature[0] == 1)
        #expect(tree.isCategoricalSplit(0))
        let start = Int(tree.categoryStart[0])
        let words = tree.categoryWords[start..<(start + Int(tree.categoryWordCount[0]))]
        let leftCodes = (0..<10).filter { code in (words[words.startIndex + code / 64] >> UInt64(code % 64)) & 1 == 1 }
        // Either side may hold the risky set; the partition must be exactly {2, 5, 7} vs the rest.
        #expect(leftCodes == [2, 5, 7] || leftCodes == [0, 1, 3, 4, 6, 8, 9])
        // Unseen codes and NaN go right.
        #expect(!tree.goesLeft(0, 42) && !tree.goesLeft(0, .nan) && !tree.goesLeft(0, -1))
    }

    @Test("the missing-value direction is learned where planted",
          arguments: [(true, 5 as UInt64), (false, 5 as UInt64), (true, 9 as UInt64), (false, 9 as UInt64)])
    func plantedMissingDirection(missingBehavesLikeLow: Bool, seed: UInt64) throws {
        // x ~ U(0, 1), 20% missing; y is likely when x > 0.6. Missing rows behave like low x or like high x.
        var generator = SeededGenerator(seed: seed)
        let n = 4_000
        var values = [Float](repeating: 0, count: n), labels = [Float](repeating: 0, count: n)
        for r in 0..<n {
            let missing = generator.nextUnit() < 0.2
            let x = generator.nextUnit()
            values[r] = missing ? .nan : Float(x)
            let high = missing ? !missingBehavesLikeLow : x > 0.6
            labels[r] = generator.nextUnit() < (high ? 0.7 : 0.05) ? 1 : 0
        }
        let data = try Dataset(features: FeatureMatrix(rowCount: n, schema: .numeric(count: 1), values: values),
                               labels: labels)
        let model = try BoostedTrees(configuration: TreeTestData.smallConfiguration(iterations: 1, leaves: 2))
            .fit(data).model
        let tree = try #require(model.trees.first)
        #expect(abs(tree.threshold[0] - 0.6) < 0.02)
        #expect(tree.missingGoesLeft[0] == missingBehavesLikeLow)
        let nan: [Float] = [.nan], low: [Float] = [0.1], high: [Float] = [0.9]
        #expect(tree.predict(nan) == (missingBehavesLikeLow ? tree.predict(low) : tree.predict(high)))
    }

    @Test("early stopping keeps the best round; events report every round", arguments: [1, 23] as [UInt64])
    func earlyStopping(seed: UInt64) throws {
        let train = SyntheticClassification.make(rowCount: 600, featureCount: 4, seed: seed)
        let validation = SyntheticClassification.make(rowCount: 400, featureCount: 4, seed: seed + 1000)
        for metric in [EarlyStoppingMetric.auc, .logLoss] {
            var configuration = TreeTestData.smallConfiguration(iterations: 300, leaves: 31)
            configuration.learningRate = 0.3
            configuration.minimumSamplesPerLeaf = 2
            configuration.earlyStoppingRounds = 5
            configuration.earlyStoppingMetric = metric
            var events: [TrainingEvent] = []
            let result = try BoostedTrees(configuration: configuration).fit(train, validation: validation) {
                events.append($0)
            }
            let report = result.report
            let history = report.validationMetricHistory
            #expect(report.stoppedEarly)
            #expect(report.iterationsRun == report.bestIteration + 5)
            #expect(result.model.trees.count == report.bestIteration)
            #expect(history.count == report.iterationsRun)
            let best = metric == .auc ? history.max()! : history.min()!
            #expect(history.firstIndex(of: best)! + 1 == report.bestIteration)
            #expect(events.map(\.iteration) == Array(1...report.iterationsRun))
            #expect(events.map(\.validationMetric) == history.map { Optional($0) })
            #expect(events.map(\.trainingLoss) == report.trainingLossHistory)
            // The kept model's validation metric is the best one.
            let scores = try result.model.rawScores(validation.features, threadCount: 1)
            if metric == .auc {
                #expect(isClose(try rocAUC(scores: scores, labels: validation.labels), best, relative: 1e-12))
            }
        }
    }

    @Test("reported training loss equals the loss of the model's own scores", arguments: [4, 8] as [UInt64])
    func trainingLossMatchesModel(seed: UInt64) throws {
        let train = SyntheticClassification.make(rowCount: 500, featureCount: 3, seed: seed, missingRate: 0.1)
        var configuration = TreeTestData.smallConfiguration(iterations: 7, leaves: 6)
        configuration.rowSubsample = 0.6   // out-of-bag rows are scored by binned traversal
        configuration.randomSeed = seed
        let result = try BoostedTrees(configuration: configuration).fit(train)
        let scores = try result.model.rawScores(train.features, threadCount: 1)
        var loss = 0.0
        for (score, label) in zip(scores, train.labels) {
            loss += max(score, 0) + log1p(exp(-abs(score))) - Double(label) * score
        }
        loss /= Double(train.rowCount)
        // Training accumulates leaf values per row in the same order; only the loss sums differ in order.
        #expect(isClose(result.report.trainingLossHistory.last!, loss, relative: 1e-12))
        #expect(result.report.trainingLossHistory.count == 7)
    }

    @Test("squared error fits a step function and feature importance finds it")
    func squaredError() throws {
        var generator = SeededGenerator(seed: 99)
        let n = 1_000
        var values = [Float](repeating: 0, count: n * 3), labels = [Float](repeating: 0, count: n)
        for r in 0..<n {
            for c in 0..<3 { values[c * n + r] = Float(generator.nextUnit()) }
            labels[r] = (values[n + r] > 0.5 ? 10 : 2) + Float(generator.nextGaussian() * 0.1)
        }
        let data = try Dataset(features: FeatureMatrix(rowCount: n, schema: .numeric(count: 3), values: values),
                               labels: labels)
        var configuration = TreeTestData.smallConfiguration(iterations: 60, leaves: 4)
        configuration.objective = .squaredError
        configuration.learningRate = 0.3
        configuration.l2Regularization = 0
        let model = try BoostedTrees(configuration: configuration).fit(data).model
        #expect(isClose(model.baseScore, Double(labels.reduce(0, +)) / Double(n), relative: 1e-6))
        let predictions = try model.probabilities(data.features, threadCount: 1)
        let rmse = (zip(predictions, labels).map { ($0 - Double($1)) * ($0 - Double($1)) }.reduce(0, +) / Double(n))
            .squareRoot()
        #expect(rmse < 0.2)
        let gain = model.featureImportance(.gain), splits = model.featureImportance(.splitCount)
        #expect(gain.firstIndex(of: gain.max()!) == 1)
        #expect(splits.reduce(0, +) == Double(model.trees.reduce(0) { $0 + $1.leafCount - 1 }))
    }

    @Test("depth-wise growth respects maximumDepth and fills levels")
    func depthWise() throws {
        let data = SyntheticClassification.make(rowCount: 3_000, featureCount: 5, seed: 5)
        var configuration = TreeTestData.smallConfiguration(iterations: 3, leaves: 1_000)
        configuration.growthPolicy = .depthWise
        configuration.maximumDepth = 3
        let model = try BoostedTrees(configuration: configuration).fit(data).model
        for tree in model.trees {
            #expect(tree.depth == 3)
            #expect(tree.leafCount == 8)
        }
    }

    @Test("unusable data gives clear errors")
    func dataErrors() throws {
        let matrix = try FeatureMatrix(rowCount: 3, schema: .numeric(count: 1), values: [1, 2, 3])
        let trees = BoostedTrees(configuration: TreeTestData.smallConfiguration())
        #expect(throws: RiskTreesError(.invalidData,
                                       "training label of row 1 is 0.5; the logistic objective needs 0 or 1.")) {
            try trees.fit(try Dataset(features: matrix, labels: [0, 0.5, 1]))
        }
        #expect(throws: RiskTreesError(.invalidData,
                                       "training labels hold only negatives; the logistic objective needs "
                                        + "both classes.")) {
            try trees.fit(try Dataset(features: matrix, labels: [0, 0, 0]))
        }
        let other = try FeatureMatrix(rowCount: 3, schema: .numeric(count: 2), values: [Float](repeating: 0, count: 6))
        #expect(throws: RiskTreesError(.shapeMismatch, "validation set has columns [\"f0\", \"f1\"] but training has "
                                       + "[\"f0\"]; use the same schema.")) {
            try trees.fit(try Dataset(features: matrix, labels: [0, 1, 0]),
                          validation: try Dataset(features: other, labels: [0, 1, 0]))
        }
    }
}

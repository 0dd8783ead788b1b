import Foundation
import RiskData
import RiskTestSupport
import Testing
@testable import RiskTrees

@Suite("Prediction")
struct PredictionTests {
    /// A model with numeric and categorical splits and missing values, plus rows with unseen codes.
    static func modelAndRows(seed: UInt64) throws -> (BoostedTreesModel, FeatureMatrix) {
        var generator = SeededGenerator(seed: seed)
        let n = 1_500
        var values = [Float](repeating: 0, count: n * 3), labels = [Float](repeating: 0, count: n)
        for r in 0..<n {
            let x = generator.nextGaussian(), code = generator.nextInt(below: 6)
            values[r] = generator.nextUnit() < 0.1 ? .nan : Float(x)
            values[n + r] = Float(generator.nextGaussian())
            values[2 * n + r] = generator.nextUnit() < 0.05 ? .nan : Float(code)
            labels[r] = generator.nextUnit() < 1 / (1 + _exp(-(x + (code % 2 == 0 ? 1 : -1)))) ? 1 : 0
        }
        let schema = FeatureSchema(columns: [FeatureColumn(name: "a"), FeatureColumn(name: "b"),
                                             FeatureColumn(name: "c", kind: .categorical(levelCount: 6))])
        let data = try Dataset(features: FeatureMatrix(rowCount: n, schema: schema, values: values), labels: labels)
        var configuration = TreeTestData.smallConfiguration(iterations: 25, leaves: 10)
        configuration.randomSeed = seed
        let model = try BoostedTrees(configuration: configuration).fit(data).model
        // Scoring rows include unseen codes (9, -2), fractional codes and infinities.
        var scoring = Array(values.prefix(200)) + Array(values[n..<(n + 200)]) + Array(values[(2 * n)..<(2 * n + 200)])
        scoring[2 * 200 + 0] = 9
        scoring[2 * 200 + 1] = -2
        scoring[2 * 200 + 2] = 2.5
        scoring[3] = .infinity
        scoring[4] = -.infinity
        return (model, try FeatureMatrix(rowCount: 200, schema: schema, values: scoring))
    }

    static func _exp(_ x: Double) -> Double { Foundation.exp(x) }

    /// Every split of a tree asking one shared bitset: the predictor holds each tree's words once
    /// (it used to copy the bitset per node: 16 GB from a 2.5 MB bundle) and still routes like the tree.
    @Test("a bitset shared by every split is laid out once")
    func sharedBitsetIsNotCopiedPerNode() throws {
        let splits = 1_000, words = 1_024, n = 2 * splits + 1
        let isSplit = (0..<n).map { $0 < splits }
        let bitset = (0..<words).map { UInt64(0x5555_5555_5555_5555) &>> UInt64($0 % 3) }
        let tree = try RegressionTree(
            leftChild: (0..<n).map { isSplit[$0] ? Int32(2 * $0 + 1) : -1 },
            rightChild: (0..<n).map { isSplit[$0] ? Int32(2 * $0 + 2) : -1 },
            splitFeature: isSplit.map { $0 ? 0 : -1 }, threshold: [Float](repeating: 0, count: n),
            binThreshold: [UInt8](repeating: 0, count: n), missingGoesLeft: (0..<n).map { $0 % 2 == 0 },
            categoryStart: [Int32](repeating: 0, count: n), categoryWordCount: isSplit.map { $0 ? Int32(words) : 0 },
            categoryWords: bitset, value: (0..<n).map { Double($0) / 1_000 }, cover: [Double](repeating: 1, count: n),
            gain: [Double](repeating: 0, count: n))
        let model = try BoostedTreesModel(trees: [.leaf(value: 0.5, cover: 1), tree, tree], baseScore: 0.25,
                                      objective: .logistic, featureSchema: .numeric(count: 1))
        let predictor = BoostedTreesPredictor(model: model)
        #expect(predictor.forest.categoryWords.count == 2 * words)
        for code in [0, 1, 2, 3, 64, 65, 1_000, 65_535, 65_536, -1] as [Float] + [.nan, 2.5] {
            let row = [code]
            let expected = model.oracleRawScore(row)
            #expect(row.withUnsafeBufferPointer { predictor.rawScore($0) }.bitPattern == expected.bitPattern,
                    "code \(code)")
        }
    }

    @Test("flat predictor, batch and per-tree walk agree bit for bit", arguments: [2, 31] as [UInt64])
    func predictorsAgree(seed: UInt64) throws {
        let (model, rows) = try Self.modelAndRows(seed: seed)
        #expect(model.trees.contains { tree in (0..<tree.nodeCount).contains { tree.isCategoricalSplit($0) } })
        let predictor = BoostedTreesPredictor(model: model)
        let batch1 = try predictor.rawScores(rows, threadCount: 1)
        let batch3 = try model.rawScores(rows, threadCount: 3)
        #expect(batch1 == batch3)
        for r in 0..<rows.rowCount {
            let row = rows.row(r)
            // Oracle: base score plus each tree's own routing, summed in tree order.
            var expected = model.baseScore
            for tree in model.trees { expected += tree.predict(row) }
            row.withUnsafeBufferPointer { buffer in
                #expect(predictor.rawScore(buffer) == expected)
            }
            #expect(batch1[r] == expected)
        }
        let probabilities = try model.probabilities(rows, threadCount: 2)
        #expect(zip(probabilities, batch1).allSatisfy { $0 == 1 / (1 + Foundation.exp(-$1)) })
    }

    /// Rows per batch block for the three-feature model of `modelAndRows`.
    static let block = BoostedTreesPredictor.blockSize(featureCount: 3)

    /// `count` rows cycled from `rows` (so every kind of value — NaN, unseen codes, infinities — lands
    /// on both sides of every block boundary).
    static func cycled(_ rows: FeatureMatrix, count: Int) throws -> FeatureMatrix {
        var values = [Float](repeating: 0, count: count * rows.columnCount)
        for c in 0..<rows.columnCount {
            for r in 0..<count { values[c * count + r] = rows[(r * 7 + c) % rows.rowCount, c] }
        }
        return try FeatureMatrix(rowCount: count, schema: rows.schema, values: values)
    }

    /// The blocked batch path at block boundaries (empty, one row, a block ± 1, several blocks and a
    /// remainder) with a one-leaf tree in the middle of the forest, for several thread counts: every
    /// row equals the per-tree oracle bit for bit.
    @Test("batch scores at block boundaries equal the per-tree walk",
          arguments: [0, 1, Self.block - 1, Self.block, Self.block + 1, 5 * Self.block + 37])
    func blockBoundaries(rowCount: Int) throws {
        let (trained, rows) = try Self.modelAndRows(seed: 7)
        var trees = trained.trees
        trees.insert(.leaf(value: 0.125, cover: 1), at: trees.count / 2)
        let model = try BoostedTreesModel(trees: trees, baseScore: trained.baseScore, objective: trained.objective,
                                      featureSchema: trained.featureSchema)
        let matrix = try Self.cycled(rows, count: rowCount)
        let predictor = BoostedTreesPredictor(model: model)
        var expected = [Double](repeating: model.baseScore, count: rowCount)
        for r in 0..<rowCount {
            let row = matrix.row(r)
            for tree in model.trees { expected[r] += tree.predict(row) }
        }
        for threads in [1, 2, 3, 8] {
            #expect(try predictor.rawScores(matrix, threadCount: threads) == expected, "threads \(threads)")
        }
    }

    /// Deep, unbalanced trees (leaf-wise, many leaves, small leaves) route rows to very different
    /// depths: the level-by-level batch walk must drop each row exactly at its own leaf.
    @Test("batch scores on deep unbalanced trees equal the per-tree walk", arguments: [5, 19] as [UInt64])
    func deepTrees(seed: UInt64) throws {
        var generator = SeededGenerator(seed: seed)
        let n = 3_000, features = 4
        var values = [Float](repeating: 0, count: n * features), labels = [Float](repeating: 0, count: n)
        for r in 0..<n {
            var z = 0.0
            for c in 0..<features {
                let x = generator.nextGaussian()
                values[c * n + r] = generator.nextUnit() < 0.05 ? .nan : Float(x)
                z += x * x * (c.isMultiple(of: 2) ? 1 : -1)
            }
            labels[r] = generator.nextUnit() < 1 / (1 + Self._exp(-z)) ? 1 : 0
        }
        let data = try Dataset(features: FeatureMatrix(rowCount: n, schema: .numeric(count: features), values: values),
                               labels: labels)
        var configuration = TreeTestData.smallConfiguration(iterations: 8, leaves: 60)
        configuration.minimumSamplesPerLeaf = 2
        configuration.randomSeed = seed
        let model = try BoostedTrees(configuration: configuration).fit(data).model
        #expect(model.trees.map(\.depth).max()! >= 10)
        let predictor = BoostedTreesPredictor(model: model)
        let batch = try predictor.rawScores(data.features, threadCount: 2)
        for r in 0..<n {
            let row = data.features.row(r)
            var expected = model.baseScore
            for tree in model.trees { expected += tree.predict(row) }
            #expect(batch[r] == expected)
        }
    }

    @Test("a matrix with the wrong column count is rejected")
    func wrongShape() throws {
        let (model, _) = try Self.modelAndRows(seed: 2)
        let matrix = FeatureMatrix(rowCount: 2, schema: .numeric(count: 2))
        #expect(throws: RiskTreesError(.shapeMismatch, "feature matrix has 2 columns; the model expects 3. "
                                       + "Build the matrix with the model's feature schema.")) {
            try model.rawScores(matrix, threadCount: 1)
        }
    }
}

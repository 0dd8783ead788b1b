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
                #expect(model.rawScore(buffer) == expected)
            }
            #expect(batch1[r] == expected)
        }
        let probabilities = try model.probabilities(rows, threadCount: 2)
        #expect(zip(probabilities, batch1).allSatisfy { $0 == 1 / (1 + Foundation.exp(-$1)) })
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

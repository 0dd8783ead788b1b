import Foundation
import RiskData
import RiskTestSupport
import Testing
@testable import RiskTrees

/// A reader of LightGBM's text model written for the tests: it parses the exported file and routes
/// rows the way LightGBM's `tree.h` does (`NumericalDecision`: NaN → default direction when the
/// missing type is NaN, else `x <= threshold` in double; `CategoricalDecision`: NaN or a negative
/// code → right, else the truncated code looked up in 32-bit words). It knows nothing of our trees.
struct LightGBMTextOracle {
    struct Tree {
        var leafValue: [Double] = [], splitFeature: [Int] = [], threshold: [Double] = [], decision: [Int] = []
        var left: [Int] = [], right: [Int] = [], catBoundaries: [Int] = [], catThreshold: [UInt32] = []
    }
    var trees: [Tree] = []
    var featureNames: [String] = []
    var objective = ""

    init(_ text: String) throws {
        var current: Tree?
        func numbers<T>(_ value: Substring, _ parse: (Substring) -> T?) throws -> [T] {
            try value.split(separator: " ").map { part in
                guard let number = parse(part) else { throw OracleError(message: "bad number \(part)") }
                return number
            }
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            guard let equals = line.firstIndex(of: "=") else {
                if line == "end of trees", let tree = current { trees.append(tree); current = nil }
                continue
            }
            let key = line[..<equals], value = line[line.index(after: equals)...]
            switch key {
            case "Tree":
                if let tree = current { trees.append(tree) }
                current = Tree()
            case "feature_names": featureNames = value.split(separator: " ").map(String.init)
            case "objective": objective = String(value)
            case "leaf_value": current?.leafValue = try numbers(value) { Double($0) }
            case "split_feature": current?.splitFeature = try numbers(value) { Int($0) }
            case "threshold": current?.threshold = try numbers(value) { Double($0) }
            case "decision_type": current?.decision = try numbers(value) { Int($0) }
            case "left_child": current?.left = try numbers(value) { Int($0) }
            case "right_child": current?.right = try numbers(value) { Int($0) }
            case "cat_boundaries": current?.catBoundaries = try numbers(value) { Int($0) }
            case "cat_threshold": current?.catThreshold = try numbers(value) { UInt32($0) }
            default: break
            }
        }
    }

    struct OracleError: Error { var message: String }

    func rawScore(_ row: [Double]) -> Double {
        var sum = 0.0
        for tree in trees {
            guard !tree.splitFeature.isEmpty else { sum += tree.leafValue[0]; continue }
            var node = 0
            while node >= 0 {
                let x = row[tree.splitFeature[node]], type = tree.decision[node]
                let goesLeft: Bool
                if type & 1 == 1 {
                    if x.isNaN || x <= -1 || x >= 2_147_483_648 {
                        goesLeft = false
                    } else {
                        let code = Int(x.rounded(.towardZero))   // static_cast<int>
                        let index = Int(tree.threshold[node])
                        let start = tree.catBoundaries[index], count = tree.catBoundaries[index + 1] - start
                        goesLeft = code / 32 < count && (tree.catThreshold[start + code / 32] >> UInt32(code % 32)) & 1 == 1
                    }
                } else if x.isNaN && (type >> 2) & 3 == 2 {
                    goesLeft = type & 2 == 2
                } else {
                    goesLeft = (x.isNaN ? 0 : x) <= tree.threshold[node]
                }
                node = goesLeft ? tree.left[node] : tree.right[node]
            }
            sum += tree.leafValue[~node]
        }
        return sum
    }
}

@Suite("LightGBM export")
struct LightGBMExportTests {
    /// Rows that sit on every numeric threshold of the model and one float either side, plus
    /// missing values, infinities, unseen, negative and fractional codes.
    static func boundaryRows(_ model: BoostedTreesModel, _ rows: FeatureMatrix) -> [[Float]] {
        var out = (0..<rows.rowCount).map { rows.row($0) }
        let base = out[0]
        for tree in model.trees {
            for node in 0..<tree.nodeCount where !tree.isLeaf(node) && !tree.isCategoricalSplit(node) {
                let t = tree.threshold[node], feature = Int(tree.splitFeature[node])
                for x in [t, t.nextUp, t.nextDown] {
                    var row = base
                    row[feature] = x
                    out.append(row)
                }
            }
        }
        return out
    }

    @Test("LightGBM's routing of the exported text gives the same raw scores bit for bit", arguments: [2, 31] as [UInt64])
    func exportedModelScoresTheSame(seed: UInt64) throws {
        let (model, rows) = try PredictionTests.modelAndRows(seed: seed)
        #expect(model.trees.contains { tree in (0..<tree.nodeCount).contains { tree.isCategoricalSplit($0) } })
        let oracle = try LightGBMTextOracle(try model.lightGBMModelText())
        #expect(oracle.trees.count == model.trees.count)
        #expect(oracle.featureNames == ["a", "b", "c"])
        #expect(oracle.objective == "binary sigmoid:1")
        let all = Self.boundaryRows(model, rows)
        #expect(all.count > rows.rowCount + 30)
        for row in all {
            let expected = model.oracleRawScore(row)
            // LightGBM given the floats themselves (numpy float32) …
            #expect(oracle.rawScore(row.map(Double.init)) == expected, "row \(row)")
            // … or the shortest decimals a CSV holds, parsed as doubles.
            #expect(oracle.rawScore(row.map { Double("\($0)") ?? .nan }) == expected, "row \(row) as text")
        }
    }

    @Test func thresholdSeparatesAFloatFromTheNextOneWhateverItsDecimal() {
        for t: Float in [0, 0.1, -0.1, 1, 3.4028235e38, 1e-45, -1e-45, 16_777_216, 123.456, .leastNormalMagnitude] {
            let T = BoostedTreesModel.lightGBMThreshold(t)
            #expect(Double(t) <= T, "\(t)")
            if t.nextUp.isFinite {
                #expect(Double(t.nextUp) > T, "\(t)")
                // Every decimal that reads back as t lies at or below T; as t.nextUp, above it.
                #expect(Double("\(t)")! <= T && Double("\(t.nextUp)")! > T, "\(t)")
            }
        }
    }

    @Test func featureNamesAreMadeSafeAndUnique() {
        #expect(BoostedTreesModel.lightGBMFeatureNames(["Net Mass", "a:b", "Net_Mass", "", "x[1]", "\"q\""])
                == ["Net_Mass", "a_b", "Net_Mass_2", "feature_3", "x_1_", "_q_"])
    }

    @Test func baseScoreAndSingleLeafTreesAreCarried() throws {
        let schema = FeatureSchema(columns: [FeatureColumn(name: "a")])
        let model = try BoostedTreesModel(trees: [.leaf(value: 0.25, cover: 10), .leaf(value: -0.125, cover: 10)],
                                      baseScore: -2.5, objective: .logistic, featureSchema: schema)
        let oracle = try LightGBMTextOracle(try model.lightGBMModelText())
        #expect(oracle.rawScore([1]) == (-2.5 + 0.25) + -0.125)
        let squared = try BoostedTreesModel(trees: [.leaf(value: 0, cover: 0)], baseScore: 0.5,
                                            objective: .squaredError, featureSchema: schema)
        let text = try squared.lightGBMModelText()
        #expect(try LightGBMTextOracle(text).rawScore([0]) == 0.5)
        #expect(text.contains("objective=regression\n"))
    }

    @Test func refusesACategoricalSplitThatSendsMissingValuesLeft() throws {
        let (model, _) = try PredictionTests.modelAndRows(seed: 2)
        let t = try #require(model.trees.firstIndex { tree in (0..<tree.nodeCount).contains { tree.isCategoricalSplit($0) } })
        let node = try #require((0..<model.trees[t].nodeCount).first { model.trees[t].isCategoricalSplit($0) })
        var arrays = TreeArrays(model.trees[t])
        arrays.missingGoesLeft[node] = true
        var trees = model.trees
        trees[t] = try arrays.tree()
        let edited = try BoostedTreesModel(trees: trees, baseScore: model.baseScore, objective: model.objective,
                                           featureSchema: model.featureSchema)
        let error = try #require(throws: BoostedTreesModel.LightGBMExportError.self) { try edited.lightGBMModelText() }
        #expect(error.message == "tree \(t) node \(node): a categorical split sends missing values left; "
                + "LightGBM's format always sends them right.")
    }
}

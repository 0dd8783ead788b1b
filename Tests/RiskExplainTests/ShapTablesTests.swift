import RiskData
import RiskTestSupport
import Testing
@testable import RiskExplain
@testable import RiskTrees

/// Tabulated TreeSHAP (ShapTables.swift): a tree asking ≤ 10 distinct questions is explained by
/// looking up its answer pattern. Oracles: brute-force Shapley enumeration and the kernel itself
/// (`allowTables: false`).
@Suite("TreeExplainer tables")
struct ShapTablesTests {
    /// A random symmetric tree: level k asks one question (a numeric threshold or a category set,
    /// a missing direction) on a random feature (features may repeat across levels); leaves get
    /// random values and covers, internal covers are the sum of their children.
    static func symmetricTree(schema: FeatureSchema, depth: Int, generator: inout SeededGenerator) -> RegressionTree {
        let nodeCount = (1 << (depth + 1)) - 1
        var left = [Int32](repeating: -1, count: nodeCount), right = [Int32](repeating: -1, count: nodeCount)
        var feature = [Int32](repeating: -1, count: nodeCount), threshold = [Float](repeating: 0, count: nodeCount)
        var missingLeft = [Bool](repeating: false, count: nodeCount)
        var catStart = [Int32](repeating: 0, count: nodeCount), catCount = [Int32](repeating: 0, count: nodeCount)
        var words: [UInt64] = []
        var value = [Double](repeating: 0, count: nodeCount), cover = [Double](repeating: 0, count: nodeCount)
        // Heap order: node i has children 2i + 1 and 2i + 2; level k holds nodes 2^k − 1 ..< 2^(k+1) − 1.
        for level in 0..<depth {
            let f = generator.nextInt(below: schema.columns.count)
            let missing = generator.nextUnit() < 0.5
            var t: Float = 0
            var start: Int32 = 0, count: Int32 = 0
            if case .categorical(let levels) = schema.columns[f].kind {
                count = Int32((levels + 63) / 64)
                start = Int32(words.count)
                for w in 0..<Int(count) {
                    var bits: UInt64 = 0
                    for b in 0..<64 where w * 64 + b < levels && generator.nextUnit() < 0.5 { bits |= 1 << UInt64(b) }
                    words.append(bits)
                }
            } else {
                t = Float(generator.nextGaussian())
            }
            for node in ((1 << level) - 1)..<((1 << (level + 1)) - 1) {
                left[node] = Int32(2 * node + 1)
                right[node] = Int32(2 * node + 2)
                feature[node] = Int32(f)
                threshold[node] = t
                missingLeft[node] = missing
                catStart[node] = start
                catCount[node] = count
            }
        }
        for node in stride(from: nodeCount - 1, through: 0, by: -1) {
            if left[node] < 0 {
                value[node] = generator.nextGaussian()
                cover[node] = 0.5 + 10 * generator.nextUnit()
            } else {
                cover[node] = cover[Int(left[node])] + cover[Int(right[node])]
            }
        }
        return try! RegressionTree(leftChild: left, rightChild: right, splitFeature: feature, threshold: threshold,
                              binThreshold: [UInt8](repeating: 0, count: nodeCount), missingGoesLeft: missingLeft,
                              categoryStart: catStart, categoryWordCount: catCount, categoryWords: words,
                              value: value, cover: cover, gain: [Double](repeating: 0, count: nodeCount))
    }

    static func symmetricModel(featureCount: Int, treeCount: Int, depth: Int, seed: UInt64) -> BoostedTreesModel {
        var generator = SeededGenerator(seed: seed)
        let schema = RandomTrees.schema(featureCount: featureCount)
        let trees = (0..<treeCount).map { _ in symmetricTree(schema: schema, depth: depth, generator: &generator) }
        return try! BoostedTreesModel(trees: trees, baseScore: generator.nextGaussian(), objective: .logistic,
                                 featureSchema: schema)
    }

    /// Every tree is tabulated and the looked-up contributions equal brute-force Shapley values
    /// (1e-10 of Σ|φ|, as in TreeExplainerTests: an algorithmic slip is of order 1e-2).
    @Test(arguments: [1, 3, 6], [5, 61] as [UInt64])
    func symmetricTreesMatchBruteForce(depth: Int, seed: UInt64) throws {
        let model = Self.symmetricModel(featureCount: 7, treeCount: 4, depth: depth, seed: seed)
        let explainer = try TreeExplainer(model: model)
        #expect(explainer.tabulatedTreeCount == 4)
        var generator = SeededGenerator(seed: seed ^ 0x7AB1E)
        for _ in 0..<25 {
            let row = RandomTrees.row(schema: model.featureSchema, generator: &generator)
            let (base, expected) = BruteForceShapley.explain(model, row)
            let explanation = explainer.explain(row)
            let scale = expected.reduce(abs(base)) { $0 + abs($1) }
            for j in 0..<7 {
                #expect(closeScaled(explanation.contributions[j], expected[j], tolerance: 1e-10, scale: scale),
                        "seed \(seed) depth \(depth) feature \(j) row \(row)")
            }
            let total = explanation.contributions.reduce(explanation.baseValue, +)
            #expect(closeScaled(total, RandomTrees.rawScore(model, row), tolerance: 1e-12, scale: scale))
        }
    }

    /// Tables against the kernel on a trained symmetric model (missing values, 400 rows per
    /// check): a table row is the kernel's own per-tree sum, so the two differ only by the order of
    /// additions across trees (1e-12 of Σ|φ|).
    @Test(arguments: [UInt64(3), 8])
    func trainedSymmetricModelMatchesKernel(seed: UInt64) throws {
        let data = SyntheticClassification.make(rowCount: 2_000, featureCount: 8, seed: seed, missingRate: 0.1)
        var configuration = BoostedTreesConfiguration()
        configuration.iterationCount = 30
        configuration.growthPolicy = .symmetric
        configuration.maximumDepth = 5
        configuration.earlyStoppingRounds = nil
        configuration.threadCount = 1
        let model = try BoostedTrees(configuration: configuration).fit(data).model
        let tabulated = try TreeExplainer(model: model)
        let kernel = try TreeExplainer(model: model, allowQuadrature: true, allowTables: false)
        #expect(tabulated.tabulatedTreeCount == model.trees.count)
        #expect(kernel.tabulatedTreeCount == 0)
        let fast = try tabulated.contributions(for: data.features, threadCount: 2)
        let reference = try kernel.contributions(for: data.features, threadCount: 1)
        for r in stride(from: 0, to: data.features.rowCount, by: 5) {
            let a = fast.explanation(row: r), b = reference.explanation(row: r)
            let scale = b.contributions.reduce(abs(b.baseValue)) { $0 + abs($1) }
            #expect(a.rawScore == b.rawScore)
            for j in 0..<8 {
                #expect(closeScaled(a.contributions[j], b.contributions[j], tolerance: 1e-12, scale: scale), "row \(r)")
            }
        }
        // Batch with tables (blocks of rows, trees outer): identical for every thread count and,
        // bit for bit, to explaining each row alone.
        #expect(tabulated.isFullyTabulated)
        #expect(try tabulated.contributions(for: data.features, threadCount: 1) == fast)
        var row = [Float](repeating: 0, count: 8)
        for r in stride(from: 0, to: data.features.rowCount, by: 7) {
            row.withUnsafeMutableBufferPointer { data.features.copyRow(r, into: $0) }
            #expect(fast.explanation(row: r) == tabulated.explain(row), "row \(r)")
        }
    }

    /// A tree is tabulated only with ≤ 10 distinct questions: a chain of 10 distinct features is,
    /// one of 11 is not (and is explained by the kernel, matching the path recursion).
    @Test(arguments: [(10, 1), (11, 0)])
    func questionLimit(distinct: Int, tabulated: Int) throws {
        let model = try BoostedTreesModel(trees: [QuadratureTreeShapTests.caterpillar(distinct: distinct, repeatFirst: false)],
                                      baseScore: 0, objective: .logistic, featureSchema: .numeric(count: 12))
        let explainer = try TreeExplainer(model: model)
        #expect(explainer.tabulatedTreeCount == tabulated)
        let reference = try TreeExplainer(model: model, allowQuadrature: false, allowTables: false)
        var generator = SeededGenerator(seed: UInt64(distinct))
        for _ in 0..<30 {
            let row = (0..<12).map { _ in generator.nextUnit() < 0.1 ? Float.nan : Float(generator.nextGaussian()) }
            let a = explainer.explain(row), b = reference.explain(row)
            let scale = b.contributions.reduce(abs(b.baseValue)) { $0 + abs($1) }
            for j in 0..<12 { #expect(closeScaled(a.contributions[j], b.contributions[j], tolerance: 1e-11, scale: scale)) }
        }
    }

    /// Tables compare NaN as −∞ or +∞ by its direction; a tree with an infinite threshold (where
    /// that trick would be wrong) is refused by the model validation the explainer runs. Rows with
    /// NaN, ±∞ and values on the thresholds, against brute force.
    @Test(arguments: [Float.infinity, 0.25])
    func missingAndInfiniteValuesInNumericTables(threshold: Float) throws {
        var generator = SeededGenerator(seed: 21)
        let schema = FeatureSchema.numeric(count: 2)
        var arrays = TreeArrays(Self.symmetricTree(schema: schema, depth: 2, generator: &generator))
        for node in 0..<3 {
            arrays.splitFeature[node] = node == 0 ? 0 : 1
            arrays.threshold[node] = node == 0 ? threshold : -1
            arrays.missingGoesLeft[node] = node != 0
        }
        guard threshold.isFinite else {
            #expect(throws: RiskTreesError(.invalidModel, "node 0: threshold is inf; expected a finite number.")) {
                try arrays.tree()
            }
            return
        }
        let model = try BoostedTreesModel(trees: [try arrays.tree()], baseScore: 0.5, objective: .logistic,
                                          featureSchema: schema)
        let explainer = TreeExplainer(model: model)
        #expect(explainer.tabulatedTreeCount == 1)
        let values: [Float] = [.nan, .infinity, -.infinity, 0.25, -1, 3, -7]
        for a in values {
            for b in values {
                let row = [a, b]
                let (base, expected) = BruteForceShapley.explain(model, row)
                let explanation = explainer.explain(row)
                let scale = expected.reduce(abs(base)) { $0 + abs($1) }
                for j in 0..<2 {
                    #expect(closeScaled(explanation.contributions[j], expected[j], tolerance: 1e-12, scale: scale),
                            "row \(row) feature \(j)")
                }
                #expect(explanation.rawScore == RandomTrees.rawScore(model, row))
            }
        }
    }

    /// A repeated question (the same split asked at two depths) counts once; a tree asking the
    /// same feature at two thresholds gets three answer classes for it, not four.
    @Test func repeatedQuestionsShareABit() throws {
        var generator = SeededGenerator(seed: 12)
        let schema = FeatureSchema.numeric(count: 3)
        var arrays = TreeArrays(Self.symmetricTree(schema: schema, depth: 3, generator: &generator))
        // Make levels 0 and 2 ask feature 0 (thresholds 0.5 and -0.5), level 1 feature 1.
        for node in 0..<7 {
            arrays.splitFeature[node] = node == 0 ? 0 : node < 3 ? 1 : 0
            arrays.threshold[node] = node == 0 ? 0.5 : node < 3 ? 0 : -0.5
            arrays.categoryWordCount[node] = 0
            arrays.missingGoesLeft[node] = true
        }
        let model = try BoostedTreesModel(trees: [try arrays.tree()], baseScore: 0, objective: .logistic,
                                          featureSchema: schema)
        let explainer = try TreeExplainer(model: model)
        let shape = try #require(ShapTables.shape(of: 0, root: 0, explainer: explainer))
        #expect(shape.questions.count == 3)
        #expect(shape.features == [0, 1])
        #expect(shape.classes.map(\.count) == [3, 2])
        for _ in 0..<40 {
            let row = RandomTrees.row(schema: schema, generator: &generator)
            let (base, expected) = BruteForceShapley.explain(model, row)
            let explanation = explainer.explain(row)
            let scale = expected.reduce(abs(base)) { $0 + abs($1) }
            for j in 0..<3 { #expect(closeScaled(explanation.contributions[j], expected[j], tolerance: 1e-10, scale: scale)) }
        }
    }
}

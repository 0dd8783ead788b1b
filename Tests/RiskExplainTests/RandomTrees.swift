import RiskData
@testable import RiskTrees

/// Seeded random trees and rows for TreeSHAP tests: numeric and categorical splits (bitsets of one
/// or two words), both missing directions, repeated features on a path, optional zero-cover leaves.
enum RandomTrees {
    /// A schema with `featureCount` columns; every third column (1, 4, …) is categorical with
    /// 5 levels, column 5 (when present) categorical with 70 levels (a two-word bitset).
    static func schema(featureCount: Int) -> FeatureSchema {
        FeatureSchema(columns: (0..<featureCount).map { j in
            let kind: FeatureKind = j == 5 ? .categorical(levelCount: 70) : (j % 3 == 1 ? .categorical(levelCount: 5)
                                                                              : .numeric)
            return FeatureColumn(name: "f\(j)", group: "g\(j % 3)", kind: kind)
        })
    }

    /// A random tree of depth ≤ `maximumDepth`; covers of internal nodes are the sum of their
    /// children (as in training) unless `consistentCovers` is false.
    static func tree(schema: FeatureSchema, maximumDepth: Int, generator: inout SeededGenerator,
                     zeroCoverLeaves: Bool = false, consistentCovers: Bool = true) -> RegressionTree {
        var left: [Int32] = [], right: [Int32] = [], feature: [Int32] = [], threshold: [Float] = []
        var missingLeft: [Bool] = [], catStart: [Int32] = [], catCount: [Int32] = [], words: [UInt64] = []
        var value: [Double] = [], cover: [Double] = []
        func newNode() -> Int {
            left.append(-1); right.append(-1); feature.append(-1); threshold.append(0); missingLeft.append(false)
            catStart.append(0); catCount.append(0); value.append(0); cover.append(0)
            return left.count - 1
        }
        func grow(_ node: Int, depth: Int) -> Double {
            let stop = depth >= maximumDepth || (depth > 0 && generator.nextUnit() < 0.2)
            if stop {
                value[node] = generator.nextGaussian()
                let c = zeroCoverLeaves && generator.nextUnit() < 0.15 ? 0 : 0.5 + 10 * generator.nextUnit()
                cover[node] = c
                return c
            }
            let f = generator.nextInt(below: schema.columns.count)
            feature[node] = Int32(f)
            missingLeft[node] = generator.nextUnit() < 0.5
            value[node] = generator.nextGaussian()
            if case .categorical(let levels) = schema.columns[f].kind {
                let wordCount = (levels + 63) / 64
                catStart[node] = Int32(words.count)
                catCount[node] = Int32(wordCount)
                for w in 0..<wordCount {
                    var bits: UInt64 = 0
                    for b in 0..<64 where w * 64 + b < levels && generator.nextUnit() < 0.5 { bits |= 1 << UInt64(b) }
                    words.append(bits)
                }
            } else {
                threshold[node] = Float(generator.nextGaussian())
            }
            let l = newNode(), r = newNode()
            left[node] = Int32(l)
            right[node] = Int32(r)
            let c = grow(l, depth: depth + 1) + grow(r, depth: depth + 1)
            cover[node] = consistentCovers ? c : c * (0.5 + generator.nextUnit())
            return c
        }
        _ = grow(newNode(), depth: 0)
        let n = left.count
        return try! RegressionTree(leftChild: left, rightChild: right, splitFeature: feature, threshold: threshold,
                              binThreshold: [UInt8](repeating: 0, count: n), missingGoesLeft: missingLeft,
                              categoryStart: catStart, categoryWordCount: catCount, categoryWords: words,
                              value: value, cover: cover, gain: [Double](repeating: 0, count: n))
    }

    static func model(featureCount: Int, treeCount: Int, maximumDepth: Int, seed: UInt64,
                      zeroCoverLeaves: Bool = false, consistentCovers: Bool = true) -> BoostedTreesModel {
        var generator = SeededGenerator(seed: seed)
        let schema = schema(featureCount: featureCount)
        let trees = (0..<treeCount).map { _ in
            tree(schema: schema, maximumDepth: maximumDepth, generator: &generator, zeroCoverLeaves: zeroCoverLeaves,
                 consistentCovers: consistentCovers)
        }
        return try! BoostedTreesModel(trees: trees, baseScore: generator.nextGaussian(), objective: .logistic,
                                 featureSchema: schema)
    }

    /// A random row: numeric ~ N(0, 1), categorical codes in `0..<levels + 2` (some unseen), 20% NaN.
    static func row(schema: FeatureSchema, generator: inout SeededGenerator) -> [Float] {
        schema.columns.map { column in
            if generator.nextUnit() < 0.2 { return .nan }
            if case .categorical(let levels) = column.kind { return Float(generator.nextInt(below: levels + 2)) }
            return Float(generator.nextGaussian())
        }
    }

    /// The model's raw score by plain traversal: `baseScore + Σ tree.predict`.
    static func rawScore(_ model: BoostedTreesModel, _ row: [Float]) -> Double {
        model.trees.reduce(model.baseScore) { $0 + $1.predict(row) }
    }
}

/// Naive oracle: Shapley values of `v(S) = E[f(x) | x_S]` by enumerating all 2^M subsets, with the
/// conditional expectation computed recursively over the tree (follow the row on features in S,
/// average children by cover ratio otherwise) — the path-dependent definition TreeSHAP computes.
enum BruteForceShapley {
    static func expectation(_ tree: RegressionTree, _ node: Int, _ row: [Float], _ subset: Int) -> Double {
        if tree.isLeaf(node) { return tree.value[node] }
        let f = Int(tree.splitFeature[node])
        let l = Int(tree.leftChild[node]), r = Int(tree.rightChild[node])
        if subset & (1 << f) != 0 {
            return expectation(tree, tree.goesLeft(node, row[f]) ? l : r, row, subset)
        }
        let c = tree.cover[node]
        guard c > 0 else { return 0 }
        return tree.cover[l] / c * expectation(tree, l, row, subset) + tree.cover[r] / c * expectation(tree, r, row, subset)
    }

    /// (base value, contributions) of `row`.
    static func explain(_ model: BoostedTreesModel, _ row: [Float]) -> (Double, [Double]) {
        let m = model.featureCount
        let values = (0..<(1 << m)).map { subset in
            model.trees.reduce(model.baseScore) { $0 + expectation($1, 0, row, subset) }
        }
        func factorial(_ n: Int) -> Double { n <= 1 ? 1 : Double(n) * factorial(n - 1) }
        var phi = [Double](repeating: 0, count: m)
        for i in 0..<m {
            for subset in 0..<(1 << m) where subset & (1 << i) == 0 {
                let s = subset.nonzeroBitCount
                let weight = factorial(s) * factorial(m - s - 1) / factorial(m)
                phi[i] += weight * (values[subset | (1 << i)] - values[subset])
            }
        }
        return (values[0], phi)
    }
}

/// `|a − b| ≤ tolerance · scale`.
func closeScaled(_ a: Double, _ b: Double, tolerance: Double, scale: Double) -> Bool {
    abs(a - b) <= tolerance * max(scale, 1e-300)
}

/// A tree's arrays, to edit in a test and make a (validated) tree of again: trees are immutable
/// and validate when made.
struct TreeArrays {
    var leftChild, rightChild, splitFeature: [Int32]
    var threshold: [Float]
    var binThreshold: [UInt8]
    var missingGoesLeft: [Bool]
    var categoryStart, categoryWordCount: [Int32]
    var categoryWords: [UInt64]
    var value, cover, gain: [Double]

    init(_ tree: RegressionTree) {
        (leftChild, rightChild, splitFeature) = (tree.leftChild, tree.rightChild, tree.splitFeature)
        (threshold, binThreshold, missingGoesLeft) = (tree.threshold, tree.binThreshold, tree.missingGoesLeft)
        (categoryStart, categoryWordCount, categoryWords) = (tree.categoryStart, tree.categoryWordCount,
                                                             tree.categoryWords)
        (value, cover, gain) = (tree.value, tree.cover, tree.gain)
    }

    func tree(limits: ModelLimits = .standard) throws -> RegressionTree {
        try RegressionTree(leftChild: leftChild, rightChild: rightChild, splitFeature: splitFeature,
                           threshold: threshold, binThreshold: binThreshold, missingGoesLeft: missingGoesLeft,
                           categoryStart: categoryStart, categoryWordCount: categoryWordCount,
                           categoryWords: categoryWords, value: value, cover: cover, gain: gain, limits: limits)
    }
}

extension RegressionTree {
    /// The readable routing rule (the test oracle of `CompiledForest`): a missing value goes the
    /// learned direction, a numeric value left when `x <= threshold`, a categorical code left when
    /// its bit is set (codes outside the bitset go right).
    func goesLeft(_ node: Int, _ x: Float) -> Bool {
        if x.isNaN { return missingGoesLeft[node] }
        if categoryWordCount[node] == 0 { return x <= threshold[node] }
        guard x >= 0, x < Float(categoryWordCount[node]) * 64 else { return false }
        let code = Int(x)
        return (categoryWords[Int(categoryStart[node]) + code / 64] >> UInt64(code % 64)) & 1 == 1
    }

    /// The readable walk from the root to the row's leaf (the oracle of the compiled walks).
    func predict(_ row: [Float]) -> Double {
        var node = 0
        while leftChild[node] >= 0 {
            node = Int(goesLeft(node, row[Int(splitFeature[node])]) ? leftChild[node] : rightChild[node])
        }
        return value[node]
    }
}

extension BoostedTreesModel {
    /// The oracle raw score: `baseScore` plus each tree's readable walk, in tree order.
    func oracleRawScore(_ row: [Float]) -> Double {
        trees.reduce(baseScore) { $0 + $1.predict(row) }
    }
}

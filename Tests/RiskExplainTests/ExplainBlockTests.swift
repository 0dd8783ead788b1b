import RiskData
import RiskTestSupport
import Testing
@testable import RiskExplain
@testable import RiskTrees

/// `TreeExplainer.explainBlock` (TreeExplainer+Block.swift): a block's contributions and raw
/// scores in one pass over the trees. Oracles, compared bit for bit: `explain(_:into:)` row by row
/// (the contributions) and `BoostedTreesPredictor.rawScores` / `BoostedTreesModel.rawScore` (the
/// raw scores). Exact equality is the requirement: each row must receive the same Double
/// additions in the same order as the per-row paths, so no tolerance is allowed.
@Suite("TreeExplainer blocks")
struct ExplainBlockTests {
    /// Columns: 0 numeric, 1 categorical (5 levels), 2 numeric, 3 categorical (150 levels: a
    /// three-word bitset), 4 numeric, 5 numeric; 10% missing everywhere. The label depends on
    /// both kinds, so that trained trees ask categorical questions.
    static func dataset(rowCount: Int, seed: UInt64) throws -> Dataset {
        let schema = FeatureSchema(columns: [
            FeatureColumn(name: "x0"), FeatureColumn(name: "c1", kind: .categorical(levelCount: 5)),
            FeatureColumn(name: "x2"), FeatureColumn(name: "c3", kind: .categorical(levelCount: 150)),
            FeatureColumn(name: "x4"), FeatureColumn(name: "x5"),
        ])
        var generator = SeededGenerator(seed: seed)
        var values = [Float](repeating: 0, count: rowCount * 6)
        var labels = [Float](repeating: 0, count: rowCount)
        for r in 0..<rowCount {
            var row = [Float](repeating: 0, count: 6)
            for c in 0..<6 {
                switch c {
                case 1: row[c] = Float(generator.nextInt(below: 5))
                case 3: row[c] = Float(generator.nextInt(below: 150))
                default: row[c] = Float(generator.nextGaussian())
                }
            }
            var z = row[0] - 0.5 * row[2] + (row[1] == 2 || row[1] == 4 ? 1.2 : -0.4)
                + (Int(row[3]) % 7 == 0 ? 1.5 : 0) + 0.3 * row[4]
            z += Float(generator.nextGaussian()) * 0.3
            labels[r] = z > 0 ? 1 : 0
            for c in 0..<6 { values[c * rowCount + r] = generator.nextUnit() < 0.1 ? .nan : row[c] }
        }
        return try Dataset(features: FeatureMatrix(rowCount: rowCount, schema: schema, values: values), labels: labels)
    }

    static func train(_ data: Dataset, growth: GrowthPolicy, iterations: Int, depth: Int?, leaves: Int = 31)
        throws -> BoostedTreesModel {
        var configuration = BoostedTreesConfiguration()
        configuration.iterationCount = iterations
        configuration.growthPolicy = growth
        configuration.maximumDepth = depth
        configuration.maximumLeafCount = leaves
        configuration.minimumSamplesPerLeaf = 10
        configuration.minimumSamplesPerCategory = 5
        configuration.earlyStoppingRounds = nil
        configuration.threadCount = 1
        return try BoostedTrees(configuration: configuration).fit(data).model
    }

    /// `count` rows to explain: rows of `data` followed by rows of awkward values — NaN, ±∞,
    /// values on and next to thresholds, unseen, negative, fractional and huge category codes.
    static func probeRows(_ data: Dataset, count: Int, seed: UInt64) throws -> FeatureMatrix {
        let schema = data.features.schema
        let awkwardNumbers: [Float] = [.nan, .infinity, -.infinity, 0, -0.0, 1e30, -1e30, 0.5, -0.25]
        let awkwardCodes: [Float] = [.nan, -1, -0.5, 2.5, 4, 5, 63, 64, 149, 150, 191, 192, 1e10, .infinity, -.infinity]
        var generator = SeededGenerator(seed: seed)
        var rows: [[Float]] = []
        for r in 0..<count {
            var row = [Float](repeating: 0, count: schema.columns.count)
            data.features.withUnsafeValues { v in
                for c in row.indices { row[c] = v[c * data.features.rowCount + (r * 7) % data.features.rowCount] }
            }
            if r % 3 == 1 {
                // Replace a few values by awkward ones.
                for c in row.indices where generator.nextUnit() < 0.5 {
                    if case .categorical = schema.columns[c].kind {
                        row[c] = awkwardCodes[generator.nextInt(below: awkwardCodes.count)]
                    } else {
                        row[c] = awkwardNumbers[generator.nextInt(below: awkwardNumbers.count)]
                    }
                }
            }
            rows.append(row)
        }
        return try FeatureMatrix(rows: rows, schema: schema)
    }

    /// Runs `explainBlock` over `matrix` in blocks of `blockRows` (columns copied with a stride
    /// larger than the block, to check that `columnStride` is honoured), reusing one workspace.
    static func blockwise(_ explainer: TreeExplainer, _ matrix: FeatureMatrix, blockRows: Int)
        -> (contributions: [Double], rawScores: [Double]) {
        let n = matrix.rowCount, width = explainer.featureCount, stride = blockRows + 3
        var contributions = [Double](repeating: .nan, count: n * width)
        var raw = [Double](repeating: .nan, count: n)
        var block = [Float](repeating: .nan, count: stride * max(1, width))
        let workspace = UnsafeMutableRawPointer.allocate(byteCount: explainer.blockWorkspaceByteCount(rowCount: blockRows),
                                                         alignment: 64)
        defer { workspace.deallocate() }
        // Garbage in the workspace must not matter.
        workspace.initializeMemory(as: UInt8.self, repeating: 0xA5,
                                   count: explainer.blockWorkspaceByteCount(rowCount: blockRows))
        var first = 0
        while first < n {
            let count = min(blockRows, n - first)
            matrix.withUnsafeValues { v in
                for f in 0..<width {
                    for r in 0..<count { block[f * stride + r] = v[f * n + first + r] }
                }
            }
            block.withUnsafeBufferPointer { b in
                contributions.withUnsafeMutableBufferPointer { c in
                    raw.withUnsafeMutableBufferPointer { s in
                        explainer.explainBlock(columns: b.baseAddress!, columnStride: stride, rowCount: count,
                                               contributions: c.baseAddress! + first * width,
                                               rawScores: s.baseAddress! + first, workspace: workspace)
                    }
                }
            }
            first += count
        }
        return (contributions, raw)
    }

    /// The oracles: per-row `explain(_:into:)` and the model's own raw scores.
    static func oracle(_ explainer: TreeExplainer, _ model: BoostedTreesModel, _ matrix: FeatureMatrix)
        -> (contributions: [Double], rawScores: [Double]) {
        let width = explainer.featureCount
        var contributions = [Double](repeating: 0, count: matrix.rowCount * width)
        var raw: [Double] = []
        var row = [Float](repeating: 0, count: width)
        var phi = [Double](repeating: 0, count: width)
        for r in 0..<matrix.rowCount {
            row.withUnsafeMutableBufferPointer { matrix.copyRow(r, into: $0) }
            row.withUnsafeBufferPointer { x in
                phi.withUnsafeMutableBufferPointer { _ = explainer.explain(x, into: $0) }
                raw.append(model.oracleRawScore(Array(x)))
            }
            for f in 0..<width { contributions[r * width + f] = phi[f] }
        }
        return (contributions, raw)
    }

    static func bits(_ values: [Double]) -> [UInt64] { values.map(\.bitPattern) }

    /// Every path that computes contributions and raw scores of blocks agrees bit for bit with the
    /// oracles, for `rowCounts` rows (each count a prefix of one probe matrix).
    static func checkBitIdentical(_ explainer: TreeExplainer, _ model: BoostedTreesModel, _ data: Dataset,
                                  seed: UInt64, rowCounts: [Int] = [1, 63, 64, 65, 1_000],
                                  sourceLocation: SourceLocation = #_sourceLocation) throws {
        let probes = try probeRows(data, count: rowCounts.max()!, seed: seed)
        let (expected, expectedRaw) = oracle(explainer, model, probes)
        let predicted = try BoostedTreesPredictor(model: model).rawScores(probes, threadCount: 1)
        #expect(bits(predicted) == bits(expectedRaw), "predictor vs model", sourceLocation: sourceLocation)
        let width = explainer.featureCount
        // The one-row fused pass (`explainScoringRow`): the oracles' bits, or nil exactly when a tree
        // or the row's pattern in a tree is not tabulated.
        var row = [Float](repeating: 0, count: width), phi = [Double](repeating: .nan, count: width)
        var fused = 0
        for r in 0..<probes.rowCount {
            row.withUnsafeMutableBufferPointer { probes.copyRow(r, into: $0) }
            let result = row.withUnsafeBufferPointer { x in
                phi.withUnsafeMutableBufferPointer { explainer.explainScoringRow(x, into: $0) }
            }
            guard let result else {
                #expect(!explainer.isFullyTabulated || Self.hasForgottenPattern(explainer, row: row),
                        "row \(r): nil from a fully tabulated explainer", sourceLocation: sourceLocation)
                continue
            }
            fused += 1
            #expect(bits(phi) == bits(Array(expected[(r * width)..<((r + 1) * width)])), "fused row \(r) contributions",
                    sourceLocation: sourceLocation)
            #expect(result.rawScore.bitPattern == expectedRaw[r].bitPattern, "fused row \(r) raw score",
                    sourceLocation: sourceLocation)
            #expect(result.baseValue.bitPattern == explainer.baseValue.bitPattern, sourceLocation: sourceLocation)
        }
        if explainer.isFullyTabulated { #expect(fused > 0, "the fused pass ran", sourceLocation: sourceLocation) }
        for rowCount in rowCounts {
            let matrix = try FeatureMatrix(rows: (0..<rowCount).map { r in (0..<width).map { probes[r, $0] } },
                                           schema: probes.schema)
            let wanted = Array(expected.prefix(rowCount * width)), wantedRaw = Array(expectedRaw.prefix(rowCount))
            for blockRows in [1, 7, 64, 256] {
                let (c, s) = blockwise(explainer, matrix, blockRows: blockRows)
                #expect(bits(c) == bits(wanted), "contributions, \(rowCount) rows, blocks of \(blockRows)",
                        sourceLocation: sourceLocation)
                #expect(bits(s) == bits(wantedRaw), "raw scores, \(rowCount) rows, blocks of \(blockRows)",
                        sourceLocation: sourceLocation)
            }
            for threads in [1, 2] {
                let batch = try explainer.contributions(for: matrix, threadCount: threads)
                #expect(bits(batch.contributions) == bits(wanted), "batch, \(rowCount) rows, \(threads) threads",
                        sourceLocation: sourceLocation)
                #expect(bits(batch.rawScores) == bits(wantedRaw), "batch raw, \(rowCount) rows, \(threads) threads",
                        sourceLocation: sourceLocation)
            }
        }
    }

    /// Trained symmetric models (numeric and categorical questions): every tree tabulated.
    @Test(arguments: [(UInt64(3), 4), (8, 6), (21, 3)])
    func trainedSymmetricModels(seed: UInt64, depth: Int) throws {
        let data = try Self.dataset(rowCount: 1_500, seed: seed)
        let model = try Self.train(data, growth: .symmetric, iterations: 12, depth: depth)
        #expect(model.trees.contains { $0.categoryWordCount.contains { $0 == 3 } }, "a three-word categorical question")
        #expect(model.trees.contains { $0.categoryWordCount.contains { $0 == 1 } }, "a one-word categorical question")
        let explainer = try TreeExplainer(model: model)
        #expect(explainer.isFullyTabulated)
        try Self.checkBitIdentical(explainer, model, data, seed: seed)
    }

    /// Mixed models: symmetric trees (tabulated) interleaved with leaf-wise trees of more than
    /// ten distinct questions (kernel), so blocks alternate between table passes and kernel runs.
    @Test(arguments: [UInt64(5), 13])
    func mixedModels(seed: UInt64) throws {
        let data = try Self.dataset(rowCount: 1_500, seed: seed)
        let symmetric = try Self.train(data, growth: .symmetric, iterations: 6, depth: 4)
        let leafWise = try Self.train(data, growth: .leafWise, iterations: 6, depth: nil, leaves: 24)
        var trees: [RegressionTree] = []
        for k in 0..<6 {
            trees.append(symmetric.trees[k])
            if k % 2 == 0 { trees.append(leafWise.trees[k]) } else { trees += leafWise.trees[k...].prefix(2) }
        }
        let model = try BoostedTreesModel(trees: trees, baseScore: symmetric.baseScore, objective: .logistic,
                                      featureSchema: symmetric.featureSchema)
        for (quadrature, tables) in [(true, true), (false, true)] {
            let explainer = try TreeExplainer(model: model, allowQuadrature: quadrature, allowTables: tables)
            #expect(explainer.tabulatedTreeCount >= 6 && explainer.tabulatedTreeCount < trees.count,
                    "\(explainer.tabulatedTreeCount) of \(trees.count) trees tabulated")
            try Self.checkBitIdentical(explainer, model, data, seed: seed, rowCounts: [1, 65, 300])
        }
    }

    /// Leaf-wise models: the kernel for every tree (by quadrature, by path recursion, and with
    /// tables turned off), row by row inside each block.
    @Test(arguments: [UInt64(2), 17])
    func leafWiseModels(seed: UInt64) throws {
        let data = try Self.dataset(rowCount: 1_500, seed: seed)
        let model = try Self.train(data, growth: .leafWise, iterations: 8, depth: nil, leaves: 31)
        for (quadrature, tables) in [(true, true), (false, true), (true, false)] {
            let explainer = try TreeExplainer(model: model, allowQuadrature: quadrature, allowTables: tables)
            try Self.checkBitIdentical(explainer, model, data, seed: seed, rowCounts: [1, 64, 200])
        }
    }

    /// Random (untrained) symmetric and irregular trees over the shared random schema (two-word
    /// bitsets, repeated features, zero-cover leaves).
    @Test(arguments: [UInt64(1), 9, 40])
    func randomModels(seed: UInt64) throws {
        let symmetric = ShapTablesTests.symmetricModel(featureCount: 7, treeCount: 9, depth: 5, seed: seed)
        let irregular = RandomTrees.model(featureCount: 7, treeCount: 9, maximumDepth: 6, seed: seed,
                                          zeroCoverLeaves: true)
        for model in [symmetric, irregular] {
            let explainer = try TreeExplainer(model: model)
            var generator = SeededGenerator(seed: seed ^ 0xB10C)
            let rows = (0..<130).map { _ in RandomTrees.row(schema: model.featureSchema, generator: &generator) }
            let matrix = try FeatureMatrix(rows: rows, schema: model.featureSchema)
            let (expected, expectedRaw) = Self.oracle(explainer, model, matrix)
            for blockRows in [1, 64, 256] {
                let (c, s) = Self.blockwise(explainer, matrix, blockRows: blockRows)
                #expect(Self.bits(c) == Self.bits(expected), "seed \(seed), blocks of \(blockRows)")
                #expect(Self.bits(s) == Self.bits(expectedRaw), "seed \(seed), blocks of \(blockRows)")
            }
        }
    }

    /// A pattern missing from a table (rows producing it go to the kernel, in the block as in
    /// `explain`): forgetting patterns of two trees keeps the block bit-identical to the per-row
    /// path of the same explainer (fully tabulated, and with a kernel tree appended), and close to
    /// the full tables (only the order of additions differs, 1e-12 of Σ|φ|).
    @Test(arguments: [UInt64(4), 11])
    func forgottenPatternsFallBackToTheKernel(seed: UInt64) throws {
        let data = try Self.dataset(rowCount: 1_200, seed: seed)
        let model = try Self.train(data, growth: .symmetric, iterations: 5, depth: 4)
        let full = try TreeExplainer(model: model)
        var explainer = full
        // Forget the patterns of the first probe rows in trees 1 and 3, so that they do occur.
        let probes = try Self.probeRows(data, count: 200, seed: seed)
        var row = [Float](repeating: 0, count: 6)
        for r in [0, 1, 2, 5, 8] {
            row.withUnsafeMutableBufferPointer { probes.copyRow(r, into: $0) }
            for tree in [1, 3] {
                explainer = explainer.forgettingPattern(Self.pattern(full, tree: tree, row: row), ofTree: tree)
            }
        }
        try Self.checkBitIdentical(explainer, model, data, seed: seed, rowCounts: [1, 65, 200])
        // The same with a kernel tree appended (blocks then keep contributions row by row).
        let leafWise = try Self.train(data, growth: .leafWise, iterations: 1, depth: nil, leaves: 24)
        let mixed = try BoostedTreesModel(trees: model.trees + leafWise.trees, baseScore: model.baseScore,
                                      objective: .logistic, featureSchema: model.featureSchema)
        var mixedExplainer = try TreeExplainer(model: mixed)
        #expect(!mixedExplainer.isFullyTabulated)
        for r in [0, 1, 2, 5, 8] {
            row.withUnsafeMutableBufferPointer { probes.copyRow(r, into: $0) }
            for tree in [1, 3] {
                mixedExplainer = mixedExplainer.forgettingPattern(Self.pattern(full, tree: tree, row: row), ofTree: tree)
            }
        }
        try Self.checkBitIdentical(mixedExplainer, mixed, data, seed: seed, rowCounts: [1, 65, 200])
        let (fallback, _) = Self.blockwise(explainer, probes, blockRows: 64)
        let (tabulated, _) = Self.blockwise(full, probes, blockRows: 64)
        #expect(Self.bits(fallback) != Self.bits(tabulated), "the kernel ran for some rows")
        for r in 0..<probes.rowCount {
            let a = fallback[(r * 6)..<(r * 6 + 6)], b = tabulated[(r * 6)..<(r * 6 + 6)]
            let scale = b.reduce(abs(full.baseValue)) { $0 + abs($1) }
            for (x, y) in zip(a, b) { #expect(closeScaled(x, y, tolerance: 1e-12, scale: scale), "row \(r)") }
        }
    }

    /// Whether `row`'s answer pattern in some tabulated tree is marked as never produced.
    static func hasForgottenPattern(_ explainer: TreeExplainer, row: [Float]) -> Bool {
        guard let tables = explainer.tables else { return false }
        for tree in 0..<explainer.forest.roots.count where tables.tableOfTree[tree] >= 0 {
            let table = tables.tables[Int(tables.tableOfTree[tree])]
            if !tables.filled[table.maskStart + pattern(explainer, tree: tree, row: row)] { return true }
        }
        return false
    }

    /// The answer pattern of `row` in tabulated tree `tree` (naive: question by question).
    static func pattern(_ explainer: TreeExplainer, tree: Int, row: [Float]) -> Int {
        let tables = explainer.tables!
        let table = tables.tables[Int(tables.tableOfTree[tree])]
        var mask = 0
        for q in 0..<Int(table.questionCount) {
            let question = tables.questions[Int(table.questionStart) + q]
            let goesLeft = withUnsafePointer(to: UInt64(0)) { none in
                explainer.forest.categoryWords.withUnsafeBufferPointer { words in
                    question.goesLeft(row[Int(question.feature)], categoryWords: words.baseAddress ?? none)
                }
            }
            if goesLeft { mask |= 1 << q }
        }
        return mask
    }

    /// A model without features (every tree a single leaf): raw scores only.
    @Test func modelWithoutFeatures() throws {
        let leaf = { (value: Double) in
            try! RegressionTree(leftChild: [-1], rightChild: [-1], splitFeature: [-1], threshold: [0], binThreshold: [0],
                           missingGoesLeft: [false], categoryStart: [0], categoryWordCount: [0], categoryWords: [],
                           value: [value], cover: [1], gain: [0])
        }
        let model = try BoostedTreesModel(trees: [leaf(0.1), leaf(-0.3), leaf(0.7)], baseScore: 0.2, objective: .logistic,
                                      featureSchema: FeatureSchema(columns: []))
        let explainer = try TreeExplainer(model: model)
        let matrix = FeatureMatrix(rowCount: 5, schema: FeatureSchema(columns: []))
        let batch = try explainer.contributions(for: matrix, threadCount: 2)
        #expect(batch.contributions.isEmpty)
        #expect(Self.bits(batch.rawScores) == Self.bits([Double](repeating: ((0.2 + 0.1) + -0.3) + 0.7, count: 5)))
    }
}

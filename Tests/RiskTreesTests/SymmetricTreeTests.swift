import RiskData
import RiskTestSupport
import Testing
@testable import RiskTrees

/// Symmetric (oblivious) growth: one question per level, chosen by the summed gain of the level's
/// nodes (checked against a brute-force search over every candidate question).
@Suite("Symmetric trees")
struct SymmetricTreeTests {
    /// Numeric x and y (10% missing) and a 4-level categorical code; random gradients and hessians.
    static func grower(rowCount: Int, seed: UInt64, depth: Int, threads: Int = 1,
                       minimumSamples: Int = 5) -> (TreeGrower, [Float], [Float]) {
        let data = SyntheticClassificationLike.make(rowCount: rowCount, seed: seed)
        let mappers = makeBinMappers(for: data, binCount: 16, sampleCount: rowCount, seed: seed, threadCount: 1)
        let binned = BinnedMatrix(data, mappers: mappers, threadCount: 1)
        var configuration = TreeTestData.smallConfiguration(threads: threads)
        configuration.growthPolicy = .symmetric
        configuration.maximumDepth = depth
        configuration.minimumSamplesPerLeaf = minimumSamples
        configuration.minimumSamplesPerCategory = 5
        var generator = SeededGenerator(seed: seed &+ 1)
        let gradients = (0..<rowCount).map { _ in Float(generator.nextGaussian()) }
        let hessians = (0..<rowCount).map { _ in Float(0.05 + generator.nextUnit()) }
        return (TreeGrower(configuration: configuration, binned: binned, mappers: mappers), gradients, hessians)
    }

    /// Σ over `groups` of one node's gain for the question `goesLeft`, computed row by row.
    static func naiveLevelGain(groups: [[Int]], goesLeft: (Int) -> Bool, gradients: [Float], hessians: [Float],
                               l2: Double, minimumSamples: Int, minimumWeight: Double) -> Double {
        func score(_ g: Double, _ h: Double) -> Double { g * g / (h + l2) }
        var total = 0.0
        for rows in groups {
            var g = 0.0, h = 0.0, gl = 0.0, hl = 0.0, nl = 0
            for r in rows {
                g += Double(gradients[r]); h += Double(hessians[r])
                if goesLeft(r) { gl += Double(gradients[r]); hl += Double(hessians[r]); nl += 1 }
            }
            let nr = rows.count - nl
            guard nl >= minimumSamples, nr >= minimumSamples, hl >= minimumWeight, h - hl >= minimumWeight else { continue }
            total += score(gl, hl) + score(g - gl, h - hl) - score(g, h)
        }
        return total
    }

    @Test("every level asks one question, the best by summed gain (brute force)", arguments: [(1, 3), (2, 4), (3, 2)])
    func levelsShareTheBestQuestion(seed: UInt64, depth: Int) throws {
        let n = 600
        let (grower, gradients, hessians) = Self.grower(rowCount: n, seed: seed, depth: depth)
        gradients.withUnsafeBufferPointer { g in
            hessians.withUnsafeBufferPointer { h in
                grower.grow(rows: nil, features: [0, 1, 2], gradients: g.baseAddress!, hessians: h.baseAddress!)
            }
        }
        let nodes = grower.nodes
        let bins = grower.binned
        // Rows of each node by walking the tree on bins.
        var groups: [[Int]] = [Array(0..<n)]
        var levelNodes = [0]
        var level = 0
        while nodes[levelNodes[0]].leftChild >= 0 {
            let question = nodes[levelNodes[0]].split
            for node in levelNodes {
                let split = nodes[node].split
                #expect(nodes[node].leftChild >= 0, "level \(level): node \(node) is a leaf")
                #expect(split.feature == question.feature && split.isCategorical == question.isCategorical
                        && split.binThreshold == question.binThreshold && split.missingGoesLeft == question.missingGoesLeft
                        && split.leftBins == question.leftBins, "level \(level): node \(node) asks another question")
            }
            let chosen = Self.naiveLevelGain(groups: groups, goesLeft: { question.goesLeft(bin: bins[$0, question.feature]) },
                                             gradients: gradients, hessians: hessians, l2: 1, minimumSamples: 5,
                                             minimumWeight: 1e-3)
            // Brute force over every numeric question (thresholds × missing side) on x and y.
            var best = 0.0
            for feature in 0..<2 {
                for threshold in 0..<16 {
                    for missingLeft in [true, false] {
                        var candidate = SplitCandidate()
                        candidate.feature = feature
                        candidate.binThreshold = UInt8(threshold)
                        candidate.missingGoesLeft = missingLeft
                        best = max(best, Self.naiveLevelGain(
                            groups: groups, goesLeft: { candidate.goesLeft(bin: bins[$0, feature]) },
                            gradients: gradients, hessians: hessians, l2: 1, minimumSamples: 5, minimumWeight: 1e-3))
                    }
                }
            }
            // The categorical question may beat every numeric one; it can never lose to one.
            #expect(chosen >= best * (1 - 1e-9), "level \(level): chosen gain \(chosen) < best numeric \(best)")
            if !question.isCategorical { #expect(isClose(chosen, best, relative: 1e-9)) }
            var nextGroups: [[Int]] = []
            var nextNodes: [Int] = []
            for (node, rows) in zip(levelNodes, groups) {
                nextGroups.append(rows.filter { question.goesLeft(bin: bins[$0, question.feature]) })
                nextGroups.append(rows.filter { !question.goesLeft(bin: bins[$0, question.feature]) })
                nextNodes += [Int(nodes[node].leftChild), Int(nodes[node].rightChild)]
            }
            groups = nextGroups
            levelNodes = nextNodes
            level += 1
        }
        #expect(level == depth)
        #expect(levelNodes.allSatisfy { nodes[$0].leftChild < 0 }, "leaves all at depth \(depth)")
        // Leaf row ranges hold exactly the rows routed there.
        for leaf in grower.leaves {
            let rows = (leaf.start..<(leaf.start + leaf.count)).map { Int(grower.partition[$0]) }.sorted()
            let expected = groups[levelNodes.firstIndex(of: leaf.node)!]
            #expect(rows == expected)
        }
    }

    @Test("a fitted symmetric model is complete, ≤ 2^depth leaves, and identical for 1 and 2 threads",
          arguments: [UInt64(4), 9])
    func fittedModel(seed: UInt64) throws {
        let data = SyntheticClassification.make(rowCount: 3_000, featureCount: 6, seed: seed, missingRate: 0.05)
        var configuration = TreeTestData.smallConfiguration(iterations: 8)
        configuration.growthPolicy = .symmetric
        configuration.maximumDepth = 4
        configuration.rowSubsample = 0.7
        configuration.columnSubsample = 0.8
        let one = try BoostedTrees(configuration: configuration).fit(data).model
        configuration.threadCount = 2
        let two = try BoostedTrees(configuration: configuration).fit(data).model
        #expect(one == two)
        for tree in one.trees {
            #expect(tree.depth <= 4)
            #expect(tree.leafCount == 1 << tree.depth)
        }
        let auc = try rocAUCForTest(model: one, data: data)
        #expect(auc > 0.7, "training AUC \(auc)")
    }

    /// The predictor's table path (every tree symmetric) gives exactly the model's scores, one row
    /// and batch, for 1 and 3 threads, with missing values, ±∞ and values on the thresholds.
    @Test("symmetric forests predict by table lookup, bit-identical to the model", arguments: [UInt64(2), 17])
    func tablePrediction(seed: UInt64) throws {
        let data = SyntheticClassification.make(rowCount: 2_500, featureCount: 5, seed: seed, missingRate: 0.15)
        var configuration = TreeTestData.smallConfiguration(iterations: 12)
        configuration.growthPolicy = .symmetric
        configuration.maximumDepth = 5
        let model = try BoostedTrees(configuration: configuration).fit(data).model
        let predictor = BoostedTreesPredictor(model: model)
        #expect(predictor.forest.symmetric != nil)
        // Rows: the training rows, plus rows made of every threshold, NaN and ±∞.
        var rows = (0..<300).map { r in (0..<5).map { data.features[r, $0] } }
        let thresholds = model.trees.flatMap { tree in tree.threshold.indices.filter { !tree.isLeaf($0) }
            .map { (Int(tree.splitFeature[$0]), tree.threshold[$0]) } }
        var generator = SeededGenerator(seed: seed)
        for _ in 0..<300 {
            rows.append((0..<5).map { f in
                let pick = generator.nextInt(below: 4)
                if pick == 0 { return .nan }
                if pick == 1 { return generator.nextUnit() < 0.5 ? .infinity : -.infinity }
                let own = thresholds.filter { $0.0 == f }
                return own.isEmpty ? 0 : own[generator.nextInt(below: own.count)].1
            })
        }
        let matrix = try FeatureMatrix(rows: rows, schema: model.featureSchema)
        let expected = rows.map { model.oracleRawScore($0) }
        for threads in [1, 3] {
            #expect(try predictor.rawScores(matrix, threadCount: threads) == expected, "threads \(threads)")
        }
        for (row, score) in zip(rows, expected) {
            #expect(row.withUnsafeBufferPointer { predictor.rawScore($0) } == score)
        }
        // A leaf-wise model keeps the general walk.
        configuration.growthPolicy = .leafWise
        configuration.maximumDepth = nil
        #expect(try BoostedTreesPredictor(model: BoostedTrees(configuration: configuration).fit(data).model)
                    .forest.symmetric == nil)
    }

    /// Categorical questions in a symmetric forest: the table path reads the category bitsets and
    /// agrees with the model's walk for known, unseen, negative, fractional and missing codes.
    @Test("symmetric forests with categorical questions predict like the model")
    func tablePredictionWithCategories() throws {
        let matrix = SyntheticClassificationLike.make(rowCount: 3_000, seed: 8)
        var generator = SeededGenerator(seed: 8)
        let labels: [Float] = (0..<matrix.rowCount).map { r in
            let code = matrix[r, 2], x = matrix[r, 0]
            let p = (code == 1 || code == 3 ? 0.6 : 0.1) + (x > 0 ? 0.2 : 0)
            return generator.nextUnit() < p ? 1 : 0
        }
        var configuration = TreeTestData.smallConfiguration(iterations: 10)
        configuration.growthPolicy = .symmetric
        configuration.maximumDepth = 3
        let model = try BoostedTrees(configuration: configuration).fit(try Dataset(features: matrix, labels: labels)).model
        #expect(model.trees.contains { tree in tree.categoryWordCount.contains { $0 > 0 } }, "a categorical question")
        let predictor = BoostedTreesPredictor(model: model)
        #expect(predictor.forest.symmetric?.hasCategoricalQuestions == true)
        var rows = (0..<200).map { r in (0..<3).map { matrix[r, $0] } }
        for code: Float in [-1, 0, -0.0, 1, 2, 3, 4, 7, 2.5, 300, 3e9, -3e9, 63.9, 64, .nan, .infinity, -.infinity] {
            rows.append([0.3, .nan, code])
            rows.append([-2, 1, code])
        }
        let expected = rows.map { model.oracleRawScore($0) }
        let test = try FeatureMatrix(rows: rows, schema: model.featureSchema)
        for threads in [1, 2] { #expect(try predictor.rawScores(test, threadCount: threads) == expected) }
        for (row, score) in zip(rows, expected) {
            #expect(row.withUnsafeBufferPointer { predictor.rawScore($0) } == score, "row \(row)")
        }
    }

    @Test("symmetric depth is checked")
    func depthValidation() {
        var configuration = BoostedTreesConfiguration()
        configuration.growthPolicy = .symmetric
        configuration.maximumDepth = 17
        #expect(throws: RiskTreesError(.invalidParameter, "maximumDepth is 17; symmetric trees take 1...16 (a symmetric "
                                       + "tree of depth D has 2^D leaves). Lower maximumDepth or use leaf-wise growth.")) {
            try configuration.validate()
        }
    }

    /// Training AUC by pair counting (naive; small data).
    func rocAUCForTest(model: BoostedTreesModel, data: Dataset) throws -> Double {
        let scores = try model.rawScores(data.features, threadCount: 1)
        var wins = 0.0, pairs = 0.0
        for i in scores.indices where data.labels[i] == 1 {
            for j in scores.indices where data.labels[j] == 0 {
                pairs += 1
                wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0
            }
        }
        return wins / pairs
    }
}

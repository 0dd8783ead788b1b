extension RegressionTree {
    /// What `validatedShape(featureCount:limits:)` measured of a valid tree.
    package struct Shape: Sendable {
        /// Depth of the deepest leaf (root = 0).
        package var depth: Int
        /// Σ over categorical splits of their bitset length in words.
        package var referencedCategoryWords: Int
        /// Largest |value| of a leaf.
        package var largestLeafMagnitude: Double
    }

    /// Checks every structural invariant of the tree and the per-tree bounds of `limits`.
    ///
    /// Checked: every per-node array has one entry per node; there is a root; at most
    /// `limits.maximumNodesPerTree` nodes and `limits.maximumCategoryWordCount` category words; a
    /// node has both children or none (a leaf has −1/−1); child indices lie in `1..<nodeCount`;
    /// every node is reached exactly once from the root (no cycles, no shared or orphan nodes) and
    /// lies at most `limits.maximumDepth` levels deep; split features lie in `0..<featureCount`;
    /// numeric thresholds, values and covers are finite (covers ≥ 0); categorical bitsets lie
    /// inside `categoryWords` and have at most `limits.maximumCategoryWordsPerSplit` words.
    ///
    /// - Parameters:
    ///   - featureCount: Number of features of the rows the tree will see.
    ///   - limits: The size bounds (default `ModelLimits.standard`).
    /// - Throws: `RiskTreesError` `.invalidModel` naming the node and the broken rule or limit.
    /// - Complexity: O(nodes), iterative (no recursion), allocating only after the node count is checked.
    public func validate(featureCount: Int, limits: ModelLimits = .standard) throws {
        _ = try validatedShape(featureCount: featureCount, limits: limits)
    }

    /// `validate(featureCount:limits:)`, returning what it measured.
    package func validatedShape(featureCount: Int, limits: ModelLimits) throws -> Shape {
        let n = leftChild.count
        let lengths: [(String, Int)] = [
            ("rightChild", rightChild.count), ("splitFeature", splitFeature.count), ("threshold", threshold.count),
            ("binThreshold", binThreshold.count), ("missingGoesLeft", missingGoesLeft.count),
            ("categoryStart", categoryStart.count), ("categoryWordCount", categoryWordCount.count),
            ("value", value.count), ("cover", cover.count), ("gain", gain.count),
        ]
        for (name, count) in lengths where count != n {
            throw Self.invalid("tree has \(n) entries in leftChild but \(count) in \(name); "
                               + "every per-node array needs one entry per node.")
        }
        guard n > 0 else { throw Self.invalid("tree has no nodes; a tree needs at least a root leaf.") }
        guard n <= limits.maximumNodesPerTree else {
            throw Self.invalid("tree has \(n) nodes, over the limit of \(limits.maximumNodesPerTree) nodes per tree "
                               + "(ModelLimits.maximumNodesPerTree). Retrain with a smaller maximumLeafCount.")
        }
        guard categoryWords.count <= limits.maximumCategoryWordCount else {
            throw Self.invalid("categoryWords has \(categoryWords.count) words, over the limit of "
                               + "\(limits.maximumCategoryWordCount) (ModelLimits.maximumCategoryWordCount).")
        }
        var shape = Shape(depth: 0, referencedCategoryWords: 0, largestLeafMagnitude: 0)
        for i in 0..<n {
            let left = Int(leftChild[i]), right = Int(rightChild[i])
            guard value[i].isFinite else {
                throw Self.invalid("node \(i): value is \(value[i]); expected a finite number.")
            }
            guard cover[i].isFinite, cover[i] >= 0 else {
                throw Self.invalid("node \(i): cover is \(cover[i]); expected a finite number ≥ 0.")
            }
            if left == -1 || right == -1 {
                guard left == right else {
                    throw Self.invalid("node \(i): leftChild is \(left) but rightChild is \(right); "
                                       + "a node has both children or none (−1 and −1 for a leaf).")
                }
                shape.largestLeafMagnitude = max(shape.largestLeafMagnitude, abs(value[i]))
                continue
            }
            for (side, child) in [("leftChild", left), ("rightChild", right)] where !(1..<n).contains(child) {
                throw Self.invalid("node \(i): \(side) is \(child); expected −1 for a leaf or a node index "
                                   + "in 1..<\(n).")
            }
            let feature = Int(splitFeature[i])
            guard (0..<featureCount).contains(feature) else {
                throw Self.invalid("node \(i): splitFeature is \(feature); expected a feature index in "
                                   + "0..<\(featureCount).")
            }
            let start = Int(categoryStart[i]), words = Int(categoryWordCount[i])
            if words == 0 {
                guard threshold[i].isFinite else {
                    throw Self.invalid("node \(i): threshold is \(threshold[i]); expected a finite number.")
                }
            } else {
                guard words > 0, start >= 0, start + words <= categoryWords.count else {
                    throw Self.invalid("node \(i): category bitset \(start)..<\(start + words) is outside "
                                       + "categoryWords (\(categoryWords.count) words).")
                }
                guard words <= limits.maximumCategoryWordsPerSplit else {
                    throw Self.invalid("node \(i): categoryWordCount is \(words), over the limit of "
                                       + "\(limits.maximumCategoryWordsPerSplit) words per split "
                                       + "(ModelLimits.maximumCategoryWordsPerSplit, category codes below "
                                       + "\(limits.maximumCategoryWordsPerSplit * 64)).")
                }
                shape.referencedCategoryWords += words
            }
        }
        // Every node reached exactly once from the root, none deeper than the limit.
        var reached = [Bool](repeating: false, count: n)
        reached[0] = true
        var stack: [(node: Int32, depth: Int32)] = [(0, 0)]
        while let (node, depth) = stack.popLast() {
            shape.depth = max(shape.depth, Int(depth))
            guard leftChild[Int(node)] >= 0 else { continue }
            for child in [leftChild[Int(node)], rightChild[Int(node)]] {
                guard !reached[Int(child)] else {
                    throw Self.invalid("node \(child) is reached twice (again from node \(node)); "
                                       + "a tree has no cycles or shared children.")
                }
                guard Int(depth) < limits.maximumDepth else {
                    throw Self.invalid("node \(child) is \(depth + 1) levels deep, over the limit of "
                                       + "\(limits.maximumDepth) (ModelLimits.maximumDepth). Retrain with a smaller "
                                       + "maximumDepth.")
                }
                reached[Int(child)] = true
                stack.append((child, depth + 1))
            }
        }
        if let orphan = reached.firstIndex(of: false) {
            throw Self.invalid("node \(orphan) is not reachable from the root.")
        }
        return shape
    }

    private static func invalid(_ message: String) -> RiskTreesError { RiskTreesError(.invalidModel, message) }

    /// Depth of the deepest leaf (root = 0). O(nodes).
    public var depth: Int {
        var best = 0
        var stack = [(0, 0)]
        while let (node, d) = stack.popLast() {
            best = max(best, d)
            if leftChild[node] >= 0 {
                stack.append((Int(leftChild[node]), d + 1))
                stack.append((Int(rightChild[node]), d + 1))
            }
        }
        return best
    }
}

extension BoostedTreesModel {
    /// Checks the base score, the model-wide limits and every tree against the feature schema.
    ///
    /// Model-wide, before any tree is walked: a finite base score; at least one tree (an empty forest
    /// would score every declaration the same); at most `limits.maximumTreeCount` trees,
    /// `limits.maximumTotalNodeCount` nodes, `limits.maximumFeatureCount` features and
    /// `limits.maximumCategoryWordCount` category words stored. Then every tree
    /// (`RegressionTree.validate(featureCount:limits:)`), the category words referenced by all
    /// splits, and `|baseScore| + Σ_trees max |leaf|` ≤ `limits.maximumRawScoreMagnitude`, so every
    /// raw score the model can give is finite.
    ///
    /// - Parameter limits: The size bounds (default `ModelLimits.standard`).
    /// - Returns: The model, marked as validated: what `BoostedTreesPredictor` and `TreeExplainer` are built from.
    /// - Throws: `RiskTreesError` `.invalidModel`; for a broken tree the message starts with `tree <index>: `.
    /// - Complexity: O(total nodes), iterative; allocates O(nodes of one tree) after the sizes are checked.
    public func validated(limits: ModelLimits = .standard) throws -> ValidatedBoostedTreesModel {
        func invalid(_ message: String) -> RiskTreesError { RiskTreesError(.invalidModel, message) }
        guard baseScore.isFinite else {
            throw invalid("baseScore is \(baseScore); expected a finite number.")
        }
        guard !trees.isEmpty else {
            throw invalid("the model has no trees; expected at least one (a model without trees scores every row the "
                          + "same). Retrain.")
        }
        guard trees.count <= limits.maximumTreeCount else {
            throw invalid("the model has \(trees.count) trees, over the limit of \(limits.maximumTreeCount) "
                          + "(ModelLimits.maximumTreeCount).")
        }
        guard featureCount <= limits.maximumFeatureCount else {
            throw invalid("the model reads \(featureCount) features, over the limit of \(limits.maximumFeatureCount) "
                          + "(ModelLimits.maximumFeatureCount).")
        }
        var nodeCount = 0, storedWords = 0
        for tree in trees {
            nodeCount += tree.leftChild.count
            storedWords += tree.categoryWords.count
        }
        guard nodeCount <= limits.maximumTotalNodeCount else {
            throw invalid("the trees have \(nodeCount) nodes in total, over the limit of "
                          + "\(limits.maximumTotalNodeCount) (ModelLimits.maximumTotalNodeCount).")
        }
        guard storedWords <= limits.maximumCategoryWordCount else {
            throw invalid("the trees store \(storedWords) category words in total, over the limit of "
                          + "\(limits.maximumCategoryWordCount) (ModelLimits.maximumCategoryWordCount).")
        }
        var referencedWords = 0, magnitude = abs(baseScore), deepest = 0
        for (index, tree) in trees.enumerated() {
            let shape: RegressionTree.Shape
            do {
                shape = try tree.validatedShape(featureCount: featureCount, limits: limits)
            } catch let error as RiskTreesError {
                throw RiskTreesError(error.code, "tree \(index): \(error.message)")
            }
            referencedWords += shape.referencedCategoryWords
            guard referencedWords <= limits.maximumCategoryWordCount else {
                throw invalid("the categorical splits of trees 0...\(index) reference \(referencedWords) category "
                              + "words (a shared bitset counts once per split), over the limit of "
                              + "\(limits.maximumCategoryWordCount) (ModelLimits.maximumCategoryWordCount).")
            }
            magnitude += shape.largestLeafMagnitude
            deepest = max(deepest, shape.depth)
        }
        guard magnitude <= limits.maximumRawScoreMagnitude else {
            throw invalid("|baseScore| plus the largest |leaf value| of every tree is \(magnitude), over the limit of "
                          + "\(limits.maximumRawScoreMagnitude) (ModelLimits.maximumRawScoreMagnitude); raw scores "
                          + "could overflow.")
        }
        return ValidatedBoostedTreesModel(model: self, limits: limits, maximumDepth: deepest)
    }

    /// `validated(limits:)` without keeping the result.
    ///
    /// - Throws: `RiskTreesError` `.invalidModel` (see `validated(limits:)`).
    public func validate(limits: ModelLimits = .standard) throws {
        _ = try validated(limits: limits)
    }
}

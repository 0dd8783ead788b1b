extension RegressionTree {
    /// What the validation measured of a valid tree.
    package struct Shape: Sendable, Hashable {
        /// Depth of the deepest leaf (root = 0).
        package var depth = 0
        /// Σ over categorical splits of their bitset length in words.
        package var referencedCategoryWords = 0
        /// Longest bitset of one categorical split, in words.
        package var widestBitset = 0
        /// Largest |value| of a leaf.
        package var largestLeafMagnitude = 0.0
    }

    /// Checks every structural invariant of the tree and the per-tree bounds of `limits`, and
    /// measures its shape. Run by every initialiser: a `RegressionTree` value is valid.
    ///
    /// Checked: every per-node array has one entry per node; there is a root; at most
    /// `limits.maximumNodesPerTree` nodes and `limits.maximumCategoryWordCount` category words; a
    /// node has both children or none (a leaf has −1/−1); child indices lie in `1..<nodeCount`;
    /// every node is reached exactly once from the root (no cycles, no shared or orphan nodes) and
    /// lies at most `limits.maximumDepth` levels deep; numeric thresholds, values and covers are
    /// finite (covers ≥ 0); categorical bitsets lie inside `categoryWords` and have at most
    /// `limits.maximumCategoryWordsPerSplit` words. Split features are checked by `BoostedTreesModel`
    /// against its feature count.
    ///
    /// - Throws: `RiskTreesError` `.invalidModel` naming the node and the broken rule or limit.
    /// - Complexity: O(nodes), iterative (no recursion), allocating only after the node count is checked.
    func measuredShape(limits: ModelLimits) throws -> Shape {
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
        guard n <= limits.maximumNodesPerTree else { throw Self.tooManyNodes(n, limits: limits) }
        guard categoryWords.count <= limits.maximumCategoryWordCount else {
            throw Self.invalid("categoryWords has \(categoryWords.count) words, over the limit of "
                               + "\(limits.maximumCategoryWordCount) (ModelLimits.maximumCategoryWordCount).")
        }
        var shape = Shape()
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
                    throw Self.invalid("node \(i): categoryWordCount is \(words), " + Self.overBitsetLimit(limits))
                }
                shape.referencedCategoryWords += words
                shape.widestBitset = max(shape.widestBitset, words)
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
                    throw Self.invalid("node \(child) is \(depth + 1) levels deep, " + Self.overDepthLimit(limits))
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

    static func invalid(_ message: String) -> RiskTreesError { RiskTreesError(.invalidModel, message) }

    static func tooManyNodes(_ count: Int, limits: ModelLimits) -> RiskTreesError {
        invalid("tree has \(count) nodes, over the limit of \(limits.maximumNodesPerTree) nodes per tree "
                + "(ModelLimits.maximumNodesPerTree). Retrain with a smaller maximumLeafCount.")
    }

    static func overDepthLimit(_ limits: ModelLimits) -> String {
        "over the limit of \(limits.maximumDepth) (ModelLimits.maximumDepth). Retrain with a smaller maximumDepth."
    }

    static func overBitsetLimit(_ limits: ModelLimits) -> String {
        "over the limit of \(limits.maximumCategoryWordsPerSplit) words per split (ModelLimits.maximumCategoryWordsPerSplit, "
            + "category codes below \(limits.maximumCategoryWordsPerSplit * 64))."
    }
}

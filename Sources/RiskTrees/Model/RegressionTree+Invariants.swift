extension RegressionTree {
    /// Checks every structural invariant of the tree.
    ///
    /// Checked: every per-node array has one entry per node; there is a root; a node has both
    /// children or none (a leaf has −1/−1); child indices lie in `1..<nodeCount`; every node is
    /// reached exactly once from the root (no cycles, no shared or orphan nodes); split features lie
    /// in `0..<featureCount`; numeric thresholds, values and covers are finite (covers ≥ 0);
    /// categorical bitsets lie inside `categoryWords`.
    ///
    /// - Parameter featureCount: Number of features of the rows the tree will see.
    /// - Throws: `RiskTreesError` `.invalidModel` naming the node and the broken rule.
    /// - Complexity: O(nodes).
    public func validate(featureCount: Int) throws {
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
            }
        }
        // Every node reached exactly once from the root.
        var reached = [Bool](repeating: false, count: n)
        reached[0] = true
        var stack = [0]
        while let node = stack.popLast() {
            guard leftChild[node] >= 0 else { continue }
            for child in [Int(leftChild[node]), Int(rightChild[node])] {
                guard !reached[child] else {
                    throw Self.invalid("node \(child) is reached twice (again from node \(node)); "
                                       + "a tree has no cycles or shared children.")
                }
                reached[child] = true
                stack.append(child)
            }
        }
        if let orphan = reached.firstIndex(of: false) {
            throw Self.invalid("node \(orphan) is not reachable from the root.")
        }
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
    /// Checks the base score and every tree against the feature schema.
    ///
    /// - Throws: `RiskTreesError` `.invalidModel` whose message starts with `tree <index>: ` for a
    ///   broken tree.
    /// - Complexity: O(total nodes).
    public func validate() throws {
        guard baseScore.isFinite else {
            throw RiskTreesError(.invalidModel, "baseScore is \(baseScore); expected a finite number.")
        }
        for (index, tree) in trees.enumerated() {
            do {
                try tree.validate(featureCount: featureCount)
            } catch let error as RiskTreesError {
                throw RiskTreesError(error.code, "tree \(index): \(error.message)")
            }
        }
    }
}

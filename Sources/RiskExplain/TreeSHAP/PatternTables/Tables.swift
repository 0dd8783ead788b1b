import RiskData
import RiskTrees

// Tabulated exact TreeSHAP for trees that ask few distinct questions.
//
// Path-dependent TreeSHAP reads the row only through the branch it takes at each node. A tree
// whose internal nodes ask only P distinct questions (feature, threshold or category set, missing
// direction) therefore has contributions that depend on P yes/no answers alone: a symmetric
// (oblivious) tree of depth D has P ≤ D, whatever its 2^D leaves. For such a tree the explainer
// computes, once per model, the contributions for every answer pattern a row can actually produce
// (with the same kernel, on a representative row for the pattern) and stores them in a table indexed
// by the P-bit answer mask. Explaining a row then costs P comparisons and one table row of additions
// per tree — about what predicting it costs. The values are those the kernel gives for the row
// itself, bit for bit: the kernel on the representative row takes the same branches, so it performs
// the same floating-point operations.
//
// The idea of precomputing the row-independent part of TreeSHAP per tree is Yang (2021),
// "Fast TreeSHAP" (v2 tabulates per leaf over subsets of its path features); tabulating whole trees
// by answer pattern is ours, and pays only for trees with few distinct questions.

/// Per-tree tables of exact TreeSHAP contributions indexed by the row's answer pattern.
package struct ShapTables: Sendable {
    /// One tabulated tree.
    package struct Table: Sendable {
        /// Start of the tree's questions in `questionNodes`.
        var questionStart: Int32
        /// Number of distinct questions P (the mask has P bits).
        var questionCount: Int32
        /// Start of the tree's split features in `features`.
        var featureStart: Int32
        /// Number of distinct split features m (values per table row).
        var featureCount: Int32
        /// Start of row 0 of the table in `entries` (2^P rows of m values).
        var entryStart: Int
        /// Start of the tree's 2^P "pattern occurs" flags in `filled`.
        var maskStart: Int
        /// Every question numeric: the lookup then skips the categorical test (measured: a third
        /// of the lookup time on 200 symmetric trees).
        var isNumeric: Bool
        /// Every one of the 2^P patterns occurs (then a block of rows needs no `filled` check).
        var isComplete: Bool = false
    }

    /// Most distinct questions a tabulated tree may ask (tables of 2^10 rows).
    package static let maximumQuestions = 10
    /// Most answer patterns a row can produce in a tabulated tree (kernel runs at build time).
    package static let maximumPatterns = 1_024
    /// Largest total size of all tables: 64 MiB.
    package static let byteBudget = 64 << 20

    /// Per tree: index in `tables`, or -1 when the tree is explained by the kernel.
    package let tableOfTree: [Int32]
    package internal(set) var tables: [Table]
    /// Each table's questions, in mask-bit order.
    package let questions: [TreeQuestion]
    /// Each table's split features, increasing.
    package let features: [Int32]
    /// Contributions, 2^P rows of m values per table.
    package let entries: [Double]
    /// The leaf value a row with each answer pattern reaches (2^P per table, beside `filled`).
    package let leafValues: [Double]
    /// Whether a row can produce each answer pattern (rows that cannot are never read; a lookup of
    /// an unfilled pattern falls back to the kernel).
    package internal(set) var filled: [Bool]

    /// Features some table asks a categorical question about, increasing: a block of rows converts
    /// their values to integer codes once (`TreeExplainer.explainBlock`).
    package let codedFeatures: [Int32]
    /// Per feature: its index in `codedFeatures`, or -1.
    package let codeSlotOfFeature: [Int32]

    /// Number of trees that are tabulated.
    package var tabulatedTreeCount: Int { tables.count }

    /// Bytes the tables hold.
    package var byteCount: Int { (entries.count + leafValues.count) * 8 + filled.count + questions.count * MemoryLayout<TreeQuestion>.stride + features.count * 4 }

    /// Tabulates every tree of `explainer` that asks at most `maximumQuestions` distinct questions
    /// whose answer patterns number at most `maximumPatterns`, within `byteBudget`.
    ///
    /// - Complexity: O(Σ tabulated patterns × cost of explaining one row on one tree).
    init(explainer: TreeExplainer) {
        let forest = explainer.forest
        var tableOfTree = [Int32](repeating: -1, count: forest.roots.count)
        var tables: [Table] = []
        var questions: [TreeQuestion] = []
        var features: [Int32] = []
        var entries: [Double] = []
        var filled: [Bool] = []
        var leafValues: [Double] = []
        let featureCount = explainer.featureCount
        var row = [Float](repeating: 0, count: max(featureCount, 1))
        var phi = [Double](repeating: 0, count: max(featureCount, 1))
        withUnsafeTemporaryAllocation(byteCount: max(explainer.workspaceByteCount, 64), alignment: 64) { workspace in
            for (tree, root) in forest.roots.enumerated() {
                guard let shape = Self.shape(of: tree, root: Int(root), explainer: explainer) else { continue }
                let p = shape.questions.count, m = shape.features.count
                let bytes = (1 << p) * (m * 8 + 9)
                guard (entries.count + leafValues.count) * 8 + filled.count + bytes <= Self.byteBudget else { continue }
                tableOfTree[tree] = Int32(tables.count)
                tables.append(Table(questionStart: Int32(questions.count), questionCount: Int32(p),
                                    featureStart: Int32(features.count), featureCount: Int32(m),
                                    entryStart: entries.count, maskStart: filled.count,
                                    isNumeric: shape.routing.allSatisfy { $0.categoryWordCount == 0 }))
                questions += shape.routing
                features += shape.features.map { Int32($0) }
                let entryStart = entries.count, maskStart = filled.count
                entries += repeatElement(0, count: (1 << p) * m)
                filled += repeatElement(false, count: 1 << p)
                leafValues += repeatElement(0, count: 1 << p)
                // Every combination of the features' answer classes, in mixed radix.
                let radices = shape.classes.map(\.count)
                let total = radices.reduce(1, *)
                for combination in 0..<total {
                    var rest = combination
                    var mask = 0
                    for (k, classes) in shape.classes.enumerated() {
                        let choice = classes[rest % radices[k]]
                        rest /= radices[k]
                        row[shape.features[k]] = choice.value
                        mask |= choice.pattern
                    }
                    for f in shape.features { phi[f] = 0 }
                    row.withUnsafeBufferPointer { r in
                        phi.withUnsafeMutableBufferPointer { out in
                            explainer.accumulateTree(tree, row: r.baseAddress!, phi: out.baseAddress!,
                                                     workspace: workspace.baseAddress!)
                        }
                    }
                    for (k, f) in shape.features.enumerated() { entries[entryStart + mask * m + k] = phi[f] }
                    filled[maskStart + mask] = true
                    leafValues[maskStart + mask] = row.withUnsafeBufferPointer {
                        forest.leafValue(tree: tree, row: $0.baseAddress!)
                    }
                }
                tables[tables.count - 1].isComplete = !filled[maskStart...].contains(false)
            }
        }
        self.tableOfTree = tableOfTree
        self.tables = tables
        self.questions = questions
        self.features = features
        self.entries = entries
        self.filled = filled
        self.leafValues = leafValues
        let coded = Set(questions.filter { $0.categoryWordCount > 0 }.map(\.feature)).sorted()
        var slots = [Int32](repeating: -1, count: featureCount)
        for (slot, feature) in coded.enumerated() { slots[Int(feature)] = Int32(slot) }
        self.codedFeatures = coded
        self.codeSlotOfFeature = slots
    }

    /// One value of a feature and the answers (bits of the tree's question mask) it gives.
    struct AnswerClass {
        var value: Float
        var pattern: Int
    }

    /// The tree's distinct questions (a representative node each), its split features (increasing)
    /// and, per feature, its answer classes; nil when the tree is not worth tabulating.
    static func shape(of tree: Int, root: Int, explainer: TreeExplainer)
        -> (questions: [Int], routing: [TreeQuestion], features: [Int], classes: [[AnswerClass]])? {
        let forest = explainer.forest, nodes = forest.nodes
        // Internal nodes of the tree (depth-first from the root, left first; trees are acyclic).
        var splits: [Int] = []
        var stack = [root]
        while let node = stack.popLast() {
            let n = nodes[node]
            guard !n.isLeaf else { continue }
            splits.append(node)
            if splits.count > 4_096 { return nil }
            stack.append(Int(n.leftChild) + 1)
            stack.append(Int(n.leftChild))
        }
        var questions: [Int] = []
        for node in splits where !questions.contains(where: { sameQuestion($0, node, forest) }) {
            questions.append(node)
            if questions.count > maximumQuestions { return nil }
        }
        // The compact form the lookup reads; a numeric question with a non-finite threshold has none
        // (its NaN could not be compared as ±∞) and keeps the tree on the kernel.
        let routing = questions.compactMap { node -> TreeQuestion? in
            let n = nodes[node]
            return TreeQuestion(feature: Int32(n.feature), threshold: n.threshold, missingGoesLeft: n.missingGoesLeft,
                                categoryStart: forest.categoryStart[node],
                                categoryWordCount: forest.categoryWordCount[node])
        }
        guard routing.count == questions.count else { return nil }
        let features = Array(Set(questions.map { Int(nodes[$0].feature) })).sorted()
        var classes: [[AnswerClass]] = []
        var patternCount = 1
        for feature in features {
            let asked = questions.enumerated().filter { Int(nodes[$0.element].feature) == feature }
            let categorical = asked.filter { nodes[$0.element].isCategorical }
            var candidates: [Float]
            if categorical.isEmpty {
                // Numeric: one value per interval between the thresholds, and NaN.
                let thresholds = Array(Set(asked.map { nodes[$0.element].threshold })).sorted()
                candidates = thresholds + [thresholds.last!.nextUp, .nan]
            } else if categorical.count == asked.count {
                // Categorical: every code a bitset names, a code none names (-1), and NaN.
                let words = categorical.map { Int(forest.categoryWordCount[$0.element]) }.max()!
                candidates = (0..<(words * 64)).map(Float.init) + [-1, .nan]
            } else {
                return nil
            }
            var seen: [AnswerClass] = []
            for value in candidates {
                var pattern = 0
                forest.withLayout { layout in
                    for (bit, node) in asked where layout.goesLeft(node, nodes[node], value) { pattern |= 1 << bit }
                }
                if !seen.contains(where: { $0.pattern == pattern }) { seen.append(AnswerClass(value: value, pattern: pattern)) }
            }
            classes.append(seen)
            patternCount *= seen.count
            if patternCount > maximumPatterns { return nil }
        }
        return (questions, routing, features, classes)
    }

    /// Whether two internal nodes send every row the same way.
    static func sameQuestion(_ a: Int, _ b: Int, _ forest: CompiledForest) -> Bool {
        let x = forest.nodes[a], y = forest.nodes[b], words = Int(forest.categoryWordCount[a])
        guard x.feature == y.feature, x.missingGoesLeft == y.missingGoesLeft,
              words == Int(forest.categoryWordCount[b]) else { return false }
        if words == 0 { return x.threshold == y.threshold }
        let xStart = Int(forest.categoryStart[a]), yStart = Int(forest.categoryStart[b])
        for k in 0..<words where forest.categoryWords[xStart + k] != forest.categoryWords[yStart + k] {
            return false
        }
        return true
    }
}

extension TreeExplainer {
    /// A copy whose table of `tree` says that no row produces answer pattern `mask`, so that rows
    /// with that pattern go through the kernel (tests reach that fallback with it).
    func forgettingPattern(_ mask: Int, ofTree tree: Int) -> TreeExplainer {
        var copy = self
        guard var tables = copy.tables, tables.tableOfTree[tree] >= 0 else { return copy }
        let index = Int(tables.tableOfTree[tree])
        tables.filled[tables.tables[index].maskStart + mask] = false
        tables.tables[index].isComplete = false
        copy.tables = tables
        return copy
    }

    /// Whether every tree is tabulated, so that blocks of rows can be explained tree by tree.
    package var isFullyTabulated: Bool { !treeAlgorithms.contains { $0 != .patternTable } }
}

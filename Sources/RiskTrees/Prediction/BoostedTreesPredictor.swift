import RiskData

/// A trained model laid out for fast scoring: every node of every tree in one flat array of
/// 12-byte records, the two children of a node adjacent (right = left + 1) so the step to a child is
/// an addition, and numeric routing branch-free (`x <= threshold`, NaN → the stored direction).
/// Categorical bitsets and leaf values live in side arrays. (The layout follows the spirit of
/// LightGBM's and Treelite's array predictors.)
///
/// Immutable and `Sendable`: share one predictor across threads. Predictions are bit-identical to
/// `BoostedTreesModel.rawScore(_:)` (same routing, same summation order: base score, then trees
/// in order).
public struct BoostedTreesPredictor: Sendable {
    @usableFromInline
    struct Node: Sendable {
        @usableFromInline var threshold: Float
        /// Index of the left child; the right child is `leftChild + 1`. For categorical nodes this
        /// is also the key of `categorySlices`.
        @usableFromInline var leftChild: Int32
        @usableFromInline var feature: UInt16
        /// Bit 0: missing goes left; bit 1: categorical split; bit 2: leaf; bits 3 and 4: left / right
        /// child is a leaf.
        @usableFromInline var flags: UInt8
    }

    @usableFromInline static let missingLeftFlag: UInt8 = 1
    @usableFromInline static let categoricalFlag: UInt8 = 2
    @usableFromInline static let leafFlag: UInt8 = 4
    /// Set on an internal node whose left child is a leaf (bit 3) / whose right child is a leaf (bit 4):
    /// the batch walk learns that a row is done from the node it is leaving, without loading the child.
    @usableFromInline static let leftChildIsLeafShift: UInt8 = 3
    @usableFromInline static let rightChildIsLeafShift: UInt8 = 4

    @usableFromInline let nodes: [Node]
    /// Leaf value of node `i` (0 for internal nodes).
    @usableFromInline let values: [Double]
    /// Per node: start of its bitset in `categoryWords` and word count (0 for numeric nodes).
    @usableFromInline let categoryStart: [Int32]
    @usableFromInline let categoryWordCount: [Int32]
    @usableFromInline let categoryWords: [UInt64]
    /// Root node of each tree.
    @usableFromInline let roots: [Int32]
    /// Every tree as a lookup table when all are symmetric (see `SymmetricForest`); nil otherwise.
    @usableFromInline let symmetric: SymmetricForest?
    public let baseScore: Double
    public let objective: ObjectiveKind
    public let featureCount: Int

    /// Lays out a model (valid by construction: see `BoostedTreesModel`). Each tree's category words
    /// are copied once and its categorical nodes point into them, so the layout holds at most the
    /// model's own words however many nodes share a bitset.
    ///
    /// - Complexity: O(total nodes + category words).
    public init(model: BoostedTreesModel) {
        var nodes: [Node] = [], values: [Double] = [], starts: [Int32] = [], counts: [Int32] = []
        var words: [UInt64] = [], roots: [Int32] = []
        let nodeCount = model.trees.reduce(0) { $0 + $1.nodeCount }
        nodes.reserveCapacity(nodeCount)
        values.reserveCapacity(nodeCount)
        starts.reserveCapacity(nodeCount)
        counts.reserveCapacity(nodeCount)
        for tree in model.trees {
            let wordBase = words.count
            words.append(contentsOf: tree.categoryWords)
            // Breadth-first, appending both children of a node together.
            let root = Int32(nodes.count)
            roots.append(root)
            var queue: [(treeNode: Int, flat: Int)] = [(0, nodes.count)]
            nodes.append(Node(threshold: 0, leftChild: 0, feature: 0, flags: 0))
            values.append(0); starts.append(0); counts.append(0)
            var head = 0
            while head < queue.count {
                let (t, f) = queue[head]
                head += 1
                if tree.isLeaf(t) {
                    // A leaf routes every value, NaN included, "left" to itself (a fixed point), so a walk
                    // that oversteps a leaf stays on it; the batch walk stops at leaves by the parent's
                    // child-is-leaf flags and never steps from one.
                    nodes[f] = Node(threshold: .infinity, leftChild: Int32(f), feature: 0,
                                    flags: Self.leafFlag | Self.missingLeftFlag)
                    values[f] = tree.value[t]
                    continue
                }
                let left = nodes.count
                for _ in 0..<2 {
                    nodes.append(Node(threshold: 0, leftChild: 0, feature: 0, flags: 0))
                    values.append(0); starts.append(0); counts.append(0)
                }
                var flags: UInt8 = tree.missingGoesLeft[t] ? Self.missingLeftFlag : 0
                if tree.isLeaf(Int(tree.leftChild[t])) { flags |= 1 << Self.leftChildIsLeafShift }
                if tree.isLeaf(Int(tree.rightChild[t])) { flags |= 1 << Self.rightChildIsLeafShift }
                if tree.isCategoricalSplit(t) {
                    flags |= Self.categoricalFlag
                    starts[f] = Int32(wordBase + Int(tree.categoryStart[t]))
                    counts[f] = tree.categoryWordCount[t]
                }
                nodes[f] = Node(threshold: tree.threshold[t], leftChild: Int32(left),
                                feature: UInt16(tree.splitFeature[t]), flags: flags)
                queue.append((Int(tree.leftChild[t]), left))
                queue.append((Int(tree.rightChild[t]), left + 1))
            }
        }
        self.nodes = nodes
        self.values = values
        self.categoryStart = starts
        self.categoryWordCount = counts
        self.categoryWords = words
        self.roots = roots
        self.symmetric = SymmetricForest(model: model)
        self.baseScore = model.baseScore
        self.objective = model.objective
        self.featureCount = model.featureCount
    }

    /// Pointers to the flat arrays, taken once per call.
    @usableFromInline
    struct Layout {
        @usableFromInline let nodes: UnsafePointer<Node>
        @usableFromInline let values: UnsafePointer<Double>
        @usableFromInline let categoryStart: UnsafePointer<Int32>
        @usableFromInline let categoryWordCount: UnsafePointer<Int32>
        @usableFromInline let categoryWords: UnsafePointer<UInt64>?

        @inlinable
        init(nodes: UnsafePointer<Node>, values: UnsafePointer<Double>, categoryStart: UnsafePointer<Int32>,
             categoryWordCount: UnsafePointer<Int32>, categoryWords: UnsafePointer<UInt64>?) {
            self.nodes = nodes
            self.values = values
            self.categoryStart = categoryStart
            self.categoryWordCount = categoryWordCount
            self.categoryWords = categoryWords
        }

        /// The leaf value reached from `root` by `row`.
        @inlinable @inline(__always)
        func leafValue(root: Int32, row: UnsafePointer<Float>) -> Double {
            var i = Int(root)
            while true {
                let node = nodes[i]
                if node.flags & BoostedTreesPredictor.leafFlag != 0 { return values[i] }
                let x = row[Int(node.feature)]
                var goRight: Bool
                if node.flags & BoostedTreesPredictor.categoricalFlag == 0 {
                    // NaN: `x <= threshold` is false, so NaN goes right unless missing goes left.
                    goRight = !(x <= node.threshold)
                        && !(x.isNaN && node.flags & BoostedTreesPredictor.missingLeftFlag != 0)
                } else {
                    goRight = !categoryGoesLeft(node: i, flags: node.flags, x: x)
                }
                i = Int(node.leftChild) &+ (goRight ? 1 : 0)
            }
        }

        @inlinable
        func categoryGoesLeft(node: Int, flags: UInt8, x: Float) -> Bool {
            if x.isNaN { return flags & BoostedTreesPredictor.missingLeftFlag != 0 }
            return categorySetContains(x, start: Int(categoryStart[node]), wordCount: Int(categoryWordCount[node]),
                                       words: categoryWords!)
        }
    }

    @inlinable
    func withLayout<R>(_ body: (Layout) throws -> R) rethrows -> R {
        try nodes.withUnsafeBufferPointer { n in
            try values.withUnsafeBufferPointer { v in
                try categoryStart.withUnsafeBufferPointer { s in
                    try categoryWordCount.withUnsafeBufferPointer { c in
                        try categoryWords.withUnsafeBufferPointer { w in
                            try body(Layout(nodes: n.baseAddress!, values: v.baseAddress!,
                                            categoryStart: s.baseAddress!,
                                            categoryWordCount: c.baseAddress!, categoryWords: w.baseAddress))
                        }
                    }
                }
            }
        }
    }

    /// The raw score (log-odds for `.logistic`) of one row of `featureCount` values. Allocation-free.
    ///
    /// - Precondition: `row.count >= featureCount`.
    /// - Complexity: O(trees × depth).
    @inlinable
    public func rawScore(_ row: UnsafeBufferPointer<Float>) -> Double {
        precondition(row.count >= featureCount, "row has \(row.count) values; the model needs \(featureCount)")
        if let symmetric { return symmetric.rawScore(baseScore: baseScore, row: row.baseAddress!) }
        return withLayout { layout in
            var sum = baseScore
            for root in roots { sum += layout.leafValue(root: root, row: row.baseAddress!) }
            return sum
        }
    }

    /// The probability (logistic) or prediction (squared error) of one row. Allocation-free.
    @inlinable
    public func prediction(_ row: UnsafeBufferPointer<Float>) -> Double {
        let raw = rawScore(row)
        return objective == .logistic ? 1 / (1 + _exponential(-raw)) : raw
    }
}

#if canImport(Glibc)
import Glibc
@usableFromInline func _exponential(_ x: Double) -> Double { Glibc.exp(x) }
@usableFromInline func _logarithmOnePlus(_ x: Double) -> Double { Glibc.log1p(x) }
@usableFromInline func _logarithm(_ x: Double) -> Double { Glibc.log(x) }
#else
import Foundation
@usableFromInline func _exponential(_ x: Double) -> Double { Foundation.exp(x) }
@usableFromInline func _logarithmOnePlus(_ x: Double) -> Double { Foundation.log1p(x) }
@usableFromInline func _logarithm(_ x: Double) -> Double { Foundation.log(x) }
#endif

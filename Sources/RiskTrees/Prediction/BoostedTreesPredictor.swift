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
        /// Bit 0: missing goes left; bit 1: categorical split; bit 2: leaf.
        @usableFromInline var flags: UInt8
    }

    @usableFromInline static let missingLeftFlag: UInt8 = 1
    @usableFromInline static let categoricalFlag: UInt8 = 2
    @usableFromInline static let leafFlag: UInt8 = 4

    @usableFromInline let nodes: [Node]
    /// Leaf value of node `i` (0 for internal nodes).
    @usableFromInline let values: [Double]
    /// Per node: start of its bitset in `categoryWords` and word count (0 for numeric nodes).
    @usableFromInline let categoryStart: [Int32]
    @usableFromInline let categoryWordCount: [Int32]
    @usableFromInline let categoryWords: [UInt64]
    /// Root node of each tree.
    @usableFromInline let roots: [Int32]
    public let baseScore: Double
    public let objective: ObjectiveKind
    public let featureCount: Int

    /// Lays out `model`. O(total nodes).
    ///
    /// - Precondition: the model has at most 65 536 features (the layout stores feature indices in 16 bits).
    public init(model: BoostedTreesModel) {
        precondition(model.featureCount <= Int(UInt16.max) + 1, "at most 65536 features")
        var nodes: [Node] = [], values: [Double] = [], starts: [Int32] = [], counts: [Int32] = []
        var words: [UInt64] = [], roots: [Int32] = []
        for tree in model.trees {
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
                    // A leaf is a fixed point of `step` (every value, NaN included, "goes left" to itself),
                    // which lets the batch path advance several rows in lockstep.
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
                if tree.isCategoricalSplit(t) {
                    flags |= Self.categoricalFlag
                    let start = Int(tree.categoryStart[t]), count = Int(tree.categoryWordCount[t])
                    starts[f] = Int32(words.count)
                    counts[f] = Int32(count)
                    words.append(contentsOf: tree.categoryWords[start..<(start + count)])
                }
                nodes[f] = Node(threshold: tree.threshold[t], leftChild: Int32(left),
                                feature: UInt16(truncatingIfNeeded: tree.splitFeature[t]), flags: flags)
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

        /// One routing step from internal node `i` (a leaf maps to itself).
        @inlinable @inline(__always)
        func step(_ i: Int, _ row: UnsafePointer<Float>) -> Int {
            let node = nodes[i]
            let x = row[Int(node.feature)]
            let goRight: Bool
            if node.flags & BoostedTreesPredictor.categoricalFlag == 0 {
                goRight = !(x <= node.threshold)
                    && !(x.isNaN && node.flags & BoostedTreesPredictor.missingLeftFlag != 0)
            } else {
                goRight = !categoryGoesLeft(node: i, flags: node.flags, x: x)
            }
            return Int(node.leftChild) &+ (goRight ? 1 : 0)
        }

        /// Adds the leaf values reached from `root` by four rows, walked in lockstep so their
        /// dependent loads overlap.
        @inlinable @inline(__always)
        func addLeafValues4(root: Int32, rows: UnsafePointer<Float>, stride: Int,
                            into output: UnsafeMutablePointer<Double>) {
            let r0 = rows, r1 = rows + stride, r2 = rows + 2 &* stride, r3 = rows + 3 &* stride
            var a = Int(root), b = a, c = a, d = a
            let leaf = BoostedTreesPredictor.leafFlag
            while nodes[a].flags & nodes[b].flags & nodes[c].flags & nodes[d].flags & leaf == 0 {
                a = step(a, r0)
                b = step(b, r1)
                c = step(c, r2)
                d = step(d, r3)
            }
            output[0] += values[a]
            output[1] += values[b]
            output[2] += values[c]
            output[3] += values[d]
        }

        @inlinable
        func categoryGoesLeft(node: Int, flags: UInt8, x: Float) -> Bool {
            if x.isNaN { return flags & BoostedTreesPredictor.missingLeftFlag != 0 }
            let wordCount = Int(categoryWordCount[node])
            guard x >= 0, x < Float(wordCount &* 64) else { return false }
            let code = Int(x)
            return (categoryWords![Int(categoryStart[node]) &+ (code >> 6)] >> UInt64(code & 63)) & 1 == 1
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
        if roots.isEmpty { return baseScore }
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

    /// Raw scores of every row of `matrix`, in parallel over row blocks.
    ///
    /// Rows are copied 64 at a time into a row-major block, then each tree routes the whole block
    /// (the tree stays in cache). Results do not depend on `threadCount`.
    ///
    /// - Throws: `RiskTreesError` `.shapeMismatch` when the matrix has the wrong number of columns.
    /// - Complexity: O(rows × trees × depth).
    public func rawScores(_ matrix: FeatureMatrix, threadCount: Int) throws -> [Double] {
        guard matrix.columnCount == featureCount else {
            throw RiskTreesError(.shapeMismatch, "feature matrix has \(matrix.columnCount) columns; the model "
                                 + "expects \(featureCount). Build the matrix with the model's feature schema.")
        }
        let n = matrix.rowCount, features = featureCount
        var out = [Double](repeating: baseScore, count: n)
        let blockSize = 64
        let blockCount = (n + blockSize - 1) / blockSize
        if roots.isEmpty { return out }
        withLayout { layout in
        matrix.withUnsafeValues { matrixValues in
        out.withUnsafeMutableBufferPointer { output in
            ParallelLoop.forEachChunk(count: blockCount, threadCount: threadCount) { _, blocks in
                let rowBuffer = UnsafeMutablePointer<Float>.allocate(capacity: max(1, blockSize * features))
                defer { rowBuffer.deallocate() }
                for block in blocks {
                    let first = block * blockSize, count = min(blockSize, n - first)
                    for f in 0..<features {
                        let column = matrixValues.baseAddress! + f * n + first
                        for r in 0..<count { rowBuffer[r * features + f] = column[r] }
                    }
                    let out = output.baseAddress! + first
                    for root in roots {
                        var r = 0
                        while r + 4 <= count {
                            layout.addLeafValues4(root: root, rows: rowBuffer + r * features, stride: features,
                                                  into: out + r)
                            r += 4
                        }
                        while r < count {
                            out[r] += layout.leafValue(root: root, row: rowBuffer + r * features)
                            r += 1
                        }
                    }
                }
            }
        }}}
        return out
    }

    /// Probabilities (logistic) or predictions (squared error) of every row of `matrix`.
    ///
    /// - Throws: `RiskTreesError` `.shapeMismatch` for a wrong column count.
    public func predictions(_ matrix: FeatureMatrix, threadCount: Int) throws -> [Double] {
        let raw = try rawScores(matrix, threadCount: threadCount)
        return objective == .logistic ? raw.map { 1 / (1 + _exponential(-$0)) } : raw
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

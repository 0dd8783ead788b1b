import RiskData

/// A trained model laid out for fast scoring: every tree's internal nodes in one flat array,
/// children addressed by absolute index, leaves encoded as negative child indices (`~leaf`) into
/// one leaf-value array (the layout of LightGBM's and Treelite's predictors).
///
/// Immutable and `Sendable`: share one predictor across threads. Predictions are bit-identical to
/// `BoostedTreesModel.rawScore(_:)` (same routing, same summation order: base score, then trees
/// in order).
public struct BoostedTreesPredictor: Sendable {
    @usableFromInline
    struct Node: Sendable {
        @usableFromInline var left: Int32
        @usableFromInline var right: Int32
        @usableFromInline var feature: Int32
        @usableFromInline var threshold: Float
        @usableFromInline var categoryStart: Int32
        @usableFromInline var categoryWordCount: Int32
        @usableFromInline var missingGoesLeft: Bool
    }

    @usableFromInline let nodes: [Node]
    @usableFromInline let leafValues: [Double]
    @usableFromInline let categoryWords: [UInt64]
    /// Root of each tree: a node index, or `~leaf` for a single-leaf tree.
    @usableFromInline let roots: [Int32]
    public let baseScore: Double
    public let objective: ObjectiveKind
    public let featureCount: Int

    /// Lays out `model`. O(total nodes).
    public init(model: BoostedTreesModel) {
        var nodes: [Node] = [], leafValues: [Double] = [], words: [UInt64] = [], roots: [Int32] = []
        for tree in model.trees {
            // Map tree node → flat index (internal) or ~leaf index.
            var flat = [Int32](repeating: 0, count: tree.nodeCount)
            for i in 0..<tree.nodeCount {
                if tree.isLeaf(i) {
                    flat[i] = ~Int32(leafValues.count)
                    leafValues.append(tree.value[i])
                } else {
                    flat[i] = Int32(nodes.count)
                    nodes.append(Node(left: 0, right: 0, feature: tree.splitFeature[i], threshold: tree.threshold[i],
                                      categoryStart: Int32(words.count),
                                      categoryWordCount: tree.categoryWordCount[i],
                                      missingGoesLeft: tree.missingGoesLeft[i]))
                    if tree.categoryWordCount[i] > 0 {
                        let start = Int(tree.categoryStart[i])
                        words.append(contentsOf: tree.categoryWords[start..<(start + Int(tree.categoryWordCount[i]))])
                    }
                }
            }
            for i in 0..<tree.nodeCount where !tree.isLeaf(i) {
                nodes[Int(flat[i])].left = flat[Int(tree.leftChild[i])]
                nodes[Int(flat[i])].right = flat[Int(tree.rightChild[i])]
            }
            roots.append(flat[0])
        }
        self.nodes = nodes
        self.leafValues = leafValues
        self.categoryWords = words
        self.roots = roots
        self.baseScore = model.baseScore
        self.objective = model.objective
        self.featureCount = model.featureCount
    }

    @inlinable @inline(__always)
    static func leaf(root: Int32, row: UnsafePointer<Float>, nodes: UnsafePointer<Node>,
                     words: UnsafePointer<UInt64>?) -> Int {
        var i = root
        while i >= 0 {
            let node = nodes[Int(i)]
            let x = row[Int(node.feature)]
            let goLeft: Bool
            if x.isNaN {
                goLeft = node.missingGoesLeft
            } else if node.categoryWordCount == 0 {
                goLeft = x <= node.threshold
            } else if x >= 0 && x < Float(node.categoryWordCount &* 64) {
                let code = Int(x)
                goLeft = (words![Int(node.categoryStart) &+ (code >> 6)] >> UInt64(code & 63)) & 1 == 1
            } else {
                goLeft = false
            }
            i = goLeft ? node.left : node.right
        }
        return Int(~i)
    }

    /// The raw score (log-odds for `.logistic`) of one row of `featureCount` values. Allocation-free.
    ///
    /// - Precondition: `row.count >= featureCount`.
    /// - Complexity: O(trees × depth).
    @inlinable
    public func rawScore(_ row: UnsafeBufferPointer<Float>) -> Double {
        precondition(row.count >= featureCount, "row has \(row.count) values; the model needs \(featureCount)")
        return nodes.withUnsafeBufferPointer { nodeBuffer in
            leafValues.withUnsafeBufferPointer { values in
                categoryWords.withUnsafeBufferPointer { words in
                    var sum = baseScore
                    for root in roots {
                        sum += values[Self.leaf(root: root, row: row.baseAddress!, nodes: nodeBuffer.baseAddress!,
                                                words: words.baseAddress)]
                    }
                    return sum
                }
            }
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
        nodes.withUnsafeBufferPointer { nodeBuffer in
        leafValues.withUnsafeBufferPointer { values in
        categoryWords.withUnsafeBufferPointer { words in
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
                    for root in roots {
                        for r in 0..<count {
                            output[first + r] += values[Self.leaf(root: root, row: rowBuffer + r * features,
                                                                  nodes: nodeBuffer.baseAddress!,
                                                                  words: words.baseAddress)]
                        }
                    }
                }
            }
        }}}}}
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

/// An immutable regression tree stored as parallel arrays, one entry per node.
///
/// Node 0 is the root. A node is a leaf when `leftChild[i] == -1` (then `rightChild[i] == -1`).
/// Routing of an internal node `i` on a feature value `x`:
/// - `x` is NaN (missing): go left when `missingGoesLeft[i]`, else right;
/// - numeric split (`categoryRange[i]` empty): go left when `x <= threshold[i]`;
/// - categorical split: `x` is an integer code `c`; go left when bit `c` of the node's category
///   bitset is set (`categoryWords[categoryStart[i] ..< categoryStart[i] + categoryWordCount[i]]`);
///   codes beyond the bitset (unseen) go right.
public struct RegressionTree: Sendable, Hashable, Codable {
    public package(set) var leftChild: [Int32]
    public package(set) var rightChild: [Int32]
    public package(set) var splitFeature: [Int32]
    /// Raw-space threshold of numeric splits: go left when `x <= threshold`.
    public package(set) var threshold: [Float]
    /// Bin threshold used while training (left when `bin <= binThreshold`); informational after.
    public package(set) var binThreshold: [UInt8]
    public package(set) var missingGoesLeft: [Bool]
    /// Start of the node's category bitset in `categoryWords` (0 for numeric splits).
    public package(set) var categoryStart: [Int32]
    /// Number of 64-bit words in the node's category bitset (0 for numeric splits and leaves).
    public package(set) var categoryWordCount: [Int32]
    /// Concatenated category bitsets of all categorical splits.
    public package(set) var categoryWords: [UInt64]
    /// Leaf output (already multiplied by the learning rate); for internal nodes, the value the
    /// node would have as a leaf.
    public package(set) var value: [Double]
    /// Σ hessian of the training rows reaching the node (TreeSHAP uses it as the node weight).
    public package(set) var cover: [Double]
    /// Loss reduction of the split (0 for leaves).
    public package(set) var gain: [Double]

    package init(leftChild: [Int32], rightChild: [Int32], splitFeature: [Int32], threshold: [Float],
                 binThreshold: [UInt8], missingGoesLeft: [Bool], categoryStart: [Int32],
                 categoryWordCount: [Int32], categoryWords: [UInt64], value: [Double], cover: [Double],
                 gain: [Double]) {
        self.leftChild = leftChild
        self.rightChild = rightChild
        self.splitFeature = splitFeature
        self.threshold = threshold
        self.binThreshold = binThreshold
        self.missingGoesLeft = missingGoesLeft
        self.categoryStart = categoryStart
        self.categoryWordCount = categoryWordCount
        self.categoryWords = categoryWords
        self.value = value
        self.cover = cover
        self.gain = gain
    }

    /// A tree with a single leaf of value `value`.
    package static func leaf(value: Double, cover: Double) -> RegressionTree {
        RegressionTree(leftChild: [-1], rightChild: [-1], splitFeature: [-1], threshold: [0], binThreshold: [0],
                       missingGoesLeft: [false], categoryStart: [0], categoryWordCount: [0], categoryWords: [],
                       value: [value], cover: [cover], gain: [0])
    }

    /// Number of nodes.
    public var nodeCount: Int { leftChild.count }

    /// Number of leaves.
    public var leafCount: Int { leftChild.reduce(0) { $0 + ($1 < 0 ? 1 : 0) } }

    /// `true` when `node` is a leaf.
    @inlinable
    public func isLeaf(_ node: Int) -> Bool { leftChild[node] < 0 }

    /// `true` when `node` splits on a category set.
    @inlinable
    public func isCategoricalSplit(_ node: Int) -> Bool { categoryWordCount[node] > 0 }

    /// Whether a row with feature value `x` at internal node `node` goes to the left child.
    @inlinable
    public func goesLeft(_ node: Int, _ x: Float) -> Bool {
        if x.isNaN { return missingGoesLeft[node] }
        let words = Int(categoryWordCount[node])
        if words == 0 { return x <= threshold[node] }
        return categoryWords.withUnsafeBufferPointer {
            categorySetContains(x, start: Int(categoryStart[node]), wordCount: words, words: $0.baseAddress!)
        }
    }

    /// The leaf reached by `row` (feature values indexed by feature number).
    @inlinable
    public func leafIndex(for row: UnsafeBufferPointer<Float>) -> Int {
        var node = 0
        while leftChild[node] >= 0 {
            node = Int(goesLeft(node, row[Int(splitFeature[node])]) ? leftChild[node] : rightChild[node])
        }
        return node
    }

    /// The output of the tree for `row`. O(depth).
    @inlinable
    public func predict(_ row: UnsafeBufferPointer<Float>) -> Double {
        value[leafIndex(for: row)]
    }

    /// The output of the tree for `row`. O(depth).
    public func predict(_ row: [Float]) -> Double {
        row.withUnsafeBufferPointer { predict($0) }
    }
}

/// An immutable, validated regression tree stored as parallel arrays, one entry per node.
///
/// Node 0 is the root. A node is a leaf when `leftChild[i] == -1` (then `rightChild[i] == -1`).
/// Routing of an internal node `i` on a feature value `x`:
/// - `x` is NaN (missing): go left when `missingGoesLeft[i]`, else right;
/// - numeric split (`categoryWordCount[i] == 0`): go left when `x <= threshold[i]`;
/// - categorical split: `x` is an integer code `c`; go left when bit `c` of the node's category
///   bitset is set (`categoryWords[categoryStart[i] ..< categoryStart[i] + categoryWordCount[i]]`);
///   codes beyond the bitset (unseen) go right.
///
/// Validity is part of the type: every way to make a tree (decoding, the package initialiser)
/// checks the structural invariants and the per-tree bounds of `ModelLimits`
/// (`RegressionTree+Invariants.swift`), so a value of this type is always a finite, acyclic tree.
/// Split features are checked against the feature count by `BoostedTreesModel`, which knows it.
/// Rows are routed by `CompiledForest`, built from a `BoostedTreesModel`.
public struct RegressionTree: Sendable, Hashable, Codable {
    public let leftChild: [Int32]
    public let rightChild: [Int32]
    public let splitFeature: [Int32]
    /// Raw-space threshold of numeric splits: go left when `x <= threshold`.
    public let threshold: [Float]
    /// Bin threshold used while training (left when `bin <= binThreshold`); informational after.
    public let binThreshold: [UInt8]
    public let missingGoesLeft: [Bool]
    /// Start of the node's category bitset in `categoryWords` (0 for numeric splits).
    public let categoryStart: [Int32]
    /// Number of 64-bit words in the node's category bitset (0 for numeric splits and leaves).
    public let categoryWordCount: [Int32]
    /// Concatenated category bitsets of all categorical splits.
    public let categoryWords: [UInt64]
    /// Leaf output (already multiplied by the learning rate); for internal nodes, the value the
    /// node would have as a leaf.
    public let value: [Double]
    /// Σ hessian of the training rows reaching the node (TreeSHAP uses it as the node weight).
    public let cover: [Double]
    /// Loss reduction of the split (0 for leaves).
    public let gain: [Double]
    /// What the validation measured (depth, bitset words, largest leaf); set once, by `init`.
    package private(set) var shape: Shape

    /// Validates the arrays and makes a tree of them.
    ///
    /// - Throws: `RiskTreesError` `.invalidModel` naming the node and the broken rule or limit (see
    ///   `RegressionTree+Invariants.swift`).
    /// - Complexity: O(nodes), iterative.
    package init(leftChild: [Int32], rightChild: [Int32], splitFeature: [Int32], threshold: [Float],
                 binThreshold: [UInt8], missingGoesLeft: [Bool], categoryStart: [Int32],
                 categoryWordCount: [Int32], categoryWords: [UInt64], value: [Double], cover: [Double],
                 gain: [Double], limits: ModelLimits = .standard) throws {
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
        self.shape = Shape()
        self.shape = try measuredShape(limits: limits)
    }

    /// A tree with a single leaf of value `value` (finite, `cover` finite and ≥ 0).
    package static func leaf(value: Double, cover: Double) -> RegressionTree {
        // swiftlint:disable:next force_try
        try! RegressionTree(leftChild: [-1], rightChild: [-1], splitFeature: [-1], threshold: [0], binThreshold: [0],
                            missingGoesLeft: [false], categoryStart: [0], categoryWordCount: [0], categoryWords: [],
                            value: [value], cover: [cover], gain: [0])
    }

    private enum CodingKeys: String, CodingKey {
        case leftChild, rightChild, splitFeature, threshold, binThreshold, missingGoesLeft, categoryStart
        case categoryWordCount, categoryWords, value, cover, gain
    }

    /// Decodes the arrays and validates them with `ModelLimits.standard`.
    ///
    /// - Throws: `DecodingError.dataCorrupted` at the tree's coding path whose description is the
    ///   validation's one-line message (node, broken rule, bad value).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        do {
            try self.init(
                leftChild: c.decode([Int32].self, forKey: .leftChild), rightChild: c.decode([Int32].self, forKey: .rightChild),
                splitFeature: c.decode([Int32].self, forKey: .splitFeature),
                threshold: c.decode([Float].self, forKey: .threshold),
                binThreshold: c.decode([UInt8].self, forKey: .binThreshold),
                missingGoesLeft: c.decode([Bool].self, forKey: .missingGoesLeft),
                categoryStart: c.decode([Int32].self, forKey: .categoryStart),
                categoryWordCount: c.decode([Int32].self, forKey: .categoryWordCount),
                categoryWords: c.decode([UInt64].self, forKey: .categoryWords),
                value: c.decode([Double].self, forKey: .value), cover: c.decode([Double].self, forKey: .cover),
                gain: c.decode([Double].self, forKey: .gain))
        } catch let error as RiskTreesError {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message,
                                                    underlyingError: error))
        }
    }

    /// Number of nodes.
    public var nodeCount: Int { leftChild.count }

    /// Number of leaves.
    public var leafCount: Int { leftChild.reduce(0) { $0 + ($1 < 0 ? 1 : 0) } }

    /// Depth of the deepest leaf (root = 0). O(1).
    public var depth: Int { shape.depth }

    /// `true` when `node` is a leaf.
    @inlinable
    public func isLeaf(_ node: Int) -> Bool { leftChild[node] < 0 }

    /// `true` when `node` splits on a category set.
    @inlinable
    public func isCategoricalSplit(_ node: Int) -> Bool { categoryWordCount[node] > 0 }
}

/// A model compiled once into the one flat layout that prediction and TreeSHAP read.
///
/// Every node of every tree lies in one array of 12-byte records, the two children of a node
/// adjacent (right = left + 1) so the step to a child is an addition, numeric routing branch-free
/// (`x <= threshold`, NaN → the stored direction). Leaf values, category bitsets and the cover
/// ratio of the edge entering each node (what TreeSHAP weighs a branch with) live in side arrays;
/// when every tree is symmetric, `symmetric` holds them as lookup tables too. (The layout follows
/// the spirit of LightGBM's `tree.h` and Treelite's array predictors.)
///
/// Built from a `BoostedTreesModel`, valid by construction: the walks use unchecked pointers.
/// `leafValue(root:row:)` is the one row walk and `routeBlock` the one block walk; TreeSHAP routes
/// with `goesLeft`, the same rule.
package struct CompiledForest: Sendable {
    @usableFromInline
    package struct Node: Sendable {
        @usableFromInline package var threshold: Float
        /// Index of the left child; the right child is `leftChild + 1`. A leaf points at itself.
        @usableFromInline package var leftChild: Int32
        @usableFromInline package var feature: UInt16
        /// Bit 0: missing goes left; bit 1: categorical split; bit 2: leaf; bits 3 and 4: left / right
        /// child is a leaf.
        @usableFromInline package var flags: UInt8

        /// Whether the node is a leaf.
        @inlinable package var isLeaf: Bool { flags & CompiledForest.leafFlag != 0 }
        /// Whether the node splits on a category set.
        @inlinable package var isCategorical: Bool { flags & CompiledForest.categoricalFlag != 0 }
        /// Where a missing value goes.
        @inlinable package var missingGoesLeft: Bool { flags & CompiledForest.missingLeftFlag != 0 }
    }

    @usableFromInline static let missingLeftFlag: UInt8 = 1
    @usableFromInline static let categoricalFlag: UInt8 = 2
    @usableFromInline static let leafFlag: UInt8 = 4
    /// Set on an internal node whose left child is a leaf (bit 3) / whose right child is a leaf (bit 4):
    /// the batch walk learns that a row is done from the node it is leaving, without loading the child.
    @usableFromInline static let leftChildIsLeafShift: UInt8 = 3
    @usableFromInline static let rightChildIsLeafShift: UInt8 = 4

    package let nodes: [Node]
    /// Leaf value of node `i` (0 for internal nodes).
    package let values: [Double]
    /// Per node: `cover(node) / cover(parent)` (0 when the parent has no cover, 1 for roots): the
    /// share of the parent's training mass on this branch.
    package let coverFractions: [Double]
    /// Per node: start of its bitset in `categoryWords` and word count (0 for numeric nodes).
    package let categoryStart: [Int32]
    package let categoryWordCount: [Int32]
    package let categoryWords: [UInt64]
    /// Root node of each tree.
    package let roots: [Int32]
    /// Every tree as a lookup table when all are symmetric (see `SymmetricTables`); nil otherwise.
    package let symmetric: SymmetricTables?
    package let baseScore: Double
    package let featureCount: Int
    /// Deepest leaf over all trees (edges from the root).
    package let maximumDepth: Int

    /// Compiles `model`. Each tree's category words are copied once and its categorical nodes point
    /// into them, so the layout holds at most the model's own words however many nodes share a bitset.
    ///
    /// - Complexity: O(total nodes + category words).
    package init(model: BoostedTreesModel) {
        var nodes: [Node] = [], values: [Double] = [], fractions: [Double] = []
        var starts: [Int32] = [], counts: [Int32] = [], words: [UInt64] = [], roots: [Int32] = []
        let nodeCount = model.trees.reduce(0) { $0 + $1.nodeCount }
        nodes.reserveCapacity(nodeCount)
        values.reserveCapacity(nodeCount)
        fractions.reserveCapacity(nodeCount)
        starts.reserveCapacity(nodeCount)
        counts.reserveCapacity(nodeCount)
        func append() {
            nodes.append(Node(threshold: 0, leftChild: 0, feature: 0, flags: 0))
            values.append(0); fractions.append(1); starts.append(0); counts.append(0)
        }
        for tree in model.trees {
            let wordBase = words.count
            words.append(contentsOf: tree.categoryWords)
            // Breadth-first, appending both children of a node together.
            roots.append(Int32(nodes.count))
            var queue: [(treeNode: Int, flat: Int)] = [(0, nodes.count)]
            append()
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
                append()
                append()
                let leftTree = Int(tree.leftChild[t]), rightTree = Int(tree.rightChild[t])
                let cover = tree.cover[t]
                fractions[left] = cover > 0 ? tree.cover[leftTree] / cover : 0
                fractions[left + 1] = cover > 0 ? tree.cover[rightTree] / cover : 0
                var flags: UInt8 = tree.missingGoesLeft[t] ? Self.missingLeftFlag : 0
                if tree.isLeaf(leftTree) { flags |= 1 << Self.leftChildIsLeafShift }
                if tree.isLeaf(rightTree) { flags |= 1 << Self.rightChildIsLeafShift }
                if tree.isCategoricalSplit(t) {
                    flags |= Self.categoricalFlag
                    starts[f] = Int32(wordBase + Int(tree.categoryStart[t]))
                    counts[f] = tree.categoryWordCount[t]
                }
                nodes[f] = Node(threshold: tree.threshold[t], leftChild: Int32(left),
                                feature: UInt16(tree.splitFeature[t]), flags: flags)
                queue.append((leftTree, left))
                queue.append((rightTree, left + 1))
            }
        }
        self.nodes = nodes
        self.values = values
        self.coverFractions = fractions
        self.categoryStart = starts
        self.categoryWordCount = counts
        self.categoryWords = words
        self.roots = roots
        self.symmetric = SymmetricTables(model: model)
        self.baseScore = model.baseScore
        self.featureCount = model.featureCount
        self.maximumDepth = model.maximumDepth
    }

    /// Pointers to the flat arrays, taken once per call.
    package struct Layout {
        package let nodes: UnsafePointer<Node>
        package let values: UnsafePointer<Double>
        package let coverFractions: UnsafePointer<Double>
        let categoryStart: UnsafePointer<Int32>
        let categoryWordCount: UnsafePointer<Int32>
        /// Never nil (a model without category words points at a word never read).
        package let categoryWords: UnsafePointer<UInt64>

        /// Whether `x` goes to the left child of internal node `i` (`node == nodes[i]`): a missing
        /// value goes the learned direction, a numeric value left when `x <= threshold`, a category
        /// code left when its bit is set (codes outside the bitset go right).
        @inline(__always)
        package func goesLeft(_ i: Int, _ node: Node, _ x: Float) -> Bool {
            if !node.isCategorical {
                // NaN: `x <= threshold` is false, so NaN goes right unless missing goes left.
                return x <= node.threshold || (x.isNaN && node.missingGoesLeft)
            }
            if x.isNaN { return node.missingGoesLeft }
            return categorySetContains(x, start: Int(categoryStart[i]), wordCount: Int(categoryWordCount[i]),
                                       words: categoryWords)
        }

        /// The leaf value reached from `root` by `row`: the row walk.
        @inline(__always)
        package func leafValue(root: Int32, row: UnsafePointer<Float>) -> Double {
            var i = Int(root)
            while true {
                let node = nodes[i]
                if node.isLeaf { return values[i] }
                i = Int(node.leftChild) &+ (goesLeft(i, node, row[Int(node.feature)]) ? 0 : 1)
            }
        }

        /// `baseScore` plus the leaf values of `trees` reached by `row`, added in tree order.
        @inline(__always)
        package func rawScore(_ baseScore: Double, roots: UnsafeBufferPointer<Int32>, row: UnsafePointer<Float>)
            -> Double {
            var sum = baseScore
            for root in roots { sum += leafValue(root: root, row: row) }
            return sum
        }
    }

    /// Calls `body` with pointers to the flat arrays (valid only inside `body`).
    package func withLayout<R>(_ body: (Layout) throws -> R) rethrows -> R {
        try nodes.withUnsafeBufferPointer { n in
        try values.withUnsafeBufferPointer { v in
        try coverFractions.withUnsafeBufferPointer { c in
        try categoryStart.withUnsafeBufferPointer { s in
        try categoryWordCount.withUnsafeBufferPointer { w in
        try categoryWords.withUnsafeBufferPointer { words in
        try withUnsafePointer(to: UInt64(0)) { none in
            try body(Layout(nodes: n.baseAddress!, values: v.baseAddress!, coverFractions: c.baseAddress!,
                            categoryStart: s.baseAddress!, categoryWordCount: w.baseAddress!,
                            categoryWords: words.baseAddress ?? none))
        }}}}}}}
    }

    /// The leaf value of tree `tree` reached by `row`.
    package func leafValue(tree: Int, row: UnsafePointer<Float>) -> Double {
        withLayout { $0.leafValue(root: roots[tree], row: row) }
    }

    /// The raw score of `row` (`featureCount` values): `baseScore` plus every tree's leaf value in
    /// tree order, by table lookup when every tree is symmetric, else by the row walk.
    ///
    /// - Complexity: O(trees × depth).
    package func rawScore(row: UnsafePointer<Float>) -> Double {
        if let symmetric { return symmetric.rawScore(baseScore: baseScore, row: row) }
        return withLayout { layout in roots.withUnsafeBufferPointer { layout.rawScore(baseScore, roots: $0, row: row) } }
    }
}

/// A node of the tree being grown, in bin space.
package struct GrowingNode: Sendable {
    package var leftChild: Int32 = -1
    package var rightChild: Int32 = -1
    package var split = SplitCandidate()
    package var totals: NodeTotals
    package var depth: Int
    /// Leaf output including the learning rate (the would-be leaf value for internal nodes).
    package var value: Double
    /// Bounds of the leaf output before the learning rate, set by monotone splits above the node
    /// (infinite when no constrained split is above it).
    package var lowerBound = -Double.infinity
    package var upperBound = Double.infinity

    package init(totals: NodeTotals, depth: Int, value: Double) {
        self.totals = totals
        self.depth = depth
        self.value = value
    }
}

/// A leaf that may still be split: its rows are `partition[start ..< start + count]`.
package struct LeafState: Sendable {
    package var node: Int
    package var start: Int
    package var count: Int
    /// Histogram pool slot, or -1 when the leaf will not be split (no histogram kept).
    package var slot: Int
    package var best: SplitCandidate
}

import RiskTrees

// Exact path-dependent TreeSHAP in O(L · D) per tree by Gauss–Legendre quadrature.
//
// Written from the papers, no code taken:
// - Yu, Bifet, Read & Xu (2022), "Linear TreeShap" (NeurIPS): the Shapley weight
//   |S|!(d − |S| − 1)!/d! equals ∫₀¹ t^|S| (1 − t)^(d−|S|−1) dt, so a leaf's contribution to a
//   feature is an integral of a product of linear factors, one per distinct feature on the path,
//   and those products can be carried down the tree and summed up it in one pass.
// - Yang (2021), "Fast TreeSHAP" v1/v2: everything that does not depend on the row (cover
//   products of repeated features, the per-edge quotients below) is computed once per model; v2's
//   per-leaf 2^D tables were measured against this and not kept (see Docs/Explanations.md).
//
// The identity. For a leaf l with value v, distinct path features U (d = |U|), merged zero
// fraction z_j (product of cover ratios of the path's splits on j) and one fraction o_j ∈ {0, 1}
// (the row satisfies every split on j along the path):
//
//     φ_i += v (o_i − z_i) ∫₀¹ Π_{j ∈ U, j ≠ i} (o_j t + z_j (1 − t)) dt.
//
// Write f_j(t) = o_j t + z_j (1 − t) and Q_l(t) = v Π_{j ∈ U} f_j(t). Then φ_i gains
// (o_i − z_i) ∫ Q_l / f_i. For an edge e into child c (split on feature i, with its merged o and z),
// the leaves for which e is the *last* split on i are "the subtree of c minus the subtrees of the
// next splits on i below", so
//
//     φ_i += (o_e − z_e) ∫ (S(c) − B(e)) / f_e,     S(c) = Σ_{leaves under c} Q_l,
//
// with B(e) the S of the children of the next splits on i below e. Each Q_l / f_e is a polynomial
// of degree ≤ d − 1, so an n-point Gauss–Legendre rule with 2n − 1 ≥ d − 1 integrates it exactly:
// S, B and Q are carried as their values at the n nodes (one SIMD vector), and the integral with
// its factor becomes a dot product with a per-edge weight vector:
//
//     hot  (o = 1): a_k = w_k (1 − z) / (z + (1 − z) t_k)   (precomputed per edge: z is row-independent)
//     cold (o = 0): a_k = −w_k / (1 − t_k)                 (the same for every edge).
//
// A cold edge with z = 0 makes every leaf below it 0 and is skipped, as in the path recursion.
// Going down, Q is multiplied by f_e, and for a repeated feature divided by the ancestor's factor:
// the quotients (hot→hot, hot→cold) are precomputed per repeated edge; below a cold ancestor the
// quotient is the edge's cover ratio. Work per row and tree: O(nodes · n), n ≤ D/2 + 1 lanes.

/// One node of the quadrature plan, in preorder (the left child is the next entry), with the
/// row-independent data of the edge that enters it.
package struct QuadratureNode: Sendable {
    /// Split feature (internal nodes).
    var feature: Int32
    /// Number of 64-bit words of the category bitset; 0 for numeric splits.
    var categoryWordCount: Int32
    /// Start of the category bitset in `CompiledForest.categoryWords`.
    var categoryStart: Int32
    /// Numeric threshold: go left when `x <= threshold`.
    var threshold: Float
    /// Plan index of the right child (internal nodes); the left child is `index + 1`.
    var rightChild: Int32
    /// Index of the incoming edge's two quotient vectors in `ratios` (repeated features only).
    var ratioIndex: Int32
    /// Depth of the parent of the nearest ancestor edge that split on the same feature, or -1.
    var ancestorDepth: Int32
    /// Direction of a missing value.
    var missingGoesLeft: Bool
    /// Whether this node is a leaf.
    var isLeaf: Bool
    /// Whether a split on the incoming edge's feature occurs in this node's subtree.
    var hasSameFeatureBelow: Bool
    /// Leaf output (leaves).
    var value: Double
    /// Merged zero fraction of the incoming edge (product of the cover ratios of every split on
    /// that feature from the root to here).
    var zero: Double
    /// Cover ratio of the incoming edge alone.
    var fraction: Double
}

/// The precomputed, row-independent part of the quadrature algorithm for a whole ensemble.
package struct QuadraturePlan: Sendable {
    /// Quadrature nodes per vector: 2, 4, 8 or 16.
    package let laneCount: Int
    /// Every tree's nodes in preorder, trees one after another.
    package let nodes: [QuadratureNode]
    /// Plan index of each tree's root.
    package let roots: [Int32]
    /// `laneCount` hot weights per plan node (its incoming edge); zero for roots.
    package let hotWeights: [Double]
    /// Two quotient vectors (hot→hot, hot→cold) per repeated-feature edge.
    package let ratios: [Double]
    /// Gauss–Legendre nodes on [0, 1].
    package let points: [Double]
    /// `−w_k / (1 − t_k)`.
    package let coldWeights: [Double]
    /// Most distinct features on one root-to-leaf path.
    package let maximumDistinctFeatures: Int

    /// Bytes the plan holds (what the memory budget is checked against).
    package var byteCount: Int {
        nodes.count * MemoryLayout<QuadratureNode>.stride + (hotWeights.count + ratios.count) * 8
    }

    /// Lanes needed for paths of `distinctFeatures` distinct features, or nil beyond 32.
    ///
    /// The integrands have degree ≤ d − 1, so n nodes suffice when 2n − 1 ≥ d − 1; vectors come
    /// in powers of two.
    package static func laneCount(distinctFeatures d: Int) -> Int? {
        switch d {
        case ...4: 2
        case ...8: 4
        case ...16: 8
        case ...32: 16
        default: nil
        }
    }

    /// Most distinct features on a root-to-leaf path of any tree (cheap: run before building).
    /// Recursive, one level per tree level: the trees come from a validated model, whose depth is at
    /// most `ModelLimits.maximumDepth` (256).
    static func maximumDistinctFeatures(forest: CompiledForest) -> Int {
        var onPath = [Int](repeating: 0, count: forest.featureCount)
        var best = 0
        forest.nodes.withUnsafeBufferPointer { nodes in
            func visit(_ index: Int, _ distinct: Int) {
                let node = nodes[index]
                guard !node.isLeaf else {
                    best = max(best, distinct)
                    return
                }
                let f = Int(node.feature)
                let added = onPath[f] == 0 ? 1 : 0
                onPath[f] += 1
                visit(Int(node.leftChild), distinct + added)
                visit(Int(node.leftChild) + 1, distinct + added)
                onPath[f] -= 1
            }
            for root in forest.roots { visit(Int(root), 0) }
        }
        return best
    }

    /// Builds the plan of the compiled trees with `laneCount` lanes. Recursive like the kernel, at
    /// most `ModelLimits.maximumDepth` levels deep (a model is valid by construction).
    ///
    /// - Complexity: O(total nodes · laneCount).
    init(forest: CompiledForest, laneCount: Int, maximumDistinctFeatures: Int) {
        let featureCount = forest.featureCount
        let rule = GaussLegendre.rule(count: laneCount)
        let t = rule.nodes, w = rule.weights
        var plan: [QuadratureNode] = []
        plan.reserveCapacity(forest.nodes.count)
        var hotWeights: [Double] = []
        hotWeights.reserveCapacity(forest.nodes.count * laneCount)
        var ratios: [Double] = []
        var roots: [Int32] = []
        // Nearest edge on the current path that split on each feature: (plan index, parent depth, zero).
        var last = [(index: Int, depth: Int, zero: Double)?](repeating: nil, count: featureCount)

        func append(_ compiled: Int, incoming: (feature: Int, fraction: Double, parentDepth: Int)?) -> Int {
            let index = plan.count
            let node = forest.nodes[compiled]
            var entry = QuadratureNode(
                feature: node.isLeaf ? -1 : Int32(node.feature), categoryWordCount: forest.categoryWordCount[compiled],
                categoryStart: forest.categoryStart[compiled], threshold: node.isLeaf ? 0 : node.threshold,
                rightChild: -1, ratioIndex: -1, ancestorDepth: -1, missingGoesLeft: !node.isLeaf && node.missingGoesLeft,
                isLeaf: node.isLeaf, hasSameFeatureBelow: false, value: forest.values[compiled], zero: 1, fraction: 1)
            var zero = 1.0
            if let incoming {
                entry.fraction = incoming.fraction
                if let ancestor = last[incoming.feature] {
                    zero = ancestor.zero * incoming.fraction
                    entry.ancestorDepth = Int32(ancestor.depth)
                    entry.ratioIndex = Int32(ratios.count / (2 * laneCount))
                    plan[ancestor.index].hasSameFeatureBelow = true
                    let za = ancestor.zero
                    for k in 0..<laneCount { ratios.append((zero + (1 - zero) * t[k]) / (za + (1 - za) * t[k])) }
                    for k in 0..<laneCount { ratios.append(zero * (1 - t[k]) / (za + (1 - za) * t[k])) }
                } else {
                    zero = incoming.fraction
                }
                entry.zero = zero
                for k in 0..<laneCount { hotWeights.append(w[k] * (1 - zero) / (zero + (1 - zero) * t[k])) }
            } else {
                for _ in 0..<laneCount { hotWeights.append(0) }
            }
            plan.append(entry)
            return index
        }

        /// Appends `absolute` (at `depth`) and its subtree. While the subtree is built, `last` names
        /// the incoming edge as the nearest split on its feature.
        func build(_ compiled: Int, depth: Int, incoming: (feature: Int, fraction: Double, parentDepth: Int)?) {
            let node = forest.nodes[compiled]
            let index = append(compiled, incoming: incoming)
            var saved: (index: Int, depth: Int, zero: Double)?
            if let incoming {
                saved = last[incoming.feature]
                last[incoming.feature] = (index, incoming.parentDepth, plan[index].zero)
            }
            if !node.isLeaf {
                let f = Int(node.feature), left = Int(node.leftChild)
                build(left, depth: depth + 1, incoming: (f, forest.coverFractions[left], depth))
                plan[index].rightChild = Int32(plan.count)
                build(left + 1, depth: depth + 1, incoming: (f, forest.coverFractions[left + 1], depth))
            }
            if let incoming { last[incoming.feature] = saved }
        }

        for root in forest.roots {
            roots.append(Int32(plan.count))
            build(Int(root), depth: 0, incoming: nil)
        }
        self.laneCount = laneCount
        self.nodes = plan
        self.roots = roots
        self.hotWeights = hotWeights
        self.ratios = ratios
        self.points = t
        self.coldWeights = (0..<laneCount).map { -w[$0] / (1 - t[$0]) }
        self.maximumDistinctFeatures = maximumDistinctFeatures
    }
}

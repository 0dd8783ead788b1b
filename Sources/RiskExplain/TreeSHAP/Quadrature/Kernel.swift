import RiskTrees

/// One row through the quadrature plan (see Quadrature/Plan.swift for the derivation).
///
/// `Vector` holds the values of a polynomial at the plan's Gauss–Legendre nodes. Pointers are
/// valid for one `accumulate` call; nothing is allocated.
struct QuadratureKernel<Vector: SIMD> where Vector.Scalar == Double {
    let plan: UnsafePointer<QuadratureNode>
    /// `laneCount` Doubles per plan node.
    let hotWeights: UnsafeRawPointer
    /// `2 · laneCount` Doubles per repeated-feature edge.
    let ratios: UnsafeRawPointer
    let categoryWords: UnsafePointer<UInt64>
    let row: UnsafePointer<Float>
    let phi: UnsafeMutablePointer<Double>
    /// Per depth: Σ Q of the subtrees below the next splits on the same feature (B in the derivation).
    let blocked: UnsafeMutablePointer<Vector>
    /// Per depth: whether the edge the recursion took at that depth is hot (merged one fraction 1).
    let hotOnPath: UnsafeMutablePointer<Bool>
    let points: Vector
    let oneMinusPoints: Vector
    let coldWeights: Vector

    @inline(__always)
    func load(_ base: UnsafeRawPointer, _ index: Int) -> Vector {
        base.loadUnaligned(fromByteOffset: index &* MemoryLayout<Vector>.stride, as: Vector.self)
    }

    /// Same rule as `CompiledForest.Layout.goesLeft`, on the plan's copy of the split.
    @inline(__always)
    func goesLeft(_ node: QuadratureNode) -> Bool {
        let x = row[Int(node.feature)]
        if x.isNaN { return node.missingGoesLeft }
        let words = Int(node.categoryWordCount)
        if words == 0 { return x <= node.threshold }
        return categorySetContains(x, start: Int(node.categoryStart), wordCount: words, words: categoryWords)
    }

    /// Visits plan node `index` at `depth` with `product` = Q of the path so far (leaf value not
    /// yet applied); adds the contributions of every edge below and returns S(index). Recursive, at
    /// most `ModelLimits.maximumDepth` levels (the plan comes from a validated model).
    func visit(_ index: Int, _ depth: Int, _ product: Vector) -> Vector {
        let node = plan[index]
        if node.isLeaf { return product * node.value }
        let left = goesLeft(node)
        let feature = Int(node.feature)
        var total = Vector(repeating: 0)
        var child = index &+ 1
        var side = 0
        while side < 2 {
            if side == 1 { child = Int(node.rightChild) }
            let edge = plan[child]
            var hot = left == (side == 0)
            side &+= 1
            let ancestor = Int(edge.ancestorDepth)
            let factor: Vector
            if ancestor >= 0 {
                if hotOnPath[ancestor] {
                    factor = load(ratios, 2 &* Int(edge.ratioIndex) &+ (hot ? 0 : 1))
                } else {
                    hot = false
                    factor = Vector(repeating: edge.fraction)
                }
            } else {
                factor = hot ? edge.zero + (1 - edge.zero) * points : edge.zero * oneMinusPoints
            }
            // Every leaf below a cold edge with zero fraction 0 has Q = 0.
            if !hot && edge.zero == 0 { continue }
            hotOnPath[depth] = hot
            let resets = edge.hasSameFeatureBelow
            if resets { blocked[depth] = Vector(repeating: 0) }
            let subtree = visit(child, depth &+ 1, product * factor)
            let own = resets ? subtree - blocked[depth] : subtree
            let weights = hot ? load(hotWeights, child) : coldWeights
            phi[feature] += (own * weights).sum()
            if ancestor >= 0 { blocked[ancestor] += subtree }
            total += subtree
        }
        return total
    }
}

extension TreeExplainer {
    /// Adds every tree's contributions for `row` to `phi` through `plan`, with `Vector` lanes.
    func accumulateByQuadrature<Vector: SIMD>(_ plan: QuadraturePlan, as _: Vector.Type, trees: Range<Int>,
                                              tables: ShapTables?, row: UnsafePointer<Float>,
                                              phi: UnsafeMutablePointer<Double>,
                                              workspace: UnsafeMutableRawPointer) where Vector.Scalar == Double {
        let depthSlots = maximumDepth + 1
        let blocked = workspace.bindMemory(to: Vector.self, capacity: depthSlots)
        let hotOnPath = (workspace + depthSlots * MemoryLayout<Vector>.stride).bindMemory(to: Bool.self,
                                                                                       capacity: depthSlots)
        func vector(_ values: [Double]) -> Vector {
            var v = Vector(repeating: 0)
            for k in 0..<Vector.scalarCount { v[k] = values[k] }
            return v
        }
        let points = vector(plan.points)
        let coldWeights = vector(plan.coldWeights)
        plan.nodes.withUnsafeBufferPointer { nodes in
            plan.hotWeights.withUnsafeBytes { hotWeights in
                plan.ratios.withUnsafeBytes { ratios in
                    forest.withLayout { layout in
                        // An empty array's buffer may have a nil base: point at something valid.
                        withUnsafePointer(to: UInt64(0)) { none in
                            let kernel = QuadratureKernel<Vector>(
                                plan: nodes.baseAddress!, hotWeights: hotWeights.baseAddress!,
                                ratios: ratios.baseAddress ?? UnsafeRawPointer(none),
                                categoryWords: layout.categoryWords, row: row, phi: phi,
                                blocked: blocked, hotOnPath: hotOnPath, points: points,
                                oneMinusPoints: 1 - points, coldWeights: coldWeights)
                            let one = Vector(repeating: 1)
                            func run(_ lookup: ShapTableLookup?) {
                                for tree in trees {
                                    if let lookup, lookup.add(tree: tree, row: row, phi: phi,
                                                              categoryWords: layout.categoryWords) {
                                        continue
                                    }
                                    let root = Int(plan.roots[tree])
                                    if !nodes[root].isLeaf { _ = kernel.visit(root, 0, one) }
                                }
                            }
                            if let tables { ShapTableLookup.with(tables) { run($0) } } else { run(nil) }
                        }
                    }
                }
            }
        }
    }
}

import RiskTrees

// The path-dependent TreeSHAP recursion (Lundberg, Erion & Lee 2018, algorithm 2).
//
// Written from the paper; the layout of the path workspace (one copy of the path per recursion
// level in a single preallocated buffer, (D + 2)(D + 3)/2 elements) and the "unwound path sum"
// that avoids materialising an unwound path at each leaf follow the C++ implementations in
// shap (`tree_shap.h`), XGBoost (`src/tree/tree_model.cc`) and LightGBM (`src/io/tree.cpp`).
// Differences: everything is in Double (XGBoost uses float); a child whose zero and one
// fractions are both 0 is skipped, because every subset then gives it weight 0 (this also
// avoids a 0/0 in the unwinding); cover ratios are precomputed once per node.

/// One element of the unique feature path: the feature, the fraction of "zero" paths (feature
/// not in S: cover-weighted) and "one" paths (feature in S: 1 when the row goes that way, else 0)
/// flowing through, and the permutation weight of subsets of each size.
package struct PathElement {
    var feature: Int32
    var zeroFraction: Double
    var oneFraction: Double
    var weight: Double
}

/// The recursion over one row; pointers are valid for the duration of one `explain` call.
struct TreeShapKernel {
    /// The compiled forest (nodes, cover ratios, leaf values, bitsets).
    let forest: CompiledForest.Layout
    let row: UnsafePointer<Float>
    let phi: UnsafeMutablePointer<Double>
    /// `reciprocals[k] == 1 / k` for `k` in `1...maximumDepth + 2`: multiplications replace divisions.
    let reciprocals: UnsafePointer<Double>

    /// Appends a feature with the given zero/one fractions and updates the subset-size weights.
    @inline(__always)
    static func extend(_ path: UnsafeMutablePointer<PathElement>, _ depth: Int, _ zeroFraction: Double,
                       _ oneFraction: Double, _ feature: Int32) {
        path[depth] = PathElement(feature: feature, zeroFraction: zeroFraction, oneFraction: oneFraction,
                                  weight: depth == 0 ? 1 : 0)
        let scale = 1 / Double(depth + 1)
        // `pending` is the current weight of element i + 1, kept in a register rather than read back
        // from memory, so iterations do not wait on each other's stores.
        var pending = path[depth].weight
        var i = depth - 1
        while i >= 0 {
            let weight = path[i].weight
            path[i + 1].weight = pending + oneFraction * weight * Double(i + 1) * scale
            pending = zeroFraction * weight * Double(depth - i) * scale
            i -= 1
        }
        if depth > 0 { path[0].weight = pending }
    }

    /// Removes element `index` (undoes its extension) from a path of `depth + 1` elements.
    ///
    /// One fractions are products of 0s and 1s in the path-dependent algorithm, so a non-zero one
    /// fraction is 1 and the division by it that the paper writes is omitted.
    @inline(__always)
    func unwind(_ path: UnsafeMutablePointer<PathElement>, _ depth: Int, _ index: Int) {
        let oneFraction = path[index].oneFraction
        let zeroFraction = path[index].zeroFraction
        let total = Double(depth + 1)
        var nextOne = path[depth].weight
        var i = depth - 1
        if oneFraction != 0 {
            let zeroOverTotal = zeroFraction * reciprocals[depth + 1]
            while i >= 0 {
                let saved = path[i].weight
                let weight = nextOne * (total * reciprocals[i + 1])
                path[i].weight = weight
                nextOne = saved - weight * (zeroOverTotal * Double(depth - i))
                i -= 1
            }
        } else {
            let totalOverZero = total / zeroFraction
            while i >= 0 {
                path[i].weight = path[i].weight * (totalOverZero * reciprocals[depth - i])
                i -= 1
            }
        }
        var j = index
        while j < depth {
            path[j].feature = path[j + 1].feature
            path[j].zeroFraction = path[j + 1].zeroFraction
            path[j].oneFraction = path[j + 1].oneFraction
            j += 1
        }
    }

    /// Adds the leaf's contribution for every feature on the path (`depth + 1` elements, element 0
    /// is the root's placeholder).
    ///
    /// For each element the paper's "unwound path sum" (Σ of the weights the path would have
    /// without that element) is needed. For an element the row did not follow (one fraction 0)
    /// that sum is `(depth + 1) / zeroFraction · Σ_j weight_j / (depth − j)`, where the Σ does not
    /// depend on the element: it is computed once per leaf, so cold elements cost O(1) instead of
    /// O(depth). Hot elements (one fraction 1) need the O(depth) backward recursion, a chain of
    /// dependent multiply-adds: four of them run side by side in SIMD lanes to hide its latency.
    @inline(__always)
    func addLeaf(_ path: UnsafeMutablePointer<PathElement>, _ depth: Int, value: Double) {
        let total = Double(depth + 1)
        var coldSum = 0.0
        for j in 0..<depth { coldSum += path[j].weight * reciprocals[depth - j] }
        coldSum *= total
        var batchZero = SIMD4<Double>(repeating: 0)
        var batchIndex = SIMD4<Int32>(repeating: 0)
        var batchCount = 0
        for i in 1...depth {
            let element = path[i]
            if element.oneFraction == 0 {
                // zeroFraction != 0 here: children with both fractions 0 are never entered.
                let sum = coldSum / element.zeroFraction
                phi[Int(element.feature)] += sum * (0 - element.zeroFraction) * value
                continue
            }
            // Shift in from the right with constant lanes (a store to a variable lane would go
            // through memory and stall store-to-load forwarding).
            batchZero = SIMD4(batchZero[1], batchZero[2], batchZero[3], element.zeroFraction)
            batchIndex = SIMD4(batchIndex[1], batchIndex[2], batchIndex[3], Int32(i))
            batchCount += 1
            if batchCount == 4 {
                addHotElements(path, depth, batchZero, batchIndex, 4, value: value)
                batchCount = 0
            }
        }
        if batchCount > 0 {
            addHotElements(path, depth, batchZero, batchIndex, batchCount, value: value)
        }
    }

    /// The unwound path sums of up to four hot elements (one fraction 1) at once; the valid ones
    /// are the last `count` lanes.
    @inline(__always)
    func addHotElements(_ path: UnsafeMutablePointer<PathElement>, _ depth: Int, _ zeroFractions: SIMD4<Double>,
                        _ indices: SIMD4<Int32>, _ count: Int, value: Double) {
        let total = Double(depth + 1)
        let zeroOverTotal = zeroFractions * reciprocals[depth + 1]
        var nextOne = SIMD4<Double>(repeating: path[depth].weight)
        var sum = SIMD4<Double>(repeating: 0)
        var j = depth - 1
        while j >= 0 {
            let weight = nextOne * (total * reciprocals[j + 1])
            sum += weight
            nextOne = SIMD4<Double>(repeating: path[j].weight) - weight * (zeroOverTotal * Double(depth - j))
            j -= 1
        }
        for lane in (4 - count)..<4 {
            let element = path[Int(indices[lane])]
            phi[Int(element.feature)] += sum[lane] * (1 - element.zeroFraction) * value
        }
    }

    /// Visits `nodeIndex`, whose parent split on `parentFeature`, with the parent's path of
    /// `depth + 1` elements at `parentPath`. Recursive, at most `ModelLimits.maximumDepth` levels
    /// (the explainer is built from a validated model).
    func recurse(_ nodeIndex: Int, _ depth: Int, _ parentPath: UnsafeMutablePointer<PathElement>,
                 _ parentZero: Double, _ parentOne: Double, _ parentFeature: Int32) {
        var depth = depth
        let path = parentPath + depth + 1
        path.update(from: parentPath, count: depth + 1)
        Self.extend(path, depth, parentZero, parentOne, parentFeature)
        let node = forest.nodes[nodeIndex]
        if node.isLeaf {
            if depth > 0 { addLeaf(path, depth, value: forest.values[nodeIndex]) }
            return
        }
        let feature = Int32(node.feature)
        let left = forest.goesLeft(nodeIndex, node, row[Int(feature)])
        let leftChild = Int(node.leftChild), rightChild = leftChild + 1
        let hot = left ? leftChild : rightChild
        let cold = left ? rightChild : leftChild
        var incomingZero = 1.0
        var incomingOne = 1.0
        // A feature already on the path is unwound and re-entered with the product of its fractions.
        var k = 1
        while k <= depth && path[k].feature != feature { k += 1 }
        if k <= depth {
            incomingZero = path[k].zeroFraction
            incomingOne = path[k].oneFraction
            unwind(path, depth, k)
            depth -= 1
        }
        let hotZero = incomingZero * forest.coverFractions[hot]
        let coldZero = incomingZero * forest.coverFractions[cold]
        if hotZero != 0 || incomingOne != 0 {
            recurse(hot, depth + 1, path, hotZero, incomingOne, feature)
        }
        if coldZero != 0 {
            recurse(cold, depth + 1, path, coldZero, 0, feature)
        }
    }
}

extension TreeExplainer {
    /// Adds the contributions of `trees` for `row` to `phi` by the path recursion (tabulated trees
    /// by lookup when `tables` is given), using `path` as workspace (`pathCapacity` elements).
    func accumulateByPathRecursion(_ trees: Range<Int>, tables: ShapTables?, row: UnsafePointer<Float>,
                                   phi: UnsafeMutablePointer<Double>, path: UnsafeMutablePointer<PathElement>) {
        forest.withLayout { layout in
            reciprocals.withUnsafeBufferPointer { reciprocals in
                let kernel = TreeShapKernel(forest: layout, row: row, phi: phi, reciprocals: reciprocals.baseAddress!)
                func run(_ lookup: ShapTableLookup?) {
                    for tree in trees {
                        if let lookup, lookup.add(tree: tree, row: row, phi: phi, categoryWords: layout.categoryWords) {
                            continue
                        }
                        kernel.recurse(Int(forest.roots[tree]), 0, path, 1, 1, -1)
                    }
                }
                if let tables { ShapTableLookup.with(tables) { run($0) } } else { run(nil) }
            }
        }
    }
}

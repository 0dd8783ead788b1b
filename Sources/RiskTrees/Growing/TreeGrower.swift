import RiskData

/// Grows one regression tree on binned data from gradients and hessians.
///
/// One grower lives for a whole training run and reuses every buffer: the row partition (rows of
/// a node are contiguous, LightGBM's `DataPartition`), the ordered-gradient buffers, the histogram
/// pool and the per-feature split candidates. Growing a tree allocates only the node list.
///
/// Per split: partition the parent's rows (stable, parallel over row chunks), build the smaller
/// child's histogram, derive the larger child's as parent − smaller in the parent's slot, then
/// find both children's best splits — one parallel pass over features. Anchors: LightGBM
/// `SerialTreeLearner::Train` / `BeforeFindBestSplit` (smaller/larger leaf), scikit-learn
/// `grower.py` (`split_next`, histogram subtraction).
package final class TreeGrower {
    package let configuration: BoostedTreesConfiguration
    package let finder: SplitFinder
    package let binned: BinnedMatrix
    package let mappers: [FeatureBinMapper]
    package let pool: HistogramPool
    /// Monotone direction per feature (`-1`, `0`, `1`); empty when no feature is constrained.
    package let monotone: [Int8]
    /// Row indices; the rows of each leaf are contiguous.
    package internal(set) var partition: [UInt32]
    var scratch: [UInt32]
    var orderedGradients: [Float]
    var orderedHessians: [Float]
    private var smallCandidates: [SplitCandidate]
    private var largeCandidates: [SplitCandidate]
    private var chunkLeftCounts: [Int]
    package internal(set) var nodes: [GrowingNode] = []
    package internal(set) var leaves: [LeafState] = []
    /// `true` while the root holds every row in order (no row subsample): its histogram reads columns directly.
    var rootHoldsAllRows = false

    var threadCount: Int { configuration.threadCount }

    package init(configuration: BoostedTreesConfiguration, binned: BinnedMatrix, mappers: [FeatureBinMapper],
                 monotone: [Int8] = []) {
        precondition(monotone.isEmpty || monotone.count == binned.featureCount, "one monotone direction per feature")
        self.configuration = configuration
        self.monotone = monotone
        self.finder = SplitFinder(configuration: configuration)
        self.binned = binned
        self.mappers = mappers
        self.pool = HistogramPool(featureCount: binned.featureCount)
        partition = [UInt32](repeating: 0, count: binned.rowCount)
        scratch = [UInt32](repeating: 0, count: binned.rowCount)
        orderedGradients = [Float](repeating: 0, count: binned.rowCount)
        orderedHessians = [Float](repeating: 0, count: binned.rowCount)
        smallCandidates = [SplitCandidate](repeating: SplitCandidate(), count: binned.featureCount)
        largeCandidates = [SplitCandidate](repeating: SplitCandidate(), count: binned.featureCount)
        chunkLeftCounts = [Int](repeating: 0, count: max(1, configuration.threadCount))
    }

    /// The leaf value −G/(H+λ) × learning rate.
    @inline(__always)
    package func leafValue(_ totals: NodeTotals) -> Double {
        -totals.gradient / (totals.hessian + configuration.l2Regularization) * configuration.learningRate
    }

    /// −G/(H+λ) kept inside [`lower`, `upper`] (before the learning rate): the output of a leaf below
    /// monotone splits. With infinite bounds it is −G/(H+λ) itself, so unconstrained trees are unchanged.
    @inline(__always)
    func boundedOutput(_ totals: NodeTotals, lower: Double, upper: Double) -> Double {
        min(max(-totals.gradient / (totals.hessian + configuration.l2Regularization), lower), upper)
    }

    /// The bounds of the two children of a split on `feature` of a node bounded by [`lower`, `upper`]
    /// whose children's bounded outputs are `left` and `right`: inherited, and for a monotone feature
    /// cut at their midpoint (the lower side gets the half below it).
    func childBounds(feature: Int, left: Double, right: Double, lower: Double, upper: Double)
        -> (left: (Double, Double), right: (Double, Double)) {
        let direction = monotone.isEmpty ? 0 : monotone[feature]
        guard direction != 0 else { return ((lower, upper), (lower, upper)) }
        let middle = (left + right) / 2
        return direction > 0 ? ((lower, middle), (middle, upper)) : ((middle, upper), (lower, middle))
    }

    /// Monotone direction of `feature` (0 when free).
    @inline(__always)
    func direction(_ feature: Int) -> Int8 { monotone.isEmpty ? 0 : monotone[feature] }

    /// Grows a tree on `rows` (the sampled rows, increasing) with the given per-row gradients.
    ///
    /// - Parameters:
    ///   - rows: Training rows of this tree; `nil` = all rows.
    ///   - features: Features this tree may split on, increasing.
    /// - Postcondition: `nodes` holds the tree; `leaves` the final leaves and their row ranges.
    package func grow(rows: [UInt32]?, features: [Int], gradients: UnsafePointer<Float>,
                      hessians: UnsafePointer<Float>) {
        pool.reset()
        nodes.removeAll(keepingCapacity: true)
        leaves.removeAll(keepingCapacity: true)
        let rowCount: Int
        if let rows {
            rowCount = rows.count
            partition.withUnsafeMutableBufferPointer { p in
                rows.withUnsafeBufferPointer { r in
                    if rowCount > 0 { p.baseAddress!.update(from: r.baseAddress!, count: rowCount) }
                }
            }
        } else {
            rowCount = binned.rowCount
            partition.withUnsafeMutableBufferPointer { p in
                for i in 0..<rowCount { p[i] = UInt32(truncatingIfNeeded: i) }
            }
        }
        // Root totals, summed in row order.
        var totals = NodeTotals(gradient: 0, hessian: 0, count: rowCount)
        partition.withUnsafeBufferPointer { p in
            for i in 0..<rowCount {
                totals.gradient += Double(gradients[Int(p[i])])
                totals.hessian += Double(hessians[Int(p[i])])
            }
        }
        nodes.append(GrowingNode(totals: totals, depth: 0, value: leafValue(totals)))
        if configuration.growthPolicy == .symmetric {
            rootHoldsAllRows = rows == nil
            defer { rootHoldsAllRows = false }
            growSymmetric(rowCount: rowCount, features: features, gradients: gradients, hessians: hessians)
            return
        }
        var root = LeafState(node: 0, start: 0, count: rowCount, slot: -1, best: SplitCandidate())
        rootHoldsAllRows = rows == nil
        defer { rootHoldsAllRows = false }
        if canSplit(totals: totals, depth: 0) {
            root.slot = pool.acquire()
            root.best = buildAndFind(small: (root.start, root.count, root.slot, true, totals,
                                             -.infinity, .infinity), large: nil,
                                     parentSlot: -1,
                                     features: features, gradients: gradients, hessians: hessians).small
        }
        leaves.append(root)

        while leaves.count < configuration.maximumLeafCount {
            guard let chosen = chooseLeaf() else { break }
            split(leafIndex: chosen, features: features, gradients: gradients, hessians: hessians)
        }
        for i in leaves.indices where leaves[i].slot >= 0 {
            pool.release(leaves[i].slot)
            leaves[i].slot = -1
        }
    }

    func canSplit(totals: NodeTotals, depth: Int) -> Bool {
        // Without a configured depth, leaf-wise trees stop at the depth every model must respect.
        if depth >= configuration.maximumDepth ?? ModelLimits.standard.maximumDepth { return false }
        return totals.count >= 2 * configuration.minimumSamplesPerLeaf
            && totals.hessian >= 2 * configuration.minimumChildWeight
    }

    /// The next leaf to split: largest gain (leaf-wise) or shallowest (depth-wise); ties → lower node id.
    private func chooseLeaf() -> Int? {
        var chosen: Int? = nil
        for i in leaves.indices where leaves[i].slot >= 0 && leaves[i].best.isValid {
            guard let c = chosen else { chosen = i; continue }
            let a = leaves[i], b = leaves[c]
            let better: Bool
            switch configuration.growthPolicy {
            case .leafWise:
                better = a.best.gain > b.best.gain || (a.best.gain == b.best.gain && a.node < b.node)
            case .depthWise, .symmetric:
                let da = nodes[a.node].depth, db = nodes[b.node].depth
                better = da < db || (da == db && a.node < b.node)
            }
            if better { chosen = i }
        }
        return chosen
    }

    private func split(leafIndex: Int, features: [Int], gradients: UnsafePointer<Float>,
                       hessians: UnsafePointer<Float>) {
        let leaf = leaves[leafIndex]
        let best = leaf.best
        let leftCount = partitionRows(start: leaf.start, count: leaf.count, split: best)
        precondition(leftCount == best.left.count, "partition disagrees with the histogram")
        let depth = nodes[leaf.node].depth + 1
        let leftNode = nodes.count, rightNode = nodes.count + 1
        nodes[leaf.node].leftChild = Int32(leftNode)
        nodes[leaf.node].rightChild = Int32(rightNode)
        nodes[leaf.node].split = best
        let lower = nodes[leaf.node].lowerBound, upper = nodes[leaf.node].upperBound
        let leftOutput = boundedOutput(best.left, lower: lower, upper: upper)
        let rightOutput = boundedOutput(best.right, lower: lower, upper: upper)
        let bounds = childBounds(feature: best.feature, left: leftOutput, right: rightOutput, lower: lower, upper: upper)
        var leftChild = GrowingNode(totals: best.left, depth: depth, value: leftOutput * configuration.learningRate)
        var rightChild = GrowingNode(totals: best.right, depth: depth, value: rightOutput * configuration.learningRate)
        (leftChild.lowerBound, leftChild.upperBound) = bounds.left
        (rightChild.lowerBound, rightChild.upperBound) = bounds.right
        nodes.append(leftChild)
        nodes.append(rightChild)
        var left = LeafState(node: leftNode, start: leaf.start, count: leftCount, slot: -1, best: SplitCandidate())
        var right = LeafState(node: rightNode, start: leaf.start + leftCount, count: leaf.count - leftCount, slot: -1,
                              best: SplitCandidate())
        let roomToGrow = leaves.count + 1 < configuration.maximumLeafCount
        let needLeft = roomToGrow && canSplit(totals: best.left, depth: depth)
        let needRight = roomToGrow && canSplit(totals: best.right, depth: depth)
        if needLeft || needRight {
            let leftIsSmall = left.count <= right.count
            let smallNeeded = leftIsSmall ? needLeft : needRight
            let largeNeeded = leftIsSmall ? needRight : needLeft
            let small = leftIsSmall ? left : right
            let smallSlot = pool.acquire()
            let smallTotals = leftIsSmall ? best.left : best.right
            let largeTotals = leftIsSmall ? best.right : best.left
            let smallBounds = leftIsSmall ? bounds.left : bounds.right
            let largeBounds = leftIsSmall ? bounds.right : bounds.left
            let found = buildAndFind(small: (small.start, small.count, smallSlot, smallNeeded, smallTotals,
                                             smallBounds.0, smallBounds.1),
                                     large: largeNeeded ? (largeTotals, largeBounds.0, largeBounds.1) : nil,
                                     parentSlot: leaf.slot, features: features,
                                     gradients: gradients, hessians: hessians)
            if !largeNeeded { pool.release(leaf.slot) }
            if !smallNeeded { pool.release(smallSlot) }
            if leftIsSmall {
                left.slot = smallNeeded ? smallSlot : -1
                left.best = found.small
                right.slot = largeNeeded ? leaf.slot : -1
                right.best = found.large
            } else {
                right.slot = smallNeeded ? smallSlot : -1
                right.best = found.small
                left.slot = largeNeeded ? leaf.slot : -1
                left.best = found.large
            }
        } else {
            pool.release(leaf.slot)
        }
        leaves[leafIndex] = left
        leaves.append(right)
    }

    /// Builds the histogram of `small` into its slot, optionally derives `large` = parent − small in
    /// the parent's slot, and finds the best split of each child that needs one.
    func buildAndFind(
        small: (start: Int, count: Int, slot: Int, find: Bool, totals: NodeTotals, lower: Double, upper: Double),
        large: (totals: NodeTotals, lower: Double, upper: Double)?, parentSlot: Int, features: [Int],
        gradients: UnsafePointer<Float>,
        hessians: UnsafePointer<Float>
    ) -> (small: SplitCandidate, large: SplitCandidate) {
        let sequential = rootHoldsAllRows && parentSlot < 0
        if !sequential {
            gatherOrderedGradients(start: small.start, count: small.count, gradients: gradients, hessians: hessians)
        }
        let pool = self.pool, finder = self.finder, mappers = self.mappers, monotone = self.monotone
        let n = binned.rowCount
        partition.withUnsafeBufferPointer { partitionBuffer in
        binned.bins.withUnsafeBufferPointer { bins in
        orderedGradients.withUnsafeBufferPointer { og in
        orderedHessians.withUnsafeBufferPointer { oh in
        smallCandidates.withUnsafeMutableBufferPointer { smallOut in
        largeCandidates.withUnsafeMutableBufferPointer { largeOut in
            // Small nodes are not worth waking a second thread (results do not depend on it).
            let threads = small.count * features.count < 1 << 16 ? 1 : threadCount
            ParallelLoop.forEachChunk(count: features.count, threadCount: threads) { _, range in
                for k in range {
                    let feature = features[k]
                    let smallHistogram = pool.histogram(slot: small.slot, feature: feature)
                    if sequential {
                        HistogramKernels.buildAllRows(histogram: smallHistogram,
                                                      column: bins.baseAddress! + feature * n, count: small.count,
                                                      gradients: gradients, hessians: hessians)
                    } else {
                        HistogramKernels.build(histogram: smallHistogram, column: bins.baseAddress! + feature * n,
                                               rows: partitionBuffer.baseAddress! + small.start, count: small.count,
                                               orderedGradients: og.baseAddress!, orderedHessians: oh.baseAddress!)
                    }
                    let direction = monotone.isEmpty ? 0 : monotone[feature]
                    smallOut[k] = small.find
                        ? finder.bestSplit(feature: feature, mapper: mappers[feature],
                                           histogram: smallHistogram, totals: small.totals,
                                           monotone: direction, lower: small.lower, upper: small.upper)
                        : SplitCandidate()
                    if let large {
                        let largeHistogram = pool.histogram(slot: parentSlot, feature: feature)
                        HistogramKernels.subtract(parent: largeHistogram, child: smallHistogram)
                        largeOut[k] = finder.bestSplit(feature: feature, mapper: mappers[feature],
                                                       histogram: largeHistogram, totals: large.totals,
                                                       monotone: direction, lower: large.lower, upper: large.upper)
                    } else {
                        largeOut[k] = SplitCandidate()
                    }
                }
            }
        }}}}}}
        return (reduce(smallCandidates, count: features.count), reduce(largeCandidates, count: features.count))
    }

    func gatherOrderedGradients(start: Int, count: Int, gradients: UnsafePointer<Float>,
                                        hessians: UnsafePointer<Float>) {
        partition.withUnsafeBufferPointer { p in
        orderedGradients.withUnsafeMutableBufferPointer { og in
        orderedHessians.withUnsafeMutableBufferPointer { oh in
            ParallelLoop.forEachChunk(count: count, threadCount: threadCount, minimumChunk: 1 << 15) { _, range in
                for i in range {
                    let row = Int(p[start + i])
                    og[i] = gradients[row]
                    oh[i] = hessians[row]
                }
            }
        }}}
    }

    private func reduce(_ candidates: [SplitCandidate], count: Int) -> SplitCandidate {
        var best = SplitCandidate()
        for k in 0..<count where candidates[k].isValid && candidates[k].gain > best.gain { best = candidates[k] }
        return best
    }

    /// Stable partition of `partition[start..<start+count]` by `split`; returns the left count.
    /// Chunks partition locally into `scratch` (lefts from the front, rights from the back), then
    /// copy to their final offsets, so the result equals the serial stable partition.
    func partitionRows(start: Int, count: Int, split: SplitCandidate) -> Int {
        let n = binned.rowCount
        let chunks = ParallelLoop.chunkCount(count: count, threadCount: threadCount, minimumChunk: 1 << 15)
        var totalLeft = 0
        partition.withUnsafeMutableBufferPointer { p in
        scratch.withUnsafeMutableBufferPointer { s in
        binned.bins.withUnsafeBufferPointer { bins in
        chunkLeftCounts.withUnsafeMutableBufferPointer { leftCounts in
            let column = bins.baseAddress! + split.feature * n
            ParallelLoop.forEachChunk(count: count, threadCount: threadCount, minimumChunk: 1 << 15) { chunk, range in
                var left = start + range.lowerBound
                var right = start + range.upperBound
                for i in range {
                    let row = p[start + i]
                    if split.goesLeft(bin: column[Int(row)]) {
                        s[left] = row
                        left += 1
                    } else {
                        right -= 1
                        s[right] = row
                    }
                }
                leftCounts[chunk] = left - (start + range.lowerBound)
            }
            for c in 0..<chunks { totalLeft += leftCounts[c] }
            ParallelLoop.forEachChunk(count: count, threadCount: threadCount, minimumChunk: 1 << 15) { chunk, range in
                var leftOffset = start, rightOffset = start + totalLeft
                for c in 0..<chunk {
                    let r = ParallelLoop.range(of: c, count: count, chunkCount: chunks)
                    leftOffset += leftCounts[c]
                    rightOffset += r.count - leftCounts[c]
                }
                let lefts = leftCounts[chunk]
                let regionStart = start + range.lowerBound, regionEnd = start + range.upperBound
                for j in 0..<lefts { p[leftOffset + j] = s[regionStart + j] }
                var destination = rightOffset
                var source = regionEnd - 1
                while source >= regionStart + lefts {
                    p[destination] = s[source]
                    destination += 1
                    source -= 1
                }
            }
        }}}}
        return totalLeft
    }
}

import RiskData

// Symmetric (oblivious) trees: every node of a level asks the same question (feature, threshold,
// missing direction or category set), so a tree of depth D is a table of 2^D leaves indexed by D
// yes/no answers. Anchors, read not copied: Lou & Obukhov (2017), "BDT: Gradient Boosted Decision
// Tables for High Accuracy and Scoring Efficiency" (KDD), and CatBoost's `SymmetricTree` grow policy
// (Prokhorenkova et al. 2018; catboost.ai docs, "grow_policy"). Why we have them: exact TreeSHAP of
// such a tree depends on the D answers only, so `TreeExplainer` tabulates it once per model and
// explains a row in about the time it takes to predict it (Docs/Trees.md).
//
// The question of a level maximises the sum over the level's nodes of each node's own gain
// G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ). A node whose children would break `minimumSamplesPerLeaf`
// or `minimumChildWeight` contributes 0 to that sum but is still split (its children may be small or
// empty; an empty leaf's value is 0). Candidates are evaluated from every node's histogram:
// numeric features at every bin threshold with missing values left, then right (the same two
// families as `SplitFinder`); categorical features by LightGBM's sorted-ratio order computed on the
// level's summed histogram, prefixes from both ends. Ties keep the first candidate in (feature,
// missing-left-first, threshold) order, so the tree does not depend on the thread count.

extension TreeGrower {
    /// Depth of a symmetric tree when `maximumDepth` is nil.
    package static let defaultSymmetricDepth = 6

    /// Grows a symmetric tree level by level from the root (node 0, rows `partition[0..<rowCount]`).
    func growSymmetric(rowCount: Int, features: [Int], gradients: UnsafePointer<Float>,
                       hessians: UnsafePointer<Float>) {
        let depthLimit = configuration.maximumDepth ?? Self.defaultSymmetricDepth
        var level = [LeafState(node: 0, start: 0, count: rowCount, slot: -1, best: SplitCandidate())]
        var depth = 0
        if depthLimit > 0 && !features.isEmpty {
            level[0].slot = pool.acquire()
            buildHistograms(start: 0, count: rowCount, slot: level[0].slot, parentSlot: -1,
                            sequential: rootHoldsAllRows, features: features, gradients: gradients,
                            hessians: hessians)
        }
        while depth < depthLimit, !features.isEmpty, let split = bestSymmetricSplit(level, features: features) {
            var next: [LeafState] = []
            next.reserveCapacity(level.count * 2)
            let last = depth + 1 == depthLimit
            for state in level {
                let parentTotals = nodes[state.node].totals
                let histogram = pool.histogram(slot: state.slot, feature: split.feature)
                var leftTotals = NodeTotals(gradient: 0, hessian: 0, count: 0)
                var leftCountSum = 0.0
                for b in 0..<FeatureBinMapper.histogramBinCount where split.goesLeft(bin: UInt8(b)) {
                    leftTotals.gradient += histogram[b].gradient
                    leftTotals.hessian += histogram[b].hessian
                    leftCountSum += histogram[b].count
                }
                leftTotals.count = Int(leftCountSum)
                let rightTotals = NodeTotals(gradient: parentTotals.gradient - leftTotals.gradient,
                                             hessian: parentTotals.hessian - leftTotals.hessian,
                                             count: parentTotals.count - leftTotals.count)
                // An empty node (possible in a symmetric tree) has nothing to partition.
                let leftCount = state.count == 0 ? 0 : partitionRows(start: state.start, count: state.count, split: split)
                precondition(leftCount == leftTotals.count, "partition disagrees with the histogram")
                var nodeSplit = split
                nodeSplit.gain = nodeGain(parentTotals, leftTotals, rightTotals)
                nodeSplit.left = leftTotals
                nodeSplit.right = rightTotals
                let leftNode = nodes.count, rightNode = nodes.count + 1
                nodes[state.node].leftChild = Int32(leftNode)
                nodes[state.node].rightChild = Int32(rightNode)
                nodes[state.node].split = nodeSplit
                let (leftChild, rightChild) = symmetricChildren(parent: nodes[state.node], feature: split.feature,
                                                                left: leftTotals, right: rightTotals,
                                                                depth: depth + 1)
                nodes.append(leftChild)
                nodes.append(rightChild)
                var left = LeafState(node: leftNode, start: state.start, count: leftCount, slot: -1,
                                     best: SplitCandidate())
                var right = LeafState(node: rightNode, start: state.start + leftCount, count: state.count - leftCount,
                                      slot: -1, best: SplitCandidate())
                if last {
                    pool.release(state.slot)
                } else {
                    // Build the smaller child's histogram; the larger one is parent − smaller, in place.
                    let leftIsSmall = left.count <= right.count
                    let small = leftIsSmall ? left : right
                    let smallSlot = pool.acquire()
                    buildHistograms(start: small.start, count: small.count, slot: smallSlot, parentSlot: state.slot,
                                    sequential: false, features: features, gradients: gradients, hessians: hessians)
                    left.slot = leftIsSmall ? smallSlot : state.slot
                    right.slot = leftIsSmall ? state.slot : smallSlot
                }
                next.append(left)
                next.append(right)
            }
            level = next
            depth += 1
        }
        for state in level where state.slot >= 0 { pool.release(state.slot) }
        leaves = level.map { state in
            var leaf = state
            leaf.slot = -1
            return leaf
        }
    }

    /// The two children of a node of a symmetric tree. An empty child (possible here) gets 0, kept
    /// inside the node's bounds. On a monotone feature the level's question cannot be refused for
    /// one node, so a node whose children's outputs would be out of order gives both children its
    /// own output (an empty child counts as having it too); the children's bounds are then cut at
    /// the midpoint, as in leaf-wise growth.
    func symmetricChildren(parent: GrowingNode, feature: Int, left: NodeTotals, right: NodeTotals, depth: Int)
        -> (GrowingNode, GrowingNode) {
        let lower = parent.lowerBound, upper = parent.upperBound
        let rate = configuration.learningRate
        let direction = self.direction(feature)
        guard direction != 0 else {
            func output(_ totals: NodeTotals) -> Double {
                totals.count == 0 ? min(max(0, lower), upper) : boundedOutput(totals, lower: lower, upper: upper)
            }
            var l = GrowingNode(totals: left, depth: depth, value: output(left) * rate)
            var r = GrowingNode(totals: right, depth: depth, value: output(right) * rate)
            (l.lowerBound, l.upperBound) = (lower, upper)
            (r.lowerBound, r.upperBound) = (lower, upper)
            return (l, r)
        }
        let own = boundedOutput(parent.totals, lower: lower, upper: upper)
        var leftOutput = left.count == 0 ? own : boundedOutput(left, lower: lower, upper: upper)
        var rightOutput = right.count == 0 ? own : boundedOutput(right, lower: lower, upper: upper)
        if direction > 0 ? leftOutput > rightOutput : leftOutput < rightOutput {
            leftOutput = own
            rightOutput = own
        }
        let bounds = childBounds(feature: feature, left: leftOutput, right: rightOutput, lower: lower, upper: upper)
        var l = GrowingNode(totals: left, depth: depth, value: leftOutput * rate)
        var r = GrowingNode(totals: right, depth: depth, value: rightOutput * rate)
        (l.lowerBound, l.upperBound) = bounds.left
        (r.lowerBound, r.upperBound) = bounds.right
        return (l, r)
    }

    /// One node's gain for a split into `left` and `right`, or 0 when a child breaks the constraints.
    @inline(__always)
    func nodeGain(_ parent: NodeTotals, _ left: NodeTotals, _ right: NodeTotals) -> Double {
        nodeGain(parent: parent, leftGradient: left.gradient, leftHessian: left.hessian, leftCount: Double(left.count))
    }

    @inline(__always)
    func nodeGain(parent: NodeTotals, leftGradient: Double, leftHessian: Double, leftCount: Double) -> Double {
        nodeGain(parent: parent, parentScore: finder.score(parent.gradient, parent.hessian),
                 leftGradient: leftGradient, leftHessian: leftHessian, leftCount: leftCount)
    }

    /// `nodeGain` with the parent's G²/(H+λ) computed once by the caller.
    @inline(__always)
    func nodeGain(parent: NodeTotals, parentScore: Double, leftGradient: Double, leftHessian: Double,
                  leftCount: Double) -> Double {
        let rightCount = Double(parent.count) - leftCount
        let rightHessian = parent.hessian - leftHessian
        let minimumCount = Double(configuration.minimumSamplesPerLeaf)
        let minimumWeight = configuration.minimumChildWeight
        guard leftCount >= minimumCount, rightCount >= minimumCount,
              leftHessian >= minimumWeight, rightHessian >= minimumWeight else { return 0 }
        let rightGradient = parent.gradient - leftGradient
        return finder.score(leftGradient, leftHessian) + finder.score(rightGradient, rightHessian) - parentScore
    }

    /// Builds the histogram of `partition[start..<start+count]` into `slot` for every feature in
    /// `features`; with a parent slot, also turns the parent's histogram into the sibling's (parent − child).
    func buildHistograms(start: Int, count: Int, slot: Int, parentSlot: Int, sequential: Bool, features: [Int],
                         gradients: UnsafePointer<Float>, hessians: UnsafePointer<Float>) {
        if !sequential {
            gatherOrderedGradients(start: start, count: count, gradients: gradients, hessians: hessians)
        }
        let pool = self.pool
        let n = binned.rowCount
        partition.withUnsafeBufferPointer { partitionBuffer in
        binned.bins.withUnsafeBufferPointer { bins in
        orderedGradients.withUnsafeBufferPointer { og in
        orderedHessians.withUnsafeBufferPointer { oh in
            let threads = count * features.count < 1 << 16 ? 1 : threadCount
            ParallelLoop.forEachChunk(count: features.count, threadCount: threads) { _, range in
                for k in range {
                    let feature = features[k]
                    let histogram = pool.histogram(slot: slot, feature: feature)
                    if sequential {
                        HistogramKernels.buildAllRows(histogram: histogram, column: bins.baseAddress! + feature * n,
                                                      count: count, gradients: gradients, hessians: hessians)
                    } else {
                        HistogramKernels.build(histogram: histogram, column: bins.baseAddress! + feature * n,
                                               rows: partitionBuffer.baseAddress! + start, count: count,
                                               orderedGradients: og.baseAddress!, orderedHessians: oh.baseAddress!)
                    }
                    if parentSlot >= 0 {
                        HistogramKernels.subtract(parent: pool.histogram(slot: parentSlot, feature: feature),
                                                  child: histogram)
                    }
                }
            }
        }}}}
    }

    /// The level's best question, or nil when no candidate has a total gain above
    /// `minimumSplitGain` (and above 0).
    func bestSymmetricSplit(_ level: [LeafState], features: [Int]) -> SplitCandidate? {
        var perFeature = [SplitCandidate](repeating: SplitCandidate(), count: features.count)
        let totals = level.map { nodes[$0.node].totals }
        let slots = level.map(\.slot)
        perFeature.withUnsafeMutableBufferPointer { out in
            let threads = level.count * features.count < 64 ? 1 : threadCount
            ParallelLoop.forEachChunk(count: features.count, threadCount: threads) { _, range in
                for k in range {
                    let feature = features[k]
                    out[k] = mappers[feature].isCategorical
                        ? symmetricCategoricalSplit(feature: feature, totals: totals, slots: slots)
                        : symmetricNumericSplit(feature: feature, totals: totals, slots: slots)
                }
            }
        }
        var best = SplitCandidate()
        for candidate in perFeature where candidate.isValid && candidate.gain > best.gain { best = candidate }
        return best.isValid ? best : nil
    }

    /// Best numeric question on `feature` for the level: Σ node gains per (threshold, missing side).
    private func symmetricNumericSplit(feature: Int, totals: [NodeTotals], slots: [Int]) -> SplitCandidate {
        let valueBins = mappers[feature].valueBinCount
        var best = SplitCandidate()
        guard valueBins >= 2 else { return best }
        let missingBin = Int(FeatureBinMapper.missingBin)
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * valueBins) { sums in
            // sums[b]: Σ gain with missing left, threshold b; sums[valueBins + b]: missing right.
            sums.initialize(repeating: 0)
            var levelHasMissing = false
            for (node, slot) in zip(totals, slots) {
                let histogram = pool.histogram(slot: slot, feature: feature)
                let missing = histogram[missingBin]
                let nodeHasMissing = missing.count > 0
                if nodeHasMissing { levelHasMissing = true }
                let parentScore = finder.score(node.gradient, node.hessian)
                var gradient = 0.0, hessian = 0.0, count = 0.0
                // An empty bin leaves the partition, hence the gain, of the previous threshold.
                var missingLeftGain = 0.0, missingRightGain = 0.0
                for b in 0..<valueBins {
                    let bin = histogram[b]
                    if bin.count != 0 || b == 0 {
                        gradient += bin.gradient
                        hessian += bin.hessian
                        count += bin.count
                        missingLeftGain = nodeGain(parent: node, parentScore: parentScore,
                                                   leftGradient: gradient + missing.gradient,
                                                   leftHessian: hessian + missing.hessian,
                                                   leftCount: count + missing.count)
                        // Without missing values in the node both families are the same partition.
                        missingRightGain = nodeHasMissing
                            ? nodeGain(parent: node, parentScore: parentScore, leftGradient: gradient,
                                       leftHessian: hessian, leftCount: count)
                            : missingLeftGain
                    }
                    if b < valueBins - 1 { sums[b] += missingLeftGain }
                    sums[valueBins + b] += missingRightGain
                }
            }
            let minimumGain = max(0, finder.minimumSplitGain)
            for side in 0..<(levelHasMissing ? 2 : 1) {
                for b in 0..<(side == 0 ? valueBins - 1 : valueBins) {
                    let gain = sums[side * valueBins + b]
                    if gain > best.gain && gain > minimumGain {
                        best.feature = feature
                        best.gain = gain
                        best.binThreshold = UInt8(b)
                        best.missingGoesLeft = side == 0
                    }
                }
            }
            return best
        }
    }

    /// Best categorical question on `feature` for the level: categories with enough rows in the level,
    /// ordered by the level's Σ gradient / (Σ hessian + smoothing), left sets grown from either end.
    /// Missing values and the shared "other" bin go right, as in `SplitFinder`.
    private func symmetricCategoricalSplit(feature: Int, totals: [NodeTotals], slots: [Int]) -> SplitCandidate {
        let mapper = mappers[feature]
        var best = SplitCandidate()
        let histograms = slots.map { pool.histogram(slot: $0, feature: feature) }
        let minimumCategoryCount = Double(finder.minimumSamplesPerCategory)
        var candidates: [(bin: Int, ratio: Double)] = []
        for b in 0..<mapper.ownCategoryCount {
            var gradient = 0.0, hessian = 0.0, count = 0.0
            for h in histograms {
                gradient += h[b].gradient
                hessian += h[b].hessian
                count += h[b].count
            }
            if count >= minimumCategoryCount {
                candidates.append((b, gradient / (hessian + finder.categoricalSmoothing)))
            }
        }
        guard !candidates.isEmpty else { return best }
        candidates.sort { $0.ratio < $1.ratio || ($0.ratio == $1.ratio && $0.bin < $1.bin) }
        let used = candidates.count
        let maximumCategories = min(finder.maximumCategoriesPerSplit, (used + 1) / 2)
        let minimumGain = max(0, finder.minimumSplitGain)
        var leftSums = [(gradient: Double, hessian: Double, count: Double)](repeating: (0, 0, 0),
                                                                            count: histograms.count)
        for direction in 0..<2 {
            for j in leftSums.indices { leftSums[j] = (0, 0, 0) }
            for i in 0..<min(used, maximumCategories) {
                let b = candidates[direction == 1 ? used - 1 - i : i].bin
                var gain = 0.0
                for (j, h) in histograms.enumerated() {
                    leftSums[j].gradient += h[b].gradient
                    leftSums[j].hessian += h[b].hessian
                    leftSums[j].count += h[b].count
                    gain += nodeGain(parent: totals[j], leftGradient: leftSums[j].gradient,
                                     leftHessian: leftSums[j].hessian, leftCount: leftSums[j].count)
                }
                if gain > best.gain && gain > minimumGain {
                    var bits: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
                    for k in 0...i { SplitCandidate.insert(&bits, candidates[direction == 1 ? used - 1 - k : k].bin) }
                    best.feature = feature
                    best.gain = gain
                    best.isCategorical = true
                    best.leftBins = bits
                    best.missingGoesLeft = false
                }
            }
        }
        return best
    }
}

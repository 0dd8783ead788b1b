/// Finds the best split of a node on one feature from its histogram.
///
/// Numeric features: every bin threshold, with missing values tried on the left and on the right
/// (XGBoost's "sparsity-aware" default direction, LightGBM's two scans for `missing_type = NaN`,
/// in LightGBM's order so ties resolve alike). When the node has no missing value, missing values
/// go left (LightGBM's `default_left = true`).
///
/// Categorical features: LightGBM's many-vs-many search (`FindBestThresholdCategoricalInner`):
/// categories with at least `minimumSamplesPerCategory` rows are sorted by
/// Σ gradient / (Σ hessian + `categoricalSmoothing`) and the left set is grown from either end of
/// that order, up to `maximumCategoriesPerSplit` categories; a prefix is evaluated each time at least
/// `minimumSamplesPerCategory` more rows joined the left side. Missing values go right, like unseen
/// codes (LightGBM's rule; give "missing" its own code upstream when its direction matters).
package struct SplitFinder: Sendable {
    package var l2Regularization: Double
    package var minimumChildWeight: Double
    package var minimumSamplesPerLeaf: Int
    package var minimumSplitGain: Double
    package var maximumCategoriesPerSplit: Int
    package var categoricalSmoothing: Double
    package var minimumSamplesPerCategory: Int

    package init(configuration: BoostedTreesConfiguration) {
        l2Regularization = configuration.l2Regularization
        minimumChildWeight = configuration.minimumChildWeight
        minimumSamplesPerLeaf = configuration.minimumSamplesPerLeaf
        minimumSplitGain = configuration.minimumSplitGain
        maximumCategoriesPerSplit = configuration.maximumCategoriesPerSplit
        categoricalSmoothing = configuration.categoricalSmoothing
        minimumSamplesPerCategory = configuration.minimumSamplesPerCategory
    }

    /// G²/(H+λ): the (negated, doubled) optimal loss of a leaf.
    @inline(__always)
    package func score(_ gradient: Double, _ hessian: Double) -> Double {
        gradient * gradient / (hessian + l2Regularization)
    }

    /// Whether children with these totals put their outputs, kept inside [`lower`, `upper`], in the
    /// order `direction` asks (`1`: left ≤ right, since the left child holds the lower values).
    @inline(__always)
    func ordered(direction: Int8, lower: Double, upper: Double, leftGradient: Double, leftHessian: Double,
                 rightGradient: Double, rightHessian: Double) -> Bool {
        let left = min(max(-leftGradient / (leftHessian + l2Regularization), lower), upper)
        let right = min(max(-rightGradient / (rightHessian + l2Regularization), lower), upper)
        return direction > 0 ? left <= right : left >= right
    }

    /// The best split of `feature`, or an invalid candidate when no split passes the constraints
    /// or has gain > `minimumSplitGain`. With a monotone `direction` (`1` or `-1`), a threshold is
    /// kept only when its children's outputs, kept inside the node's bounds [`lower`, `upper`],
    /// are in that order; the gain is the unconstrained one.
    package func bestSplit(feature: Int, mapper: FeatureBinMapper, histogram: UnsafePointer<HistogramBin>,
                           totals: NodeTotals, monotone direction: Int8 = 0, lower: Double = -.infinity,
                           upper: Double = .infinity) -> SplitCandidate {
        if mapper.isCategorical {
            return bestCategoricalSplit(feature: feature, mapper: mapper, histogram: histogram, totals: totals)
        }
        var best = SplitCandidate()
        let valueBins = mapper.valueBinCount
        let missing = histogram[Int(FeatureBinMapper.missingBin)]
        let parentScore = score(totals.gradient, totals.hessian)
        let totalCount = Double(totals.count)
        let minimumCount = Double(minimumSamplesPerLeaf)
        let hasMissing = missing.count > 0
        guard valueBins >= 2 else { return best }
        // Scan 1 (LightGBM's reverse scan): missing values left, thresholds from high to low,
        // accumulating the right side. Ties keep the highest threshold.
        var rightGradient = 0.0, rightHessian = 0.0, rightCount = 0.0
        for b in stride(from: valueBins - 2, through: 0, by: -1) {
            let bin = histogram[b + 1]
            // An empty bin leaves the partition (and gain) of the previous threshold: skip it.
            if bin.count == 0 { continue }
            rightGradient += bin.gradient
            rightHessian += bin.hessian
            rightCount += bin.count
            if rightCount < minimumCount || rightHessian < minimumChildWeight { continue }
            let leftCount = totalCount - rightCount
            let leftHessian = totals.hessian - rightHessian
            if leftCount < minimumCount || leftHessian < minimumChildWeight { break }
            let leftGradient = totals.gradient - rightGradient
            let gain = score(leftGradient, leftHessian) + score(rightGradient, rightHessian) - parentScore
            if gain > best.gain && gain > minimumSplitGain
                && (direction == 0 || ordered(direction: direction, lower: lower, upper: upper,
                                              leftGradient: leftGradient, leftHessian: leftHessian,
                                              rightGradient: rightGradient, rightHessian: rightHessian)) {
                best.feature = feature
                best.gain = gain
                best.binThreshold = UInt8(b)
                best.missingGoesLeft = true
                best.left = NodeTotals(gradient: leftGradient, hessian: leftHessian, count: Int(leftCount))
                best.right = NodeTotals(gradient: rightGradient, hessian: rightHessian, count: Int(rightCount))
            }
        }
        // Scan 2, only when the node has missing values: missing right, thresholds from low to high
        // (the last threshold sends every value left and only the missing values right).
        guard hasMissing else { return best }
        var leftGradient = 0.0, leftHessian = 0.0, leftCount = 0.0
        for b in 0..<valueBins {
            let bin = histogram[b]
            if bin.count == 0 && b > 0 { continue }
            leftGradient += bin.gradient
            leftHessian += bin.hessian
            leftCount += bin.count
            if leftCount < minimumCount || leftHessian < minimumChildWeight { continue }
            let rightCount = totalCount - leftCount
            let rightHessian = totals.hessian - leftHessian
            if rightCount < minimumCount || rightHessian < minimumChildWeight { break }
            let rightGradient = totals.gradient - leftGradient
            let gain = score(leftGradient, leftHessian) + score(rightGradient, rightHessian) - parentScore
            if gain > best.gain && gain > minimumSplitGain
                && (direction == 0 || ordered(direction: direction, lower: lower, upper: upper,
                                              leftGradient: leftGradient, leftHessian: leftHessian,
                                              rightGradient: rightGradient, rightHessian: rightHessian)) {
                best.feature = feature
                best.gain = gain
                best.binThreshold = UInt8(b)
                best.missingGoesLeft = false
                best.left = NodeTotals(gradient: leftGradient, hessian: leftHessian, count: Int(leftCount))
                best.right = NodeTotals(gradient: rightGradient, hessian: rightHessian, count: Int(rightCount))
            }
        }
        return best
    }

    private func bestCategoricalSplit(feature: Int, mapper: FeatureBinMapper, histogram: UnsafePointer<HistogramBin>,
                                      totals: NodeTotals) -> SplitCandidate {
        var best = SplitCandidate()
        // Candidate bins: own categories (the shared "other" bin and the missing bin always go right).
        // A stack buffer: no heap allocation per node and feature.
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: FeatureBinMapper.maximumOwnCategories) { buffer in
            var used = 0
            let minimumCategoryCount = Double(minimumSamplesPerCategory)
            for b in 0..<mapper.ownCategoryCount where histogram[b].count >= minimumCategoryCount {
                buffer[used] = b
                used += 1
            }
            guard used >= 1 else { return best }
            var candidates = UnsafeMutableBufferPointer(rebasing: buffer[0..<used])
            let smoothing = categoricalSmoothing
            func ratio(_ b: Int) -> Double { histogram[b].gradient / (histogram[b].hessian + smoothing) }
            // Stable order: by ratio, ties by bin.
            candidates.sort { a, b in
                let ra = ratio(a), rb = ratio(b)
                return ra < rb || (ra == rb && a < b)
            }
            let maximumCategories = min(maximumCategoriesPerSplit, (used + 1) / 2)
            let parentScore = score(totals.gradient, totals.hessian)
            let totalCount = Double(totals.count)
            let minimumCount = Double(minimumSamplesPerLeaf)
            for direction in 0..<2 {
                let fromEnd = direction == 1
                var gradient = 0.0, hessian = 0.0, count = 0.0
                // Rows added since the last evaluated split: a split is tried only once a new group of
                // at least `minimumSamplesPerCategory` rows joined the left side (LightGBM's `cnt_cur_group`).
                var group = 0.0
                for i in 0..<min(used, maximumCategories) {
                    let b = candidates[fromEnd ? used - 1 - i : i]
                    gradient += histogram[b].gradient
                    hessian += histogram[b].hessian
                    count += histogram[b].count
                    group += histogram[b].count
                    if count < minimumCount || hessian < minimumChildWeight { continue }
                    let rightCount = totalCount - count
                    let rightHessian = totals.hessian - hessian
                    if rightCount < minimumCount || rightCount < minimumCategoryCount
                        || rightHessian < minimumChildWeight { break }
                    if group < minimumCategoryCount { continue }
                    group = 0
                    let rightGradient = totals.gradient - gradient
                    let gain = score(gradient, hessian) + score(rightGradient, rightHessian) - parentScore
                    if gain > best.gain && gain > minimumSplitGain {
                        var bits: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
                        for j in 0...i { SplitCandidate.insert(&bits, candidates[fromEnd ? used - 1 - j : j]) }
                        best.feature = feature
                        best.gain = gain
                        best.isCategorical = true
                        best.leftBins = bits
                        best.missingGoesLeft = false
                        best.left = NodeTotals(gradient: gradient, hessian: hessian, count: Int(count))
                        best.right = NodeTotals(gradient: rightGradient, hessian: rightHessian,
                                                count: totals.count - Int(count))
                    }
                }
            }
            return best
        }
    }
}

/// Finds the best split of a node on one feature from its histogram.
///
/// Numeric features: every bin threshold, with missing values tried on the left and on the right
/// (XGBoost's "sparsity-aware" default direction, LightGBM's `missing_type = NaN` scan). When the
/// node has no missing value, missing values follow the child with the larger Σ hessian.
///
/// Categorical features: LightGBM's many-vs-many search (`FindBestThresholdCategoricalInner`):
/// categories with at least `minimumSamplesPerCategory` rows are sorted by
/// Σ gradient / (Σ hessian + `categoricalSmoothing`) and the left set is grown from either end of
/// that order, up to `maximumCategoriesPerSplit` categories. The missing bin takes part as one more
/// category, so its direction is learned too.
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

    /// The best split of `feature`, or an invalid candidate when no split passes the constraints
    /// or has gain > `minimumSplitGain`.
    package func bestSplit(feature: Int, mapper: FeatureBinMapper, histogram: UnsafePointer<HistogramBin>,
                           totals: NodeTotals) -> SplitCandidate {
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
        for direction in 0..<(hasMissing ? 2 : 1) {
            let missingLeft = direction == 1
            var gradient = missingLeft ? missing.gradient : 0
            var hessian = missingLeft ? missing.hessian : 0
            var count = missingLeft ? missing.count : 0
            // Threshold after bin b; b = valueBins - 1 (all values left) only splits off missing right.
            let lastThreshold = hasMissing && !missingLeft ? valueBins - 1 : valueBins - 2
            if lastThreshold < 0 { continue }
            for b in 0...lastThreshold {
                let bin = histogram[b]
                gradient += bin.gradient
                hessian += bin.hessian
                count += bin.count
                if count < minimumCount || hessian < minimumChildWeight { continue }
                let rightCount = totalCount - count
                let rightHessian = totals.hessian - hessian
                if rightCount < minimumCount || rightHessian < minimumChildWeight { break }
                let rightGradient = totals.gradient - gradient
                let gain = score(gradient, hessian) + score(rightGradient, rightHessian) - parentScore
                if gain > best.gain && gain > minimumSplitGain {
                    best.feature = feature
                    best.gain = gain
                    best.binThreshold = UInt8(b)
                    best.missingGoesLeft = missingLeft
                    best.left = NodeTotals(gradient: gradient, hessian: hessian, count: Int(count))
                    best.right = NodeTotals(gradient: rightGradient, hessian: rightHessian,
                                            count: totals.count - Int(count))
                }
            }
        }
        if best.isValid && !hasMissing { best.missingGoesLeft = best.left.hessian > best.right.hessian }
        return best
    }

    private func bestCategoricalSplit(feature: Int, mapper: FeatureBinMapper, histogram: UnsafePointer<HistogramBin>,
                                      totals: NodeTotals) -> SplitCandidate {
        var best = SplitCandidate()
        // Candidate bins: own categories and the missing bin (the shared "other" bin never goes left).
        var candidates: [Int] = []
        candidates.reserveCapacity(mapper.ownCategoryCount + 1)
        let minimumCategoryCount = Double(minimumSamplesPerCategory)
        for b in 0..<mapper.ownCategoryCount where histogram[b].count >= minimumCategoryCount { candidates.append(b) }
        let missingBin = Int(FeatureBinMapper.missingBin)
        if histogram[missingBin].count >= minimumCategoryCount { candidates.append(missingBin) }
        let used = candidates.count
        guard used >= 1 else { return best }
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
            for i in 0..<min(used, maximumCategories) {
                let b = candidates[fromEnd ? used - 1 - i : i]
                gradient += histogram[b].gradient
                hessian += histogram[b].hessian
                count += histogram[b].count
                if count < minimumCount || hessian < minimumChildWeight { continue }
                let rightCount = totalCount - count
                let rightHessian = totals.hessian - hessian
                if rightCount < minimumCount || rightCount < minimumCategoryCount
                    || rightHessian < minimumChildWeight { break }
                if count < minimumCategoryCount { continue }
                let rightGradient = totals.gradient - gradient
                let gain = score(gradient, hessian) + score(rightGradient, rightHessian) - parentScore
                if gain > best.gain && gain > minimumSplitGain {
                    var bits: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
                    for j in 0...i { SplitCandidate.insert(&bits, candidates[fromEnd ? used - 1 - j : j]) }
                    best.feature = feature
                    best.gain = gain
                    best.isCategorical = true
                    best.leftBins = bits
                    best.missingGoesLeft = SplitCandidate.contains(bits, FeatureBinMapper.missingBin)
                    best.left = NodeTotals(gradient: gradient, hessian: hessian, count: Int(count))
                    best.right = NodeTotals(gradient: rightGradient, hessian: rightHessian,
                                            count: totals.count - Int(count))
                }
            }
        }
        return best
    }
}

/// The histogram kernels. Each works on one feature's 256 bins and the rows of one node, with
/// unsafe pointers checked by the caller once; nothing is allocated.
///
/// Layout of a node histogram: `featureCount × 256` `HistogramBin`s, feature after feature; the
/// missing bin is 255. After LightGBM's `FeatureHistogram` / `Dataset::ConstructHistograms` and
/// scikit-learn's `histogram.pyx` (`_build_histogram`, `_subtract_histograms`).
package enum HistogramKernels {
    /// Overwrites `histogram[0..<256]` with the sums of the rows `rows[0..<count]` of one feature.
    ///
    /// `orderedGradients[i]` and `orderedHessians[i]` belong to row `rows[i]` (gathered in
    /// partition order, LightGBM's "ordered gradients"), so they are read sequentially.
    @inline(__always)
    package static func build(
        histogram: UnsafeMutablePointer<HistogramBin>, column: UnsafePointer<UInt8>,
        rows: UnsafePointer<UInt32>, count: Int,
        orderedGradients: UnsafePointer<Float>, orderedHessians: UnsafePointer<Float>
    ) {
        histogram.update(repeating: .zero, count: FeatureBinMapper.histogramBinCount)
        var i = 0
        // Two rows per step: independent loads overlap, the adds stay in row order per bin.
        while i &+ 1 < count {
            let b0 = Int(column[Int(rows[i])])
            let b1 = Int(column[Int(rows[i &+ 1])])
            histogram[b0].gradient += Double(orderedGradients[i])
            histogram[b0].hessian += Double(orderedHessians[i])
            histogram[b0].count += 1
            histogram[b1].gradient += Double(orderedGradients[i &+ 1])
            histogram[b1].hessian += Double(orderedHessians[i &+ 1])
            histogram[b1].count += 1
            i &+= 2
        }
        if i < count {
            let b = Int(column[Int(rows[i])])
            histogram[b].gradient += Double(orderedGradients[i])
            histogram[b].hessian += Double(orderedHessians[i])
            histogram[b].count += 1
        }
    }

    /// Overwrites `histogram[0..<256]` with the sums of rows `0..<count` of one feature (the root
    /// without row subsampling): the column and the gradients are read sequentially, no row index.
    @inline(__always)
    package static func buildAllRows(
        histogram: UnsafeMutablePointer<HistogramBin>, column: UnsafePointer<UInt8>, count: Int,
        gradients: UnsafePointer<Float>, hessians: UnsafePointer<Float>
    ) {
        histogram.update(repeating: .zero, count: FeatureBinMapper.histogramBinCount)
        for i in 0..<count {
            let b = Int(column[i])
            histogram[b].gradient += Double(gradients[i])
            histogram[b].hessian += Double(hessians[i])
            histogram[b].count += 1
        }
    }

    /// `parent[b] -= child[b]` for the 256 bins of one feature: the sibling's histogram.
    @inline(__always)
    package static func subtract(parent: UnsafeMutablePointer<HistogramBin>, child: UnsafePointer<HistogramBin>) {
        for b in 0..<FeatureBinMapper.histogramBinCount {
            parent[b].gradient -= child[b].gradient
            parent[b].hessian -= child[b].hessian
            parent[b].count -= child[b].count
        }
    }
}

/// A fixed set of reusable node histograms ("histogram pool"): allocated once per training run,
/// each slot holds `featureCount × 256` bins. Slots are handed out and returned by index.
package final class HistogramPool: @unchecked Sendable {
    package let featureCount: Int
    package let slotCount: Int
    package let storage: UnsafeMutablePointer<HistogramBin>
    private var free: [Int]

    package init(featureCount: Int, slotCount: Int) {
        self.featureCount = featureCount
        self.slotCount = slotCount
        let total = max(1, featureCount * FeatureBinMapper.histogramBinCount * slotCount)
        storage = .allocate(capacity: total)
        storage.initialize(repeating: .zero, count: total)
        free = Array((0..<slotCount).reversed())
    }

    deinit { storage.deallocate() }

    /// Returns all slots to the pool.
    package func reset() { free = Array((0..<slotCount).reversed()) }

    /// Takes a free slot.
    package func acquire() -> Int {
        guard let slot = free.popLast() else { preconditionFailure("histogram pool exhausted") }
        return slot
    }

    /// Returns a slot.
    package func release(_ slot: Int) { free.append(slot) }

    /// The histogram of `feature` in `slot`.
    @inline(__always)
    package func histogram(slot: Int, feature: Int) -> UnsafeMutablePointer<HistogramBin> {
        storage + (slot * featureCount + feature) * FeatureBinMapper.histogramBinCount
    }
}

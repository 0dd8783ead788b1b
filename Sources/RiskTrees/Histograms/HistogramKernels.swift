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

/// Reusable node histograms ("histogram pool"): each slot holds `featureCount × 256` bins. Slots
/// are handed out and returned by index and allocated on first use only, so the pool grows to the
/// number of leaves that may still split at once (at most `maximumLeafCount + 1`) and is then
/// reused by every later node and tree: no allocation per node in steady state.
package final class HistogramPool: @unchecked Sendable {
    package let featureCount: Int
    private var slots: [UnsafeMutablePointer<HistogramBin>] = []
    private var free: [Int] = []

    package init(featureCount: Int) {
        self.featureCount = featureCount
    }

    deinit { for slot in slots { slot.deallocate() } }

    /// Number of slots allocated so far.
    package var allocatedSlotCount: Int { slots.count }

    /// Returns all slots to the pool.
    package func reset() { free = Array((0..<slots.count).reversed()) }

    /// Takes a free slot, allocating one when none is free.
    package func acquire() -> Int {
        if let slot = free.popLast() { return slot }
        let capacity = max(1, featureCount * FeatureBinMapper.histogramBinCount)
        let storage = UnsafeMutablePointer<HistogramBin>.allocate(capacity: capacity)
        storage.initialize(repeating: .zero, count: capacity)
        slots.append(storage)
        return slots.count - 1
    }

    /// Returns a slot.
    package func release(_ slot: Int) { free.append(slot) }

    /// The histogram of `feature` in `slot`.
    @inline(__always)
    package func histogram(slot: Int, feature: Int) -> UnsafeMutablePointer<HistogramBin> {
        slots[slot] + feature * FeatureBinMapper.histogramBinCount
    }
}

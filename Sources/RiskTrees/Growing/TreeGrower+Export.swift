import RiskData

extension TreeGrower {
    /// The grown tree in raw feature space.
    ///
    /// Numeric splits get `threshold = upperBounds[binThreshold]` (so `x <= threshold ⇔ bin <=
    /// binThreshold`); categorical splits get a bitset of the codes whose bins went left (the
    /// missing bin becomes `missingGoesLeft`).
    ///
    /// - Throws: `RiskTreesError` `.invalidModel` if the grown tree breaks an invariant (a bug) or a
    ///   `ModelLimits` bound.
    package func exportTree() throws -> RegressionTree {
        let count = nodes.count
        var leftChild = [Int32](repeating: -1, count: count), rightChild = [Int32](repeating: -1, count: count)
        var splitFeature = [Int32](repeating: -1, count: count), threshold = [Float](repeating: 0, count: count)
        var binThreshold = [UInt8](repeating: 0, count: count), missingGoesLeft = [Bool](repeating: false, count: count)
        var categoryStart = [Int32](repeating: 0, count: count)
        var categoryWordCount = [Int32](repeating: 0, count: count)
        var categoryWords: [UInt64] = []
        var value = [Double](repeating: 0, count: count), cover = [Double](repeating: 0, count: count)
        var gain = [Double](repeating: 0, count: count)
        for (i, node) in nodes.enumerated() {
            value[i] = node.value
            cover[i] = node.totals.hessian
            guard node.leftChild >= 0 else { continue }
            let split = node.split
            leftChild[i] = node.leftChild
            rightChild[i] = node.rightChild
            splitFeature[i] = Int32(split.feature)
            missingGoesLeft[i] = split.missingGoesLeft
            gain[i] = split.gain
            let mapper = mappers[split.feature]
            if split.isCategorical {
                var codes: [Int] = []
                for code in 0..<mapper.ownCategoryCount where SplitCandidate.contains(split.leftBins, UInt8(code)) {
                    codes.append(code)
                }
                let words = max(1, ((codes.last ?? 0) >> 6) + 1)
                categoryStart[i] = Int32(categoryWords.count)
                categoryWordCount[i] = Int32(words)
                var bitset = [UInt64](repeating: 0, count: words)
                for code in codes { bitset[code >> 6] |= UInt64(1) << UInt64(code & 63) }
                categoryWords.append(contentsOf: bitset)
            } else {
                binThreshold[i] = split.binThreshold
                threshold[i] = mapper.threshold(afterBin: Int(split.binThreshold))
            }
        }
        return try RegressionTree(leftChild: leftChild, rightChild: rightChild, splitFeature: splitFeature,
                              threshold: threshold, binThreshold: binThreshold, missingGoesLeft: missingGoesLeft,
                              categoryStart: categoryStart, categoryWordCount: categoryWordCount,
                              categoryWords: categoryWords, value: value, cover: cover, gain: gain)
    }
}

/// Adds a grown tree's output to `scores` for rows given by bins (out-of-bag and validation rows).
///
/// Routing on bins equals routing on raw values by construction of the bin edges.
package func addBinnedTreeOutput(nodes: [GrowingNode], binned: BinnedMatrix, rows: [UInt32]?,
                                 scores: inout [Double], threadCount: Int) {
    let n = binned.rowCount
    let total = rows?.count ?? n
    nodes.withUnsafeBufferPointer { tree in
    binned.bins.withUnsafeBufferPointer { bins in
    scores.withUnsafeMutableBufferPointer { out in
        ParallelLoop.forEachChunk(count: total, threadCount: threadCount, minimumChunk: 1 << 14) { _, range in
            for i in range {
                let row = rows.map { Int($0[i]) } ?? i
                var node = 0
                while tree[node].leftChild >= 0 {
                    let split = tree[node].split
                    let bin = bins[split.feature &* n &+ row]
                    node = Int(split.goesLeft(bin: bin) ? tree[node].leftChild : tree[node].rightChild)
                }
                out[row] += tree[node].value
            }
        }
    }}}
}

import RiskData

extension BoostedTreesPredictor {
    /// Rows per block of the batch path: as many as keep the block's features (`rows × featureCount`
    /// floats) within 32 KB of L1, between 16 and 256 (256 rows for 30 features). Measured on the
    /// 1M × 30, 200-tree benchmark model: 256 rows ≈ 128 rows, both ahead of 64.
    package static func blockSize(featureCount: Int) -> Int {
        max(16, min(256, 8192 / max(1, featureCount)))
    }

    /// Raw scores of every row of `matrix`, in parallel over row blocks.
    ///
    /// Rows are taken `blockSize(featureCount:)` at a time: the block's columns are copied once into a small
    /// buffer that stays in L1, then trees are the outer loop and each tree routes every row of the
    /// block level by level (`routeBlock`), so the tree's nodes stay hot and the rows' walks are
    /// independent (their loads overlap). Threads take contiguous runs of blocks. Each row's score is
    /// `baseScore` plus the trees' leaf values added in tree order, whatever `threadCount` is.
    ///
    /// - Throws: `RiskTreesError` `.shapeMismatch` when the matrix has the wrong number of columns.
    /// - Complexity: O(rows × trees × depth).
    public func rawScores(_ matrix: FeatureMatrix, threadCount: Int) throws -> [Double] {
        guard matrix.columnCount == featureCount else {
            throw RiskTreesError(.shapeMismatch, "feature matrix has \(matrix.columnCount) columns; the model "
                                 + "expects \(featureCount). Build the matrix with the model's feature schema.")
        }
        let n = matrix.rowCount, features = featureCount, blockSize = Self.blockSize(featureCount: features)
        var out = [Double](repeating: baseScore, count: n)
        if n == 0 { return out }
        let blockCount = (n + blockSize - 1) / blockSize
        let symmetric = forest.symmetric
        forest.withLayout { layout in
        forest.roots.withUnsafeBufferPointer { roots in
        matrix.withUnsafeValues { matrixValues in
        out.withUnsafeMutableBufferPointer { output in
            // Two blocks at least per thread: below that, waking a thread costs more than it saves.
            ParallelLoop.forEachChunk(count: blockCount, threadCount: threadCount, minimumChunk: 2) { _, blocks in
                // Per worker: the block's columns, each row's current node, the rows still walking.
                let block = UnsafeMutablePointer<Float>.allocate(capacity: max(1, blockSize * features))
                let current = UnsafeMutablePointer<Int32>.allocate(
                    capacity: max(blockSize, symmetric?.blockScratchCount(rows: blockSize) ?? 0))
                let walking = UnsafeMutablePointer<UInt64>.allocate(capacity: blockSize)
                defer {
                    block.deallocate()
                    current.deallocate()
                    walking.deallocate()
                }
                for index in blocks {
                    let first = index * blockSize, count = min(blockSize, n - first)
                    for f in 0..<features {
                        (block + f * blockSize).update(from: matrixValues.baseAddress! + f * n + first, count: count)
                    }
                    let scores = output.baseAddress! + first
                    if let symmetric {
                        symmetric.addBlock(columns: block, stride: blockSize, count: count, scratch: current,
                                           scores: scores)
                        continue
                    }
                    for root in roots {
                        layout.routeBlock(root: root, columns: block, stride: blockSize, count: count,
                                          current: current, walking: walking, scores: scores)
                    }
                }
            }
        }}}}
        return out
    }

    /// Probabilities (logistic) or predictions (squared error) of every row of `matrix`.
    ///
    /// - Throws: `RiskTreesError` `.shapeMismatch` for a wrong column count.
    public func predictions(_ matrix: FeatureMatrix, threadCount: Int) throws -> [Double] {
        var scores = try rawScores(matrix, threadCount: threadCount)
        if objective == .logistic {
            for i in scores.indices { scores[i] = 1 / (1 + _exponential(-scores[i])) }
        }
        return scores
    }
}

extension CompiledForest.Layout {
    /// Adds the leaf value of the tree at `root` to `scores[r]` for every row `r < count` of a block
    /// stored column-major (`columns[feature * stride + r]`).
    ///
    /// Level-synchronous walk: each pass moves every row still walking one level down and keeps it in
    /// `walking` (compacted in place, branch-free) unless the child it moved to is a leaf, which the
    /// parent's flags tell. The rows' steps within a pass are independent, so the processor overlaps
    /// their loads, and no step is spent on a row that already reached its leaf (unlike walking a few
    /// rows in lockstep to the deepest one's leaf). Idea: the level-wise batch traversal of
    /// XGBoost's and Treelite's block predictors; compaction as in stream compaction.
    @inline(__always)
    func routeBlock(root: Int32, columns: UnsafePointer<Float>, stride: Int, count: Int,
                    current: UnsafeMutablePointer<Int32>, walking: UnsafeMutablePointer<UInt64>,
                    scores: UnsafeMutablePointer<Double>) {
        let rootNode = nodes[Int(root)]
        if rootNode.isLeaf {
            let value = values[Int(root)]
            for r in 0..<count { scores[r] += value }
            return
        }
        // Each walking entry packs the row's current node (high 32 bits) and the row (low 32 bits):
        // one load per step instead of two.
        let rootBits = UInt64(UInt32(bitPattern: root)) << 32
        for r in 0..<count { walking[r] = rootBits | UInt64(r) }
        var walkingCount = count
        while walkingCount > 0 {
            var kept = 0
            for j in 0..<walkingCount {
                let entry = walking[j]
                let r = Int(truncatingIfNeeded: entry & 0xFFFF_FFFF)
                let i = Int(truncatingIfNeeded: entry >> 32)
                let node = nodes[i]
                let x = columns[Int(node.feature) &* stride &+ r]
                let goRight: Bool
                if !node.isCategorical {
                    // NaN fails both comparisons: it goes right with `!(x <= t)` and left with `x > t`.
                    goRight = node.missingGoesLeft ? x > node.threshold : !(x <= node.threshold)
                } else {
                    goRight = !goesLeft(i, node, x)
                }
                let child = node.leftChild &+ (goRight ? 1 : 0)
                current[r] = child
                walking[kept] = UInt64(UInt32(bitPattern: child)) << 32 | UInt64(r)
                let childIsLeaf = node.flags &>> (goRight ? CompiledForest.rightChildIsLeafShift
                                                          : CompiledForest.leftChildIsLeafShift) & 1
                kept &+= Int(childIsLeaf ^ 1)
            }
            walkingCount = kept
        }
        for r in 0..<count { scores[r] += values[Int(current[r])] }
    }
}

import RiskData

extension TreeExplainer {
    /// Contributions of every row of `matrix`, computed on up to `threadCount` threads.
    ///
    /// Each row is computed by the same sequential code whatever the thread count, so the result is
    /// bit-identical for every `threadCount`, to `explain(_:into:)` row by row and (the raw scores)
    /// to `BoostedTreesPredictor.rawScores`. Blocks of rows go through `explainBlock`; one block
    /// buffer and one workspace are allocated per chunk of rows, nothing per row.
    ///
    /// - Parameters:
    ///   - matrix: Rows to explain; its column count must equal `featureCount`.
    ///   - threadCount: Maximum number of threads (values < 1 mean 1).
    /// - Returns: Row-major contributions plus every row's raw score.
    /// - Throws: `RiskExplainError` with code `.shapeMismatch` when the column count differs.
    /// - Complexity: O(*n* · *T* · *N* · *D*) work with the quadrature (see `TreeExplainer`).
    public func contributions(for matrix: FeatureMatrix, threadCount: Int = ParallelLoop.processorCount) throws
        -> ContributionMatrix {
        guard matrix.columnCount == featureCount else {
            throw RiskExplainError(.shapeMismatch, "The feature matrix has \(matrix.columnCount) columns; the model "
                                   + "expects \(featureCount). Build the matrix with the model's feature pipeline.")
        }
        let rowCount = matrix.rowCount
        let featureCount = self.featureCount
        var rawScores = [Double](repeating: baseScore, count: rowCount)
        // Every value is written by `explainRows`: no zero-filling pass over rows × features first.
        let contributions = [Double](unsafeUninitializedCapacity: rowCount * featureCount) { out, initialized in
            if rowCount > 0 {
                matrix.withUnsafeValues { values in
                    rawScores.withUnsafeMutableBufferPointer { raw in
                        explainRows(values: values.baseAddress, rowCount: rowCount, contributions: out.baseAddress,
                                    rawScores: raw.baseAddress!, threadCount: threadCount)
                    }
                }
            }
            initialized = rowCount * featureCount
        }
        return ContributionMatrix(rowCount: rowCount, featureCount: featureCount, baseValue: baseValue,
                                  contributions: contributions, rawScores: rawScores)
    }

    /// The explanation of every row of `matrix` (one contributions array per row).
    ///
    /// - Parameters:
    ///   - matrix: Rows to explain; its column count must equal `featureCount`.
    ///   - threadCount: Maximum number of threads.
    /// - Throws: `RiskExplainError` with code `.shapeMismatch` when the column count differs.
    public func explain(_ matrix: FeatureMatrix, threadCount: Int = ParallelLoop.processorCount) throws
        -> [Explanation] {
        try contributions(for: matrix, threadCount: threadCount).explanations
    }

    /// Every row's contributions (row-major, `rowCount × featureCount`, overwritten) and raw score
    /// (overwritten) for the column-major `values` of `rowCount` rows (column `f` at `f * rowCount`),
    /// block by block through `explainBlock`, in parallel over runs of blocks.
    ///
    /// Bit-identical to `explain(_:into:)` and `BoostedTreesPredictor.rawScores` row by row, for
    /// every `threadCount`. `values` and `contributions` may be nil only when `featureCount` is 0.
    ///
    /// - Complexity: O(rows × per-row cost of `explainBlock` / threads).
    package func explainRows(values: UnsafePointer<Float>?, rowCount: Int, contributions: UnsafeMutablePointer<Double>?,
                             rawScores: UnsafeMutablePointer<Double>, threadCount: Int) {
        let featureCount = self.featureCount
        guard rowCount > 0 else { return }
        guard featureCount > 0, let valuesBase = values, let outBase = contributions else {
            // No features: every tree is a single leaf, and the walk reads nothing of the row.
            var none = Float(0)
            let score = forest.rawScore(row: &none)
            rawScores.update(repeating: score, count: rowCount)
            return
        }
        let blockRows = Self.blockRowCount(featureCount: featureCount)
        let blockCount = (rowCount + blockRows - 1) / blockRows
        let workspaceBytes = blockWorkspaceByteCount(rowCount: blockRows)
        // Two blocks at least per thread: below that, waking a thread costs more than it saves.
        ParallelLoop.forEachChunk(count: blockCount, threadCount: threadCount, minimumChunk: 2) { _, blocks in
            let block = UnsafeMutablePointer<Float>.allocate(capacity: max(1, blockRows * featureCount))
            let workspace = UnsafeMutableRawPointer.allocate(byteCount: workspaceBytes, alignment: 64)
            defer {
                block.deallocate()
                workspace.deallocate()
            }
            for index in blocks {
                let first = index * blockRows, count = min(blockRows, rowCount - first)
                // The block's columns, copied next to each other (the matrix's columns are a
                // whole column apart, which would map them onto the same cache sets).
                for f in 0..<featureCount {
                    (block + f * blockRows).update(from: valuesBase + f * rowCount + first, count: count)
                }
                explainBlock(columns: block, columnStride: blockRows, rowCount: count,
                             contributions: outBase + first * featureCount, rawScores: rawScores + first,
                             workspace: workspace)
            }
        }
    }
}

import RiskData

extension TreeExplainer {
    /// Rows explained together by `accumulateBlock` in the batch paths.
    package static let blockRowCount = 64

    /// Contributions of every row of `matrix`, computed on up to `threadCount` threads.
    ///
    /// Each row is computed by the same sequential code whatever the thread count, so the result is
    /// bit-identical for every `threadCount`. One row buffer and one workspace are allocated
    /// per chunk of rows, nothing per row.
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
        var contributions = [Double](repeating: 0, count: rowCount * featureCount)
        var rawScores = [Double](repeating: baseValue, count: rowCount)
        if featureCount > 0 && rowCount > 0 {
            matrix.withUnsafeValues { values in
                contributions.withUnsafeMutableBufferPointer { out in
                    rawScores.withUnsafeMutableBufferPointer { raw in
                        let valuesBase = values.baseAddress!, outBase = out.baseAddress!, rawBase = raw.baseAddress!
                        ParallelLoop.forEachChunk(count: rowCount, threadCount: threadCount, minimumChunk: 8) { _, range in
                            // Blocks of rows, row-major (trees outer within a block when every tree is tabulated).
                            let blockRows = Self.blockRowCount
                            let rowBuffer = UnsafeMutablePointer<Float>.allocate(capacity: featureCount * blockRows)
                            let workspace = UnsafeMutableRawPointer.allocate(byteCount: workspaceByteCount,
                                                                             alignment: 64)
                            defer {
                                rowBuffer.deallocate()
                                workspace.deallocate()
                            }
                            var start = range.lowerBound
                            while start < range.upperBound {
                                let count = min(blockRows, range.upperBound - start)
                                for i in 0..<count {
                                    let row = rowBuffer + i &* featureCount
                                    for c in 0..<featureCount { row[c] = valuesBase[c &* rowCount &+ start &+ i] }
                                }
                                accumulateBlock(rows: rowBuffer, count: count, phi: outBase + start &* featureCount,
                                                rawScores: rawBase + start, workspace: workspace)
                                start += count
                            }
                        }
                    }
                }
            }
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
}

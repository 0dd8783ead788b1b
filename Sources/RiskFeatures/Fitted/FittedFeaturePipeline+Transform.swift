import RiskData
import RiskDeclarations

extension FittedFeaturePipeline {
    /// Turns declarations into the feature matrix of `kind`, using statistics of all training data.
    ///
    /// Each row depends only on this pipeline and that declaration (not on the rest of the batch),
    /// so a one-row table gives the same row as a batch. Unseen keys take the "other" code and the
    /// prior profile; columns absent from `table` count as missing; see Docs/FeatureEngineering.md
    /// for every edge case. Rows are split into chunks run by `ParallelLoop`; the result is
    /// bit-identical for every thread count. An empty table gives a 0-row matrix.
    ///
    /// - Parameters:
    ///   - table: Declarations read with a schema that has the training schema's columns.
    ///   - kind: `.trees` (NaN = missing) or `.linear` (no NaN/±∞).
    ///   - threadCount: Threads to use; nil means `configuration.threadCount`.
    /// - Returns: A matrix with `table.rowCount` rows and `schema(for: kind)` columns.
    /// - Throws: `RiskFeaturesError` `.shapeMismatch` when a column of `table` has the wrong length.
    /// - Complexity: O(rows × columns + distinct strings of `table`).
    public func transform(_ table: DeclarationTable, for kind: FeatureMatrixKind,
                          threadCount: Int? = nil) throws -> FeatureMatrix {
        let view = try TableView(table: table, fitted: self)
        return emit(view, kind: kind, override: nil, threadCount: threadCount ?? configuration.threadCount)
    }

    /// `transform(_:for:threadCount:)` with this pipeline's kernel tables prepared beforehand (the
    /// same matrix, bit for bit): for callers that transform many small tables, such as a scorer
    /// called one declaration at a time.
    package func transform(_ table: DeclarationTable, for kind: FeatureMatrixKind, threadCount: Int? = nil,
                           prepared: PreparedKernelTables) throws -> FeatureMatrix {
        let view = try TableView(table: table, fitted: self, fieldVocabularies: prepared.fieldVocabularies)
        return emit(view, kind: kind, override: nil, threadCount: threadCount ?? configuration.threadCount,
                    prepared: prepared)
    }

    /// Writes every row of `view` into a new matrix of `kind` (with `prepared` tables when given).
    func emit(_ view: TableView, kind: FeatureMatrixKind, override: TrainingOverride?,
              threadCount: Int, prepared: PreparedKernelTables? = nil) -> FeatureMatrix {
        if let prepared {
            return emit(view, kind: kind, override: override, threadCount: threadCount, tables: prepared.tables)
        }
        return withKernelTables { emit(view, kind: kind, override: override, threadCount: threadCount, tables: $0) }
    }

    func emit(_ view: TableView, kind: FeatureMatrixKind, override: TrainingOverride?,
              threadCount: Int, tables: KernelTables) -> FeatureMatrix {
        let rowCount = view.rowCount
        let schema = schema(for: kind)
        let width = schema.columns.count
        let treeWidth = treeSlots.count
        let fieldCount = keyFields.count
        var values = [Float](repeating: 0, count: rowCount * width)
        // Rows are encoded row-major into a block, then written column by column, so the writes to the
        // column-major matrix are contiguous runs rather than one cache line per value.
        let blockRows = 64
        view.withKernel { kernel in
            values.withUnsafeMutableBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return }
                ParallelLoop.forEachChunk(count: rowCount, threadCount: max(1, threadCount), minimumChunk: 2_048) {
                    _, range in
                    let codes = UnsafeMutableBufferPointer<Int32>.allocate(capacity: max(1, fieldCount))
                    let tree = UnsafeMutablePointer<Float>.allocate(capacity: max(1, treeWidth * blockRows))
                    let linear = UnsafeMutablePointer<Float>.allocate(capacity: max(1, width * blockRows))
                    defer {
                        codes.deallocate()
                        tree.deallocate()
                        linear.deallocate()
                    }
                    let block = kind == .trees ? tree : linear
                    var start = range.lowerBound
                    while start < range.upperBound {
                        let end = min(start + blockRows, range.upperBound)
                        for row in start..<end {
                            let treeRow = tree + (row - start) * treeWidth
                            encodeTreeRow(kernel, row: row, override: override, tables: tables, codes: codes,
                                          out: treeRow)
                            if kind == .linear {
                                encodeLinearRow(tree: treeRow, codes: codes, tables: tables,
                                                out: linear + (row - start) * width)
                            }
                        }
                        for column in 0..<width {
                            let destination = base + column * rowCount
                            for row in start..<end { destination[row] = block[(row - start) * width + column] }
                        }
                        start = end
                    }
                }
            }
        }
        // The shape is right by construction.
        return try! FeatureMatrix(rowCount: rowCount, schema: schema, values: values)
    }
}

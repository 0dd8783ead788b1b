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

    /// Calls `body` with an encoder of `table`'s rows into blocks of `kind` features, with this
    /// pipeline's kernel tables prepared beforehand: the scorer's way in, which encodes a block of
    /// rows at a time next to the model pass instead of transforming the whole table first.
    ///
    /// - Throws: `RiskFeaturesError` `.shapeMismatch` as `transform` does, before `body` runs; what
    ///   `body` throws.
    /// - Complexity: O(distinct strings of `table`) before `body`.
    package func withBlockEncoder<Result>(_ table: DeclarationTable, for kind: FeatureMatrixKind,
                                          prepared: PreparedKernelTables,
                                          _ body: (FeatureBlockEncoder) throws -> Result) throws -> Result {
        let view = try TableView(table: table, fitted: self, fieldVocabularies: prepared.fieldVocabularies)
        let result: Swift.Result<Result, any Error> = view.withKernel { kernel in
            Swift.Result { try body(FeatureBlockEncoder(pipeline: self, kernel: kernel, tables: prepared.tables,
                                                         kind: kind, override: nil)) }
        }
        return try result.get()
    }

    /// Writes every row of `view` into a new matrix of `kind`.
    func emit(_ view: TableView, kind: FeatureMatrixKind, override: TrainingOverride?,
              threadCount: Int) -> FeatureMatrix {
        withKernelTables { tables in
            let rowCount = view.rowCount
            var values = [Float](repeating: 0, count: rowCount * schema(for: kind).columns.count)
            view.withKernel { kernel in
                let encoder = FeatureBlockEncoder(pipeline: self, kernel: kernel, tables: tables, kind: kind,
                                                  override: override)
                values.withUnsafeMutableBufferPointer { buffer in
                    guard let base = buffer.baseAddress else { return }
                    ParallelLoop.forEachChunk(count: rowCount, threadCount: max(1, threadCount),
                                              minimumChunk: 2_048) { _, range in
                        let scratch = FeatureBlockEncoder.Scratch(encoder)
                        encoder.encode(rows: range, into: base + range.lowerBound, columnStride: rowCount,
                                       scratch: scratch)
                    }
                }
            }
            // The shape is right by construction.
            return try! FeatureMatrix(rowCount: rowCount, schema: schema(for: kind), values: values)
        }
    }
}

/// Encodes rows of one table into column-major blocks: column `f` of the block's row `i` at
/// `out[f * columnStride + i]`. Training writes its whole matrix this way (the stride is the row
/// count); the scorer writes a small block next to the model pass (the stride is the block's rows),
/// which is the layout the tree walks and TreeSHAP's block pass read, so no whole-table matrix is
/// built, transposed and copied out again. Valid only inside `withBlockEncoder` (or `emit`).
package struct FeatureBlockEncoder {
    let pipeline: FittedFeaturePipeline
    let kernel: TableKernel
    let tables: KernelTables
    let override: TrainingOverride?
    /// The features written by `encode(rows:into:…)`.
    package let kind: FeatureMatrixKind
    /// The columns of `kind` and of the trees features (the revenue model's).
    package let schema: FeatureSchema, treeSchema: FeatureSchema
    /// Rows are encoded row-major into a small scratch block, then written column by column, so the
    /// writes to the destination are contiguous runs rather than one cache line per value.
    static let scratchRows = 64

    init(pipeline: FittedFeaturePipeline, kernel: TableKernel, tables: KernelTables, kind: FeatureMatrixKind,
         override: TrainingOverride?) {
        self.pipeline = pipeline
        self.kernel = kernel
        self.tables = tables
        self.override = override
        self.kind = kind
        schema = pipeline.schema(for: kind)
        treeSchema = pipeline.schema(for: .trees)
    }

    /// The table's row count.
    package var rowCount: Int { kernel.view.rowCount }

    /// One thread's buffers for `encode`: allocate once per thread, reuse for every block.
    package final class Scratch {
        let codes: UnsafeMutableBufferPointer<Int32>
        let tree: UnsafeMutablePointer<Float>
        let linear: UnsafeMutablePointer<Float>

        package init(_ encoder: FeatureBlockEncoder) {
            codes = .allocate(capacity: max(1, encoder.pipeline.keyFields.count))
            tree = .allocate(capacity: max(1, encoder.treeSchema.columns.count * FeatureBlockEncoder.scratchRows))
            linear = .allocate(capacity: max(1, encoder.schema.columns.count * FeatureBlockEncoder.scratchRows))
        }

        deinit {
            codes.deallocate()
            tree.deallocate()
            linear.deallocate()
        }
    }

    /// Encodes `rows` of the table: `kind` features into `out`, and, when given, the trees features
    /// into `trees` (same layout, `treeSchema` columns; for a `.linear` encoder whose model has a
    /// trees revenue head, computed on the way since linear rows are made from trees rows).
    /// Allocation-free; each row depends only on the pipeline and that row.
    ///
    /// - Complexity: O(`rows.count` × columns).
    package func encode(rows: Range<Int>, into out: UnsafeMutablePointer<Float>, columnStride: Int,
                        trees: UnsafeMutablePointer<Float>? = nil, scratch: Scratch) {
        let treeWidth = treeSchema.columns.count, width = schema.columns.count
        let block = kind == .trees ? scratch.tree : scratch.linear
        var start = rows.lowerBound
        while start < rows.upperBound {
            let end = min(start + Self.scratchRows, rows.upperBound)
            for row in start..<end {
                let treeRow = scratch.tree + (row - start) * treeWidth
                pipeline.encodeTreeRow(kernel, row: row, override: override, tables: tables, codes: scratch.codes,
                                       out: treeRow)
                if kind == .linear {
                    pipeline.encodeLinearRow(tree: treeRow, codes: scratch.codes, tables: tables,
                                             out: scratch.linear + (row - start) * width)
                }
            }
            let offset = start - rows.lowerBound
            Self.transpose(block, rows: end - start, width: width, into: out + offset, columnStride: columnStride)
            if let trees {
                Self.transpose(scratch.tree, rows: end - start, width: treeWidth, into: trees + offset,
                               columnStride: columnStride)
            }
            start = end
        }
    }

    @inline(__always)
    static func transpose(_ block: UnsafeMutablePointer<Float>, rows: Int, width: Int,
                          into out: UnsafeMutablePointer<Float>, columnStride: Int) {
        for column in 0..<width {
            let destination = out + column * columnStride
            for row in 0..<rows { destination[row] = block[row * width + column] }
        }
    }
}

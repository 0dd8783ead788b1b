/// A dense, column-major matrix of `Float` features, one row per declaration.
///
/// Missing values are stored as `Float.nan`; tree models route them by a learned direction,
/// the linear pipeline never produces them (it imputes and adds an indicator column).
/// Categorical columns hold integer codes (`0, 1, 2, …`) stored exactly as `Float`.
///
/// Column-major layout keeps one feature contiguous, which is what binning, histogram
/// building and BLAS want.
public struct FeatureMatrix: Sendable, Hashable, Codable {
    /// Number of rows (declarations).
    public let rowCount: Int
    /// Description of every column, in order.
    public let schema: FeatureSchema
    /// Column-major storage (keep its count equal to `rowCount × columnCount`): element (row `r`, column `c`) is at `c * rowCount + r`.
    public var values: [Float]

    /// Number of columns.
    public var columnCount: Int { schema.columns.count }

    /// Creates a matrix from column-major values.
    ///
    /// - Parameters:
    ///   - rowCount: Number of rows.
    ///   - schema: One entry per column.
    ///   - values: `rowCount × schema.columns.count` values, column after column.
    /// - Throws: `RiskDataError` with code `.shapeMismatch` when the count does not match.
    public init(rowCount: Int, schema: FeatureSchema, values: [Float]) throws {
        guard rowCount >= 0, values.count == rowCount * schema.columns.count else {
            throw RiskDataError(
                .shapeMismatch,
                "Feature matrix has \(values.count) values; expected \(rowCount) rows × "
                    + "\(schema.columns.count) columns = \(rowCount * schema.columns.count).")
        }
        self.rowCount = rowCount
        self.schema = schema
        self.values = values
    }

    /// Creates a matrix of the given shape filled with `value`.
    public init(rowCount: Int, schema: FeatureSchema, repeating value: Float = 0) {
        self.rowCount = rowCount
        self.schema = schema
        self.values = [Float](repeating: value, count: rowCount * schema.columns.count)
    }

    /// Creates a matrix from row-major nested arrays (convenient in tests and small programs).
    ///
    /// - Throws: `RiskDataError.shapeMismatch` when a row has the wrong length.
    public init(rows: [[Float]], schema: FeatureSchema) throws {
        let columns = schema.columns.count
        var values = [Float](repeating: 0, count: rows.count * columns)
        for (r, row) in rows.enumerated() {
            guard row.count == columns else {
                throw RiskDataError(.shapeMismatch, "Row \(r) has \(row.count) values; expected \(columns).")
            }
            for c in 0..<columns { values[c * rows.count + r] = row[c] }
        }
        try self.init(rowCount: rows.count, schema: schema, values: values)
    }

    /// The value at (`row`, `column`).
    @inlinable
    public subscript(row: Int, column: Int) -> Float {
        get { values[column * rowCount + row] }
        set { values[column * rowCount + row] = newValue }
    }

    /// The values of one row, in column order. O(columns).
    public func row(_ row: Int) -> [Float] {
        (0..<columnCount).map { values[$0 * rowCount + row] }
    }

    /// Copies one row into `buffer` (which must hold `columnCount` values); allocation-free.
    @inlinable
    public func copyRow(_ row: Int, into buffer: UnsafeMutableBufferPointer<Float>) {
        precondition(buffer.count >= columnCount)
        values.withUnsafeBufferPointer { v in
            for c in 0..<columnCount { buffer[c] = v[c * rowCount + row] }
        }
    }

    /// Calls `body` with the contiguous values of `column`.
    @inlinable
    public func withUnsafeColumn<R>(_ column: Int, _ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try values.withUnsafeBufferPointer { all in
            try body(UnsafeBufferPointer(rebasing: all[(column * rowCount)..<((column + 1) * rowCount)]))
        }
    }

    /// Calls `body` with the whole column-major buffer.
    @inlinable
    public func withUnsafeValues<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try values.withUnsafeBufferPointer(body)
    }

    /// Calls `body` with mutable access to the whole column-major buffer.
    @inlinable
    public mutating func withUnsafeMutableValues<R>(
        _ body: (UnsafeMutableBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        try values.withUnsafeMutableBufferPointer { try body($0) }
    }

    /// A new matrix holding the given rows, in the given order. O(rows × columns).
    public func selectingRows(_ rows: [Int]) -> FeatureMatrix {
        var out = [Float](repeating: 0, count: rows.count * columnCount)
        values.withUnsafeBufferPointer { v in
            for c in 0..<columnCount {
                let base = c * rowCount
                let outBase = c * rows.count
                for (i, r) in rows.enumerated() { out[outBase + i] = v[base + r] }
            }
        }
        // Shape is consistent by construction.
        return try! FeatureMatrix(rowCount: rows.count, schema: schema, values: out)
    }
}

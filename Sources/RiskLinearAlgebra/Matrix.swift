/// A dense, column-major matrix of `Double`: element (`row`, `column`) is at `column * rows + row`.
///
/// This is the layout BLAS and LAPACK expect with a leading dimension equal to `rows`.
/// A value type backed by an `Array`, so passing it `inout` to a wrapper mutates in place without
/// allocating when the storage is uniquely referenced.
package struct Matrix: Sendable, Hashable {
    /// Number of rows.
    package let rows: Int
    /// Number of columns.
    package let columns: Int
    /// Column-major storage; its count is always `rows × columns`.
    package private(set) var values: [Double]

    /// Creates a `rows × columns` matrix filled with `value`.
    ///
    /// - Throws: `LinearAlgebraError` `.invalidDimension` when a dimension is negative.
    package init(rows: Int, columns: Int, repeating value: Double = 0) throws {
        try Self.checkDimensions(rows: rows, columns: columns)
        self.rows = rows
        self.columns = columns
        self.values = [Double](repeating: value, count: rows * columns)
    }

    /// Creates a matrix from column-major values.
    ///
    /// - Throws: `LinearAlgebraError` `.invalidDimension` for a negative dimension, `.shapeMismatch`
    ///   when `values.count != rows × columns`.
    package init(rows: Int, columns: Int, columnMajor values: [Double]) throws {
        try Self.checkDimensions(rows: rows, columns: columns)
        guard values.count == rows * columns else {
            throw LinearAlgebraError(
                .shapeMismatch,
                "Matrix: \(values.count) values given for a \(rows)×\(columns) matrix; expected \(rows * columns).")
        }
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    /// Creates a matrix from row-major nested arrays (tests and small programs).
    ///
    /// - Throws: `LinearAlgebraError` `.shapeMismatch` when the rows differ in length.
    package init(rowMajor nested: [[Double]]) throws {
        let columnCount = nested.first?.count ?? 0
        var values = [Double](repeating: 0, count: nested.count * columnCount)
        for (r, row) in nested.enumerated() {
            guard row.count == columnCount else {
                throw LinearAlgebraError(
                    .shapeMismatch, "Matrix: row \(r) has \(row.count) values; row 0 has \(columnCount).")
            }
            for c in 0..<columnCount { values[c * nested.count + r] = row[c] }
        }
        try self.init(rows: nested.count, columns: columnCount, columnMajor: values)
    }

    /// The `n × n` identity matrix.
    package static func identity(_ n: Int) throws -> Matrix {
        var m = try Matrix(rows: n, columns: n)
        for i in 0..<n { m[i, i] = 1 }
        return m
    }

    /// The element at (`row`, `column`); traps when out of range (array bounds check).
    @inlinable
    package subscript(row: Int, column: Int) -> Double {
        get { values[column * rows + row] }
        set { values[column * rows + row] = newValue }
    }

    /// `"rows×columns"`, as error messages print shapes.
    package var shapeDescription: String { "\(rows)×\(columns)" }

    /// The transpose, as a new matrix. O(rows × columns).
    package var transposed: Matrix {
        var out = try! Matrix(rows: columns, columns: rows)   // dimensions already valid
        for c in 0..<columns {
            for r in 0..<rows { out[c, r] = self[r, c] }
        }
        return out
    }

    /// Calls `body` with the column-major storage.
    @inlinable
    package func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Double>) throws -> R) rethrows -> R {
        try values.withUnsafeBufferPointer(body)
    }

    /// Calls `body` with mutable access to the column-major storage.
    @inlinable
    package mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (UnsafeMutableBufferPointer<Double>) throws -> R
    ) rethrows -> R {
        try values.withUnsafeMutableBufferPointer { try body($0) }
    }

    private static func checkDimensions(rows: Int, columns: Int) throws {
        guard rows >= 0, columns >= 0 else {
            throw LinearAlgebraError(
                .invalidDimension, "Matrix: dimensions \(rows)×\(columns) are negative; expected rows ≥ 0 and columns ≥ 0.")
        }
    }
}

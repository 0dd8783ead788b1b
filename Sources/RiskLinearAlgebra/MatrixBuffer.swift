/// Which triangle of a symmetric matrix a routine reads or writes.
package enum Triangle: Sendable, Hashable {
    case upper, lower
}

/// A read-only, column-major view of `rows × columns` doubles with a leading dimension, checked on creation.
///
/// Hot loops pass views of preallocated scratch (e.g. the first `k` rows of a block buffer) to the
/// BLAS wrappers without copying; `Matrix` overloads build them for you.
package struct MatrixBuffer {
    package let base: UnsafeBufferPointer<Double>
    package let rows: Int
    package let columns: Int
    /// Distance between the starts of consecutive columns (≥ `rows`).
    package let leadingDimension: Int

    /// Creates a view; `operation` names the caller in error messages.
    ///
    /// - Throws: `LinearAlgebraError` `.invalidDimension` for a negative dimension or a leading
    ///   dimension below `rows`, `.shapeMismatch` when `base` is too short.
    package init(_ base: UnsafeBufferPointer<Double>, rows: Int, columns: Int, leadingDimension: Int? = nil,
                 operation: String = "matrix view") throws {
        let ld = leadingDimension ?? rows
        try checkExtent(count: base.count, rows: rows, columns: columns, leadingDimension: ld, operation: operation)
        self.base = base
        self.rows = rows
        self.columns = columns
        self.leadingDimension = ld
    }
}

/// A mutable, column-major view of `rows × columns` doubles with a leading dimension, checked on creation.
package struct MutableMatrixBuffer {
    package let base: UnsafeMutableBufferPointer<Double>
    package let rows: Int
    package let columns: Int
    /// Distance between the starts of consecutive columns (≥ `rows`).
    package let leadingDimension: Int

    /// Creates a view; `operation` names the caller in error messages.
    ///
    /// - Throws: as `MatrixBuffer.init`.
    package init(_ base: UnsafeMutableBufferPointer<Double>, rows: Int, columns: Int, leadingDimension: Int? = nil,
                 operation: String = "matrix view") throws {
        let ld = leadingDimension ?? rows
        try checkExtent(count: base.count, rows: rows, columns: columns, leadingDimension: ld, operation: operation)
        self.base = base
        self.rows = rows
        self.columns = columns
        self.leadingDimension = ld
    }

    /// The same view, read-only.
    package var readOnly: MatrixBuffer {
        // Extent already checked.
        try! MatrixBuffer(UnsafeBufferPointer(base), rows: rows, columns: columns, leadingDimension: leadingDimension)
    }
}

/// The largest dimension this BLAS build (32-bit `blasint`) accepts.
package let maximumBLASDimension = Int(Int32.max)

func checkExtent(count: Int, rows: Int, columns: Int, leadingDimension: Int, operation: String) throws {
    guard rows >= 0, columns >= 0 else {
        throw LinearAlgebraError(
            .invalidDimension, "\(operation): dimensions \(rows)×\(columns) are negative; expected ≥ 0.")
    }
    guard leadingDimension >= rows else {
        throw LinearAlgebraError(
            .invalidDimension,
            "\(operation): leading dimension \(leadingDimension) is below the row count \(rows); expected ≥ \(rows).")
    }
    guard rows <= maximumBLASDimension, columns <= maximumBLASDimension,
          leadingDimension <= maximumBLASDimension else {
        throw LinearAlgebraError(
            .invalidDimension,
            "\(operation): a \(rows)×\(columns) matrix (leading dimension \(leadingDimension)) exceeds the "
                + "32-bit BLAS limit of \(maximumBLASDimension); split the work into blocks.")
    }
    let needed = columns == 0 || rows == 0 ? 0 : leadingDimension * (columns - 1) + rows
    guard count >= needed else {
        throw LinearAlgebraError(
            .shapeMismatch,
            "\(operation): a \(rows)×\(columns) matrix with leading dimension \(leadingDimension) needs "
                + "\(needed) values; the buffer holds \(count).")
    }
}

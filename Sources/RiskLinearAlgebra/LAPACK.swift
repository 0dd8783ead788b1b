import CLAPACKE

/// Checked wrappers around the LAPACKE Cholesky routines; LAPACK's `info` becomes a thrown error.
package enum LAPACK {
    /// Factors the symmetric positive definite matrix `a` in place as `UᵀU` (`.upper`) or `LLᵀ`
    /// (`.lower`) with `dpotrf`. Only `triangle` of `a` is read; the factor overwrites it and the
    /// other triangle is left untouched.
    ///
    /// - Throws: `LinearAlgebraError` `.shapeMismatch` when `a` is not square,
    ///   `.notPositiveDefinite` naming the order of the first leading minor that is not positive
    ///   definite (LAPACK `info > 0`), `.illegalArgument` for `info < 0`.
    /// - Complexity: O(n³ / 3).
    package static func choleskyFactor(_ a: MutableMatrixBuffer, triangle: Triangle = .upper) throws {
        guard a.rows == a.columns else {
            throw LinearAlgebraError(
                .shapeMismatch, "Cholesky factorisation (dpotrf): A is \(a.rows)×\(a.columns); expected a square matrix.")
        }
        let n = a.rows
        guard n > 0 else { return }
        let info = LAPACKE_dpotrf(LAPACK_COL_MAJOR, uplo(triangle), Int32(n), a.base.baseAddress,
                                  Int32(max(1, a.leadingDimension)))
        try check(info: info, routine: "Cholesky factorisation (dpotrf)", order: n)
    }

    /// Factors `a` in place (see the buffer overload). - Throws: as the buffer overload.
    package static func choleskyFactor(_ a: inout Matrix, triangle: Triangle = .upper) throws {
        let (rows, columns) = (a.rows, a.columns)
        try a.withUnsafeMutableBufferPointer {
            try choleskyFactor(MutableMatrixBuffer($0, rows: rows, columns: columns, operation: "dpotrf"),
                               triangle: triangle)
        }
    }

    /// Solves `A·X = B` in place of `b` given the Cholesky factor of `A` from `choleskyFactor`
    /// (same `triangle`), with `dpotrs`.
    ///
    /// - Throws: `.shapeMismatch` when the factor is not square or `b` has the wrong row count;
    ///   `.illegalArgument` for LAPACK `info < 0`.
    /// - Complexity: O(n² × right-hand sides).
    package static func choleskySolve(factor: MatrixBuffer, triangle: Triangle = .upper,
                                      _ b: MutableMatrixBuffer) throws {
        guard factor.rows == factor.columns, b.rows == factor.rows else {
            throw LinearAlgebraError(
                .shapeMismatch,
                "Cholesky solve (dpotrs): the factor is \(factor.rows)×\(factor.columns) and B is "
                    + "\(b.rows)×\(b.columns); expected a square factor with as many rows as B.")
        }
        let n = factor.rows
        guard n > 0, b.columns > 0 else { return }
        let info = LAPACKE_dpotrs(LAPACK_COL_MAJOR, uplo(triangle), Int32(n), Int32(b.columns),
                                  factor.base.baseAddress, Int32(max(1, factor.leadingDimension)),
                                  b.base.baseAddress, Int32(max(1, b.leadingDimension)))
        try check(info: info, routine: "Cholesky solve (dpotrs)", order: n)
    }

    /// Solves `A·x = b` in place of `b` given the Cholesky factor of `A`. - Throws: as the buffer overload.
    package static func choleskySolve(factor: Matrix, triangle: Triangle = .upper, _ b: inout [Double]) throws {
        let count = b.count
        try factor.withUnsafeBufferPointer { fb in
            try b.withUnsafeMutableBufferPointer { bb in
                try choleskySolve(factor: MatrixBuffer(fb, rows: factor.rows, columns: factor.columns, operation: "dpotrs"),
                                  triangle: triangle, MutableMatrixBuffer(bb, rows: count, columns: 1, operation: "dpotrs"))
            }
        }
    }

    /// Solves `A·X = B` in place of `b` given the Cholesky factor of `A`. - Throws: as the buffer overload.
    package static func choleskySolve(factor: Matrix, triangle: Triangle = .upper, _ b: inout Matrix) throws {
        let (rows, columns) = (b.rows, b.columns)
        try factor.withUnsafeBufferPointer { fb in
            try b.withUnsafeMutableBufferPointer { bb in
                try choleskySolve(factor: MatrixBuffer(fb, rows: factor.rows, columns: factor.columns, operation: "dpotrs"),
                                  triangle: triangle, MutableMatrixBuffer(bb, rows: rows, columns: columns, operation: "dpotrs"))
            }
        }
    }

    /// Factors `a` and solves `A·x = b` in one call (`dposv`): `a` receives the factor, `b` the solution.
    ///
    /// - Throws: `.shapeMismatch`, `.notPositiveDefinite` (naming the leading minor), `.illegalArgument`.
    /// - Complexity: O(n³ / 3 + n²).
    package static func solvePositiveDefinite(_ a: inout Matrix, triangle: Triangle = .upper,
                                              _ b: inout [Double]) throws {
        guard a.rows == a.columns, b.count == a.rows else {
            throw LinearAlgebraError(
                .shapeMismatch,
                "Positive definite solve (dposv): A is \(a.shapeDescription) and b has \(b.count) entries; "
                    + "expected a square A with as many rows as b has entries.")
        }
        let n = a.rows
        guard n > 0 else { return }
        guard n <= maximumBLASDimension else {
            throw LinearAlgebraError(.invalidDimension, "Positive definite solve (dposv): order \(n) exceeds the 32-bit limit.")
        }
        let info = a.withUnsafeMutableBufferPointer { ab in
            b.withUnsafeMutableBufferPointer { bb in
                LAPACKE_dposv(LAPACK_COL_MAJOR, uplo(triangle), Int32(n), 1, ab.baseAddress, Int32(n),
                              bb.baseAddress, Int32(n))
            }
        }
        try check(info: info, routine: "Positive definite solve (dposv)", order: n)
    }

    private static func uplo(_ triangle: Triangle) -> CChar {
        CChar(UInt8(ascii: triangle == .upper ? "U" : "L"))
    }

    private static func check(info: Int32, routine: String, order: Int) throws {
        if info == 0 { return }
        if info > 0 {
            throw LinearAlgebraError(
                .notPositiveDefinite,
                "\(routine): the leading minor of order \(info) of the \(order)×\(order) matrix is not positive "
                    + "definite, so the matrix is not symmetric positive definite. Add a ridge to the diagonal "
                    + "or remove collinear columns.")
        }
        throw LinearAlgebraError(
            .illegalArgument, "\(routine): LAPACK rejected argument \(-info) (info = \(info)); this is a bug in the wrapper.")
    }
}

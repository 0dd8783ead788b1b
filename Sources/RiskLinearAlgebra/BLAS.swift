import CBLAS

/// Checked wrappers around the double-precision CBLAS routines of OpenBLAS.
///
/// Every wrapper checks that the operand shapes fit together before the call and throws a
/// `LinearAlgebraError` naming the routine and the shapes otherwise; none of them traps.
/// Buffer-level overloads (views of preallocated memory) allocate nothing; `Matrix`/`Array`
/// overloads are conveniences on top of them.
///
/// Thread count: OpenBLAS's own, process-wide (`BLASThreads`). Not guaranteed: bit-identical
/// results across BLAS thread counts for the level-3 routines (OpenBLAS may split the inner
/// dimension); the level-1/2 routines split over independent outputs.
package enum BLAS {
    // MARK: - Level 1

    /// Returns `xᵀy`.
    ///
    /// - Throws: `.shapeMismatch` when the lengths differ. - Complexity: O(n).
    package static func dot(_ x: UnsafeBufferPointer<Double>, _ y: UnsafeBufferPointer<Double>) throws -> Double {
        guard x.count == y.count else {
            throw LinearAlgebraError(.shapeMismatch, "dot: x has \(x.count) entries but y has \(y.count); expected equal lengths.")
        }
        try checkLength(x.count, "dot")
        guard x.count > 0 else { return 0 }
        return cblas_ddot(Int32(x.count), x.baseAddress, 1, y.baseAddress, 1)
    }

    /// Returns `xᵀy`. - Throws: `.shapeMismatch` when the lengths differ.
    package static func dot(_ x: [Double], _ y: [Double]) throws -> Double {
        try x.withUnsafeBufferPointer { xb in try y.withUnsafeBufferPointer { yb in try dot(xb, yb) } }
    }

    /// `y ← αx + y`.
    ///
    /// - Throws: `.shapeMismatch` when the lengths differ. - Complexity: O(n).
    package static func axpy(_ alpha: Double, _ x: UnsafeBufferPointer<Double>, _ y: UnsafeMutableBufferPointer<Double>) throws {
        guard x.count == y.count else {
            throw LinearAlgebraError(.shapeMismatch, "axpy: x has \(x.count) entries but y has \(y.count); expected equal lengths.")
        }
        try checkLength(x.count, "axpy")
        guard x.count > 0 else { return }
        cblas_daxpy(Int32(x.count), alpha, x.baseAddress, 1, y.baseAddress, 1)
    }

    /// `y ← αx + y`. - Throws: `.shapeMismatch` when the lengths differ.
    package static func axpy(_ alpha: Double, _ x: [Double], _ y: inout [Double]) throws {
        try x.withUnsafeBufferPointer { xb in try y.withUnsafeMutableBufferPointer { yb in try axpy(alpha, xb, yb) } }
    }

    /// `x ← αx`. - Complexity: O(n).
    package static func scal(_ alpha: Double, _ x: UnsafeMutableBufferPointer<Double>) throws {
        try checkLength(x.count, "scal")
        guard x.count > 0 else { return }
        cblas_dscal(Int32(x.count), alpha, x.baseAddress, 1)
    }

    /// `x ← αx`.
    package static func scal(_ alpha: Double, _ x: inout [Double]) throws {
        try x.withUnsafeMutableBufferPointer { try scal(alpha, $0) }
    }

    /// Returns the Euclidean norm ‖x‖₂ (computed without overflow by OpenBLAS). - Complexity: O(n).
    package static func nrm2(_ x: UnsafeBufferPointer<Double>) throws -> Double {
        try checkLength(x.count, "nrm2")
        guard x.count > 0 else { return 0 }
        return cblas_dnrm2(Int32(x.count), x.baseAddress, 1)
    }

    /// Returns ‖x‖₂.
    package static func nrm2(_ x: [Double]) throws -> Double {
        try x.withUnsafeBufferPointer { try nrm2($0) }
    }

    // MARK: - Level 2

    /// `y ← α·op(A)·x + β·y` where `op(A)` is `A` or `Aᵀ`.
    ///
    /// - Parameters:
    ///   - transpose: `true` for `Aᵀx` (then `x` has `A.rows` entries and `y` has `A.columns`).
    /// - Throws: `.shapeMismatch` naming the shapes when `x` or `y` has the wrong length.
    /// - Complexity: O(rows × columns).
    package static func gemv(transpose: Bool = false, alpha: Double = 1, _ a: MatrixBuffer,
                             _ x: UnsafeBufferPointer<Double>, beta: Double = 0,
                             _ y: UnsafeMutableBufferPointer<Double>) throws {
        let xLength = transpose ? a.rows : a.columns
        let yLength = transpose ? a.columns : a.rows
        guard x.count == xLength, y.count == yLength else {
            let op = transpose ? "Aᵀ" : "A"
            throw LinearAlgebraError(
                .shapeMismatch,
                "gemv: A is \(a.rows)×\(a.columns), so \(op)·x needs x with \(xLength) entries and y with "
                    + "\(yLength); x has \(x.count) and y has \(y.count).")
        }
        guard yLength > 0 else { return }
        if xLength == 0 {   // op(A)·x is the zero vector; β = 0 means y is not read (as in BLAS).
            for i in 0..<yLength { y[i] = beta == 0 ? 0 : beta * y[i] }
            return
        }
        cblas_dgemv(CblasColMajor, transpose ? CblasTrans : CblasNoTrans, Int32(a.rows), Int32(a.columns),
                    alpha, a.base.baseAddress, Int32(max(1, a.leadingDimension)), x.baseAddress, 1,
                    beta, y.baseAddress, 1)
    }

    /// `y ← α·op(A)·x + β·y`. - Throws: `.shapeMismatch` naming the shapes.
    package static func gemv(transpose: Bool = false, alpha: Double = 1, _ a: Matrix, _ x: [Double],
                             beta: Double = 0, _ y: inout [Double]) throws {
        try a.withUnsafeBufferPointer { ab in
            let view = try MatrixBuffer(ab, rows: a.rows, columns: a.columns, operation: "gemv")
            try x.withUnsafeBufferPointer { xb in
                try y.withUnsafeMutableBufferPointer { yb in
                    try gemv(transpose: transpose, alpha: alpha, view, xb, beta: beta, yb)
                }
            }
        }
    }

    // MARK: - Level 3

    /// `C ← α·op(A)·op(B) + β·C`.
    ///
    /// - Throws: `.shapeMismatch` naming all three shapes when they do not fit together.
    /// - Complexity: O(m × n × k).
    package static func gemm(transposeA: Bool = false, transposeB: Bool = false, alpha: Double = 1,
                             _ a: MatrixBuffer, _ b: MatrixBuffer, beta: Double = 0,
                             _ c: MutableMatrixBuffer) throws {
        let m = transposeA ? a.columns : a.rows
        let k = transposeA ? a.rows : a.columns
        let kB = transposeB ? b.columns : b.rows
        let n = transposeB ? b.rows : b.columns
        guard k == kB, c.rows == m, c.columns == n else {
            throw LinearAlgebraError(
                .shapeMismatch,
                "gemm: op(A) is \(m)×\(k) (A is \(a.rows)×\(a.columns)\(transposeA ? ", transposed" : "")) and "
                    + "op(B) is \(kB)×\(n) (B is \(b.rows)×\(b.columns)\(transposeB ? ", transposed" : "")); "
                    + "expected inner dimensions to agree and C to be \(m)×\(n), but C is \(c.rows)×\(c.columns).")
        }
        guard m > 0, n > 0 else { return }
        if k == 0 {
            try scaleMatrix(beta, c)
            return
        }
        cblas_dgemm(CblasColMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha,
                    a.base.baseAddress, Int32(max(1, a.leadingDimension)),
                    b.base.baseAddress, Int32(max(1, b.leadingDimension)),
                    beta, c.base.baseAddress, Int32(max(1, c.leadingDimension)))
    }

    /// `C ← α·op(A)·op(B) + β·C`. - Throws: `.shapeMismatch` naming the shapes.
    package static func gemm(transposeA: Bool = false, transposeB: Bool = false, alpha: Double = 1,
                             _ a: Matrix, _ b: Matrix, beta: Double = 0, _ c: inout Matrix) throws {
        let (cRows, cColumns) = (c.rows, c.columns)
        try a.withUnsafeBufferPointer { ab in
            try b.withUnsafeBufferPointer { bb in
                try c.withUnsafeMutableBufferPointer { cb in
                    try gemm(transposeA: transposeA, transposeB: transposeB, alpha: alpha,
                             MatrixBuffer(ab, rows: a.rows, columns: a.columns, operation: "gemm"),
                             MatrixBuffer(bb, rows: b.rows, columns: b.columns, operation: "gemm"),
                             beta: beta,
                             MutableMatrixBuffer(cb, rows: cRows, columns: cColumns, operation: "gemm"))
                }
            }
        }
    }

    /// Symmetric rank-k update of one triangle: `C ← α·AᵀA + β·C` when `transpose` (A is k×n),
    /// else `C ← α·AAᵀ + β·C` (A is n×k). Only `triangle` of `C` is read and written; call
    /// `symmetrize` to fill the other.
    ///
    /// - Throws: `.shapeMismatch` when `C` is not square of the right order.
    /// - Complexity: O(n² × k), about half of the equivalent `gemm`.
    package static func syrk(triangle: Triangle = .upper, transpose: Bool, alpha: Double = 1, _ a: MatrixBuffer,
                             beta: Double = 0, _ c: MutableMatrixBuffer) throws {
        let n = transpose ? a.columns : a.rows
        let k = transpose ? a.rows : a.columns
        guard c.rows == n, c.columns == n else {
            throw LinearAlgebraError(
                .shapeMismatch,
                "syrk: A is \(a.rows)×\(a.columns), so \(transpose ? "AᵀA" : "AAᵀ") is \(n)×\(n); "
                    + "C is \(c.rows)×\(c.columns).")
        }
        guard n > 0 else { return }
        if k == 0 {
            try scaleMatrix(beta, c)
            return
        }
        cblas_dsyrk(CblasColMajor, triangle == .upper ? CblasUpper : CblasLower, transpose ? CblasTrans : CblasNoTrans,
                    Int32(n), Int32(k), alpha, a.base.baseAddress, Int32(max(1, a.leadingDimension)),
                    beta, c.base.baseAddress, Int32(max(1, c.leadingDimension)))
    }

    /// Symmetric rank-k update of one triangle of `c`. - Throws: `.shapeMismatch`.
    package static func syrk(triangle: Triangle = .upper, transpose: Bool, alpha: Double = 1, _ a: Matrix,
                             beta: Double = 0, _ c: inout Matrix) throws {
        let (cRows, cColumns) = (c.rows, c.columns)
        try a.withUnsafeBufferPointer { ab in
            try c.withUnsafeMutableBufferPointer { cb in
                try syrk(triangle: triangle, transpose: transpose, alpha: alpha,
                         MatrixBuffer(ab, rows: a.rows, columns: a.columns, operation: "syrk"), beta: beta,
                         MutableMatrixBuffer(cb, rows: cRows, columns: cColumns, operation: "syrk"))
            }
        }
    }

    /// Copies `triangle` of the square matrix `c` onto the other triangle.
    ///
    /// - Throws: `.shapeMismatch` when `c` is not square. - Complexity: O(n²).
    package static func symmetrize(_ c: MutableMatrixBuffer, from triangle: Triangle = .upper) throws {
        guard c.rows == c.columns else {
            throw LinearAlgebraError(.shapeMismatch, "symmetrize: C is \(c.rows)×\(c.columns); expected a square matrix.")
        }
        let n = c.rows, ld = c.leadingDimension, p = c.base
        for j in 0..<n {
            for i in 0..<j {
                if triangle == .upper { p[i * ld + j] = p[j * ld + i] } else { p[j * ld + i] = p[i * ld + j] }
            }
        }
    }

    /// Copies `triangle` of the square matrix `c` onto the other triangle. - Throws: `.shapeMismatch`.
    package static func symmetrize(_ c: inout Matrix, from triangle: Triangle = .upper) throws {
        let (rows, columns) = (c.rows, c.columns)
        try c.withUnsafeMutableBufferPointer {
            try symmetrize(MutableMatrixBuffer($0, rows: rows, columns: columns, operation: "symmetrize"), from: triangle)
        }
    }

    // MARK: - Helpers

    private static func checkLength(_ n: Int, _ operation: String) throws {
        guard n <= maximumBLASDimension else {
            throw LinearAlgebraError(
                .invalidDimension,
                "\(operation): vectors of \(n) entries exceed the 32-bit BLAS limit of \(maximumBLASDimension); "
                    + "split the work into blocks.")
        }
    }

    private static func scaleMatrix(_ beta: Double, _ c: MutableMatrixBuffer) throws {
        for j in 0..<c.columns {
            for i in 0..<c.rows {
                let index = j * c.leadingDimension + i
                c.base[index] = beta == 0 ? 0 : beta * c.base[index]   // BLAS: β = 0 means C is not read
            }
        }
    }
}

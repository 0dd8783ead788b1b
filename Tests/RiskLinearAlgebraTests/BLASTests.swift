import RiskData
import Testing
@testable import RiskLinearAlgebra

@Suite("BLAS wrappers against naive loops")
struct BLASTests {
    @Test(arguments: [1, 7, 300], [11, 12] as [UInt64])
    func levelOneMatchesNaive(count: Int, seed: UInt64) throws {
        let x = Naive.randomVector(count, seed: seed)
        let y = Naive.randomVector(count, seed: seed &+ 100)
        let naiveDot = zip(x, y).reduce(0.0) { $0 + $1.0 * $1.1 }
        #expect(agree(try BLAS.dot(x, y), naiveDot, terms: count))

        var axpy = y
        try BLAS.axpy(-2.5, x, &axpy)
        for i in 0..<count { #expect(axpy[i] == y[i] + -2.5 * x[i] || agree(axpy[i], y[i] - 2.5 * x[i], terms: 2)) }

        var scaled = x
        try BLAS.scal(0.75, &scaled)
        for i in 0..<count { #expect(scaled[i] == 0.75 * x[i]) }

        let naiveNorm = x.reduce(0.0) { $0 + $1 * $1 }.squareRoot()
        #expect(agree(try BLAS.nrm2(x), naiveNorm, terms: count))
    }

    @Test(arguments: [(1, 1), (7, 7), (300, 300), (300, 7), (7, 300), (1, 300)], [21] as [UInt64])
    func gemvMatchesNaive(shape: (Int, Int), seed: UInt64) throws {
        let (rows, columns) = shape
        let a = Naive.randomMatrix(rows: rows, columns: columns, seed: seed)
        for transpose in [false, true] {
            let opA = Naive.op(a, transpose)
            let x = Naive.randomVector(opA.columns, seed: seed &+ 1)
            let y0 = Naive.randomVector(opA.rows, seed: seed &+ 2)
            var y = y0
            try BLAS.gemv(transpose: transpose, alpha: 1.5, a, x, beta: -0.5, &y)
            let ax = Naive.multiply(opA, x)
            for i in 0..<opA.rows {
                #expect(agree(y[i], 1.5 * ax[i] - 0.5 * y0[i], terms: opA.columns),
                        "row \(i), transpose \(transpose), seed \(seed)")
            }
        }
    }

    @Test(arguments: [(1, 1, 1), (7, 7, 7), (300, 300, 300), (300, 7, 5), (7, 300, 9), (5, 9, 300)],
          [31] as [UInt64])
    func gemmMatchesNaive(shape: (Int, Int, Int), seed: UInt64) throws {
        let (m, n, k) = shape
        // The 300³ case runs only untransposed to keep the debug oracle under a second.
        let combinations: [(Bool, Bool)] = m * n * k > 1_000_000
            ? [(false, false)] : [(false, false), (true, false), (false, true), (true, true)]
        for (transposeA, transposeB) in combinations {
            let opA = Naive.randomMatrix(rows: m, columns: k, seed: seed)
            let opB = Naive.randomMatrix(rows: k, columns: n, seed: seed &+ 1)
            let c0 = Naive.randomMatrix(rows: m, columns: n, seed: seed &+ 2)
            var c = c0
            try BLAS.gemm(transposeA: transposeA, transposeB: transposeB, alpha: 2,
                          transposeA ? opA.transposed : opA, transposeB ? opB.transposed : opB, beta: 0.5, &c)
            let product = Naive.multiply(opA, opB)
            for i in 0..<m {
                for j in 0..<n {
                    #expect(agree(c[i, j], 2 * product[i, j] + 0.5 * c0[i, j], terms: k),
                            "(\(i), \(j)) transposeA \(transposeA) transposeB \(transposeB) seed \(seed)")
                }
            }
        }
    }

    @Test(arguments: [(1, 1), (7, 7), (300, 7), (7, 300), (300, 300)], [41] as [UInt64])
    func syrkAndSymmetrizeMatchNaive(shape: (Int, Int), seed: UInt64) throws {
        let (rows, columns) = shape
        let a = Naive.randomMatrix(rows: rows, columns: columns, seed: seed)
        for transpose in [true, false] {
            for triangle in [Triangle.upper, .lower] {
                let n = transpose ? columns : rows
                let product = transpose ? Naive.multiply(a.transposed, a) : Naive.multiply(a, a.transposed)
                var c = try Matrix(rows: n, columns: n, repeating: .nan)   // β = 0: C must not be read
                try BLAS.syrk(triangle: triangle, transpose: transpose, alpha: 1, a, beta: 0, &c)
                try BLAS.symmetrize(&c, from: triangle)
                for i in 0..<n {
                    for j in 0..<n {
                        #expect(agree(c[i, j], product[i, j], terms: transpose ? rows : columns),
                                "(\(i), \(j)) transpose \(transpose) \(triangle) seed \(seed)")
                    }
                }
            }
        }
    }

    @Test func blockViewWithLeadingDimension() throws {
        // The first 3 rows of a 5×4 buffer, as the logistic Hessian uses partial row blocks.
        let full = Naive.randomMatrix(rows: 5, columns: 4, seed: 51)
        var top = try Matrix(rows: 3, columns: 4)
        for i in 0..<3 { for j in 0..<4 { top[i, j] = full[i, j] } }
        let expected = Naive.multiply(top.transposed, top)
        var c = try Matrix(rows: 4, columns: 4)
        try full.withUnsafeBufferPointer { buffer in
            try c.withUnsafeMutableBufferPointer { cBuffer in
                try BLAS.syrk(transpose: true, MatrixBuffer(buffer, rows: 3, columns: 4, leadingDimension: 5),
                              MutableMatrixBuffer(cBuffer, rows: 4, columns: 4))
            }
        }
        try BLAS.symmetrize(&c)
        for i in 0..<4 { for j in 0..<4 { #expect(agree(c[i, j], expected[i, j], terms: 3)) } }
    }

    // MARK: - Shape errors, as exact messages

    @Test func dotLengthMismatchIsAnError() {
        #expect(throws: LinearAlgebraError(.shapeMismatch, "dot: x has 3 entries but y has 2; expected equal lengths.")) {
            try BLAS.dot([1, 2, 3], [1, 2])
        }
    }

    @Test func gemvShapeMismatchNamesTheShapes() throws {
        let a = try Matrix(rows: 3, columns: 4)
        var y = [Double](repeating: 0, count: 3)
        #expect(throws: LinearAlgebraError(
            .shapeMismatch,
            "gemv: A is 3×4, so A·x needs x with 4 entries and y with 3; x has 5 and y has 3.")) {
            try BLAS.gemv(a, [1, 2, 3, 4, 5], &y)
        }
        var z = [Double](repeating: 0, count: 3)
        #expect(throws: LinearAlgebraError(
            .shapeMismatch,
            "gemv: A is 3×4, so Aᵀ·x needs x with 3 entries and y with 4; x has 3 and y has 3.")) {
            try BLAS.gemv(transpose: true, a, [1, 2, 3], &z)
        }
    }

    @Test func gemmShapeMismatchNamesTheShapes() throws {
        let a = try Matrix(rows: 2, columns: 3)
        let b = try Matrix(rows: 4, columns: 5)
        var c = try Matrix(rows: 2, columns: 5)
        #expect(throws: LinearAlgebraError(
            .shapeMismatch,
            "gemm: op(A) is 2×3 (A is 2×3) and op(B) is 4×5 (B is 4×5); expected inner dimensions to agree "
                + "and C to be 2×5, but C is 2×5.")) {
            try BLAS.gemm(a, b, &c)
        }
    }

    @Test func syrkShapeMismatchNamesTheShapes() throws {
        let a = try Matrix(rows: 6, columns: 3)
        var c = try Matrix(rows: 6, columns: 6)
        #expect(throws: LinearAlgebraError(.shapeMismatch, "syrk: A is 6×3, so AᵀA is 3×3; C is 6×6.")) {
            try BLAS.syrk(transpose: true, a, &c)
        }
    }

    @Test func shortBufferIsAnError() throws {
        let values = [Double](repeating: 1, count: 5)
        #expect(throws: LinearAlgebraError(
            .shapeMismatch, "gemv: a 3×2 matrix with leading dimension 3 needs 6 values; the buffer holds 5.")) {
            try values.withUnsafeBufferPointer { try MatrixBuffer($0, rows: 3, columns: 2, operation: "gemv") }
        }
        #expect(throws: LinearAlgebraError(
            .invalidDimension, "Matrix: dimensions -1×2 are negative; expected rows ≥ 0 and columns ≥ 0.")) {
            try Matrix(rows: -1, columns: 2)
        }
    }

    @Test func blasThreadCountIsSettable() {
        let before = BLASThreads.current
        BLASThreads.set(1)
        #expect(BLASThreads.current == 1)
        BLASThreads.set(0)   // below 1 means 1
        #expect(BLASThreads.current == 1)
        BLASThreads.set(before)
    }
}

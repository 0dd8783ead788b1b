import RiskData
import Testing
@testable import RiskLinearAlgebra

@Suite("LAPACK Cholesky wrappers")
struct LAPACKTests {
    @Test(arguments: [1, 7, 300], [61, 62] as [UInt64])
    func choleskyFactorMatchesNaive(order: Int, seed: UInt64) throws {
        let a = Naive.spd(order, seed: seed)
        var factor = a
        try LAPACK.choleskyFactor(&factor, triangle: .upper)
        let naive = Naive.cholesky(a)
        for j in 0..<order {
            for i in 0...j {
                // Both run the same recurrence in a different order; entries are O(√n) in size.
                #expect(abs(factor[i, j] - naive[i, j]) <= 1e-10 * max(1, abs(naive[i, j])),
                        "(\(i), \(j)) order \(order) seed \(seed)")
            }
        }
    }

    @Test(arguments: [1, 7, 300], [71] as [UInt64])
    func choleskySolveAndPosvSolveTheSystem(order: Int, seed: UInt64) throws {
        let a = Naive.spd(order, seed: seed)
        let xTrue = Naive.randomVector(order, seed: seed &+ 1)
        let b = Naive.multiply(a, xTrue)
        for triangle in [Triangle.upper, .lower] {
            var factor = a
            try LAPACK.choleskyFactor(&factor, triangle: triangle)
            var x = b
            try LAPACK.choleskySolve(factor: factor, triangle: triangle, &x)
            // A is well conditioned (BᵀB + n·I): the solution is accurate to a few ulps times n.
            for i in 0..<order { #expect(abs(x[i] - xTrue[i]) <= 1e-10 * max(1, abs(xTrue[i])), "\(triangle) \(i)") }

            var copy = a
            var y = b
            try LAPACK.solvePositiveDefinite(&copy, triangle: triangle, &y)
            for i in 0..<order { #expect(abs(y[i] - xTrue[i]) <= 1e-10 * max(1, abs(xTrue[i])), "dposv \(triangle) \(i)") }
        }
    }

    @Test func multipleRightHandSides() throws {
        let a = Naive.spd(7, seed: 81)
        let xTrue = Naive.randomMatrix(rows: 7, columns: 3, seed: 82)
        var b = Naive.multiply(a, xTrue)
        var factor = a
        try LAPACK.choleskyFactor(&factor)
        try LAPACK.choleskySolve(factor: factor, &b)
        for i in 0..<7 { for j in 0..<3 { #expect(abs(b[i, j] - xTrue[i, j]) <= 1e-10 * max(1, abs(xTrue[i, j]))) } }
    }

    @Test func notPositiveDefiniteNamesTheLeadingMinor() throws {
        // The 2×2 leading minor [[4, 2], [2, 1]] is singular; the matrix is not positive definite.
        var a = try Matrix(rowMajor: [[4, 2, 0], [2, 1, 0], [0, 0, 1]])
        #expect(throws: LinearAlgebraError(
            .notPositiveDefinite,
            "Cholesky factorisation (dpotrf): the leading minor of order 2 of the 3×3 matrix is not positive "
                + "definite, so the matrix is not symmetric positive definite. Add a ridge to the diagonal "
                + "or remove collinear columns.")) {
            try LAPACK.choleskyFactor(&a)
        }
        var indefinite = try Matrix(rowMajor: [[-1]])
        var b = [1.0]
        #expect(throws: LinearAlgebraError(
            .notPositiveDefinite,
            "Positive definite solve (dposv): the leading minor of order 1 of the 1×1 matrix is not positive "
                + "definite, so the matrix is not symmetric positive definite. Add a ridge to the diagonal "
                + "or remove collinear columns.")) {
            try LAPACK.solvePositiveDefinite(&indefinite, &b)
        }
    }

    @Test func solveShapeMismatchIsAnError() throws {
        let factor = try Matrix.identity(3)
        var b = [1.0, 2.0]
        #expect(throws: LinearAlgebraError(
            .shapeMismatch,
            "Cholesky solve (dpotrs): the factor is 3×3 and B is 2×1; expected a square factor with as many rows as B.")) {
            try LAPACK.choleskySolve(factor: factor, &b)
        }
        var rectangular = try Matrix(rows: 2, columns: 3)
        #expect(throws: LinearAlgebraError(
            .shapeMismatch, "Cholesky factorisation (dpotrf): A is 2×3; expected a square matrix.")) {
            try LAPACK.choleskyFactor(&rectangular)
        }
    }
}

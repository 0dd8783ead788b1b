import RiskData
@testable import RiskLinearAlgebra

/// Naive triple-loop twins of the BLAS/LAPACK wrappers: the oracles the tests compare against.
enum Naive {
    static func randomMatrix(rows: Int, columns: Int, seed: UInt64) -> Matrix {
        var generator = SeededGenerator(seed: seed)
        let values = (0..<(rows * columns)).map { _ in generator.nextGaussian() }
        return try! Matrix(rows: rows, columns: columns, columnMajor: values)
    }

    static func randomVector(_ count: Int, seed: UInt64) -> [Double] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in generator.nextGaussian() }
    }

    static func op(_ a: Matrix, _ transpose: Bool) -> Matrix { transpose ? a.transposed : a }

    static func multiply(_ a: Matrix, _ b: Matrix) -> Matrix {
        // Plain loops over raw storage (debug builds are slow with checked subscripts), same order as the math.
        var c = [Double](repeating: 0, count: a.rows * b.columns)
        let (m, k) = (a.rows, a.columns)
        a.withUnsafeBufferPointer { av in
            b.withUnsafeBufferPointer { bv in
                c.withUnsafeMutableBufferPointer { cv in
                    for j in 0..<b.columns {
                        for i in 0..<m {
                            var sum = 0.0
                            for l in 0..<k { sum += av[l * m + i] * bv[j * k + l] }
                            cv[j * m + i] = sum
                        }
                    }
                }
            }
        }
        return try! Matrix(rows: m, columns: b.columns, columnMajor: c)
    }

    static func multiply(_ a: Matrix, _ x: [Double]) -> [Double] {
        (0..<a.rows).map { i in (0..<a.columns).reduce(0.0) { $0 + a[i, $1] * x[$1] } }
    }

    /// A random symmetric positive definite matrix: BᵀB + n·I.
    static func spd(_ n: Int, seed: UInt64) -> Matrix {
        let b = randomMatrix(rows: n, columns: n, seed: seed)
        var a = multiply(b.transposed, b)
        for i in 0..<n { a[i, i] += Double(n) }
        return a
    }

    /// Upper Cholesky factor U with A = UᵀU (zero below the diagonal), by the textbook loop.
    static func cholesky(_ a: Matrix) -> Matrix {
        let n = a.rows
        var u = try! Matrix(rows: n, columns: n)
        for j in 0..<n {
            var diagonal = a[j, j]
            for k in 0..<j { diagonal -= u[k, j] * u[k, j] }
            u[j, j] = diagonal.squareRoot()
            for i in (j + 1)..<max(j + 1, n) {
                var sum = a[j, i]
                for k in 0..<j { sum -= u[k, j] * u[k, i] }
                u[j, i] = sum / u[j, j]
            }
        }
        return u
    }
}

/// Element-wise closeness of two sums of `terms` products of standard-normal values: rounding
/// error of a different summation order grows like `terms · ε · (typical magnitude)`.
func agree(_ a: Double, _ b: Double, terms: Int) -> Bool {
    abs(a - b) <= 1e-13 * Double(max(terms, 1)) * max(1, abs(a), abs(b))
}

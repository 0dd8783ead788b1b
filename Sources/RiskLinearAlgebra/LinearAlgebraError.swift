/// An error from a BLAS or LAPACK wrapper: the operation, the shapes it was given, and what it expected.
///
/// Every wrapper in `RiskLinearAlgebra` checks its dimensions before calling into OpenBLAS or
/// LAPACKE (whose own checks print to stderr or abort), and turns LAPACK's `info` into one of these.
package struct LinearAlgebraError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem this is. Extensible: match with `==` and a default branch.
    package struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        package var description: String { name }
        /// Operand shapes do not fit together (e.g. `gemv` with a vector of the wrong length).
        package static let shapeMismatch = Code("shapeMismatch")
        /// A dimension is negative or does not fit the 32-bit integers of this BLAS build.
        package static let invalidDimension = Code("invalidDimension")
        /// Cholesky factorisation found a leading minor that is not positive definite.
        package static let notPositiveDefinite = Code("notPositiveDefinite")
        /// LAPACK reported an illegal argument (`info < 0`): a bug in the wrapper, reported rather than hidden.
        package static let illegalArgument = Code("illegalArgument")
    }

    /// The kind of failure.
    package var code: Code
    /// A sentence naming the operation, the shapes and the remedy.
    package var message: String

    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { message }
}

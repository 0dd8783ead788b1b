/// An error from logistic regression: the input or parameter it cannot use, the bad value, and the remedy.
public struct RiskLinearError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem this is. Extensible: match with `==` and a default branch.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }
        /// A configuration parameter outside its range.
        public static let invalidParameter = Code("invalidParameter")
        /// A feature, label or weight the model cannot use (NaN feature, label outside 0…1).
        public static let invalidValue = Code("invalidValue")
        /// A feature matrix whose columns differ from the model's.
        public static let shapeMismatch = Code("shapeMismatch")
        /// No rows, or no weight on one of the classes.
        public static let insufficientData = Code("insufficientData")
        /// The optimiser produced a non-finite value (a bug or extreme data; reported, never returned).
        public static let numericalFailure = Code("numericalFailure")
    }

    /// The kind of failure.
    public var code: Code
    /// A sentence naming the thing, the bad value, what was expected and the remedy.
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

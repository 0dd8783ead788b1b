/// An error from training, validating or predicting with tree models.
///
/// The message names the thing (parameter, tree, node, column), the bad value, what was expected
/// and what to do.
public struct RiskTreesError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem this is. Extensible: match with `==` and a default branch.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }
        /// A configuration parameter outside its range.
        public static let invalidParameter = Code("invalidParameter")
        /// Training or validation data that cannot be used (shape, labels, empty).
        public static let invalidData = Code("invalidData")
        /// A tree or model that breaks a structural invariant.
        public static let invalidModel = Code("invalidModel")
        /// A feature matrix whose columns do not match the model.
        public static let shapeMismatch = Code("shapeMismatch")
    }

    public var code: Code
    /// A sentence that names the thing, the bad value and the remedy.
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

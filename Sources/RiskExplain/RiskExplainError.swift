/// An error raised while building or running an explainer.
public struct RiskExplainError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem this is. Extensible: match with `==` and a default branch.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }
        /// A number that must be finite (or non-negative) is not.
        public static let invalidValue = Code("invalidValue")
        /// Array lengths or column counts disagree.
        public static let shapeMismatch = Code("shapeMismatch")
        /// A parameter outside its range.
        public static let invalidParameter = Code("invalidParameter")
    }

    /// The kind of problem.
    public var code: Code
    /// A sentence that names the thing, the bad value and the remedy.
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

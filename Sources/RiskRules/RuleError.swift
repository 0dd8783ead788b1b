/// A rule file or rule set that cannot be used, with a one-line message naming the file, the rule
/// and the key, the bad value and what was expected.
public struct RuleError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem it is.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        let name: String
        init(_ name: String) { self.name = name }
        public var description: String { name }
        /// The file cannot be read or is too large.
        public static let fileSystem = Code("fileSystem")
        /// Not JSON, or not the rule-file shape.
        public static let malformedFile = Code("malformedFile")
        /// A rule breaks the format: bad id, action, dates, condition.
        public static let invalidRule = Code("invalidRule")
        /// A condition names a column the schema does not have, or tests it in a way its role does not allow.
        public static let schemaMismatch = Code("schemaMismatch")
    }

    /// What kind of problem it is.
    public var code: Code
    /// The one-line message.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

/// An error about the shape or content of in-memory data.
public struct RiskDataError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem this is. Extensible: match with `==` and a default branch.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }
        /// Array lengths disagree with the declared shape.
        public static let shapeMismatch = Code("shapeMismatch")
        /// A value outside the allowed range (NaN label, negative weight, …).
        public static let invalidValue = Code("invalidValue")
        /// A parameter outside its range.
        public static let invalidParameter = Code("invalidParameter")
        /// An output file exists and overwriting was not allowed.
        public static let fileExists = Code("fileExists")
        /// Reading or writing a file failed.
        public static let io = Code("io")
        /// An output path names a symbolic link, FIFO, device, socket or directory, which is never replaced.
        public static let notRegularFile = Code("notRegularFile")
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

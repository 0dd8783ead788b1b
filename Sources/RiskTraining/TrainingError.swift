/// Why a bundle could not be trained: the data or the options, named with the bad value and what
/// was expected.
public struct TrainingError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }
        /// An option out of range (e.g. a validation fraction outside (0, 1)).
        public static let invalidParameter = Code("invalidParameter")
        /// The declarations cannot train a model (no labels, one class, too few rows).
        public static let invalidData = Code("invalidData")
    }

    public var code: Code
    public var message: String
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
    public var description: String { message }
}

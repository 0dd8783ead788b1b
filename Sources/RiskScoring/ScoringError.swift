/// Why a declaration or batch could not be scored.
public struct ScoringError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }
        public static let invalidParameter = Code("invalidParameter")
        public static let invalidDeclaration = Code("invalidDeclaration")
        public static let modelMismatch = Code("modelMismatch")
    }

    public var code: Code
    public var message: String
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
    public var description: String { message }
}

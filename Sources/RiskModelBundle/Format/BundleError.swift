/// Why a model bundle could not be read, written or used.
public struct BundleError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }
        /// The file is not JSON, or not a CustomsRisk bundle.
        public static let notABundle = Code("notABundle")
        /// The file is truncated or is not well-formed JSON.
        public static let malformed = Code("malformed")
        /// The bundle's format version is newer (or older) than this build reads.
        public static let unsupportedVersion = Code("unsupportedVersion")
        /// The content does not match its SHA-256: the file was edited or damaged.
        public static let checksumMismatch = Code("checksumMismatch")
        /// A field is missing, has the wrong type, or violates an invariant (index out of range, cycle, NaN…).
        public static let invalidContent = Code("invalidContent")
        /// The file is larger than the configured limit.
        public static let tooLarge = Code("tooLarge")
        /// Reading or writing the file failed.
        public static let io = Code("io")
        /// A parameter of bundle construction (lane rates, thresholds) is out of range.
        public static let invalidParameter = Code("invalidParameter")
    }

    public var code: Code
    /// A sentence naming the file, what is wrong and what to do.
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

/// An error from a metric or a calibrator: the input it cannot use, and why.
///
/// `code` is extensible (new codes may be added in minor versions); switch on it with a `default`.
/// `message` names the argument, shows the bad value, says what was expected and what to do.
public struct MetricError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, as a stable identifier.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }
        /// Two arrays that must be parallel have different lengths.
        public static let lengthMismatch = Code("lengthMismatch")
        /// The labels (by positive weight) hold only one class where both are needed.
        public static let singleClass = Code("singleClass")
        /// A score is NaN or infinite.
        public static let nonFiniteScore = Code("nonFiniteScore")
        /// A parameter (such as an inspection rate) is outside its valid range.
        public static let invalidParameter = Code("invalidParameter")
        /// There are no examples.
        public static let empty = Code("empty")
        /// A weight is negative or not finite, or all weights are zero.
        public static let invalidWeight = Code("invalidWeight")
        /// A probability is outside `0...1` or not finite.
        public static let invalidProbability = Code("invalidProbability")
        /// A revenue value is negative or not finite, or the total revenue is zero.
        public static let invalidRevenue = Code("invalidRevenue")
    }

    /// The stable identifier of the failure.
    public var code: Code
    /// A readable explanation naming the argument, the bad value and the remedy.
    public var message: String

    /// Creates an error with a code and a message.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

/// An error raised while fitting or applying the feature pipeline.
public struct RiskFeaturesError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem this is. Extensible: match with `==` and a default branch.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }
        /// The table has no rows.
        public static let emptyTable = Code("emptyTable")
        /// Fitting needs labels and the table has none.
        public static let missingLabels = Code("missingLabels")
        /// A label is not a number in `0...1`.
        public static let invalidLabel = Code("invalidLabel")
        /// A configuration parameter is outside its range.
        public static let invalidConfiguration = Code("invalidConfiguration")
        /// The declaration schema cannot be turned into features (e.g. two output columns share a name).
        public static let invalidSchema = Code("invalidSchema")
        /// Array lengths disagree (a column shorter than the table, labels vs rows, …).
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

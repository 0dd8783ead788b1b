/// An error about a declaration file, a schema, or a declaration value.
///
/// `message` is a complete sentence for a person: it names the file, line and column, shows the
/// bad value, says what was expected and what to do. The optional fields carry the same facts
/// for programs (`nil` when not applicable).
public struct DeclarationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem this is. Extensible: match with `==` and a default branch.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }
        /// The schema JSON is malformed or inconsistent (unknown role, duplicate column, …).
        public static let invalidSchema = Code("invalidSchema")
        /// The file has no header row.
        public static let emptyFile = Code("emptyFile")
        /// The schema names a column the file (or declaration) lacks.
        public static let missingColumn = Code("missingColumn")
        /// A row is not well-formed CSV (field count, unterminated quote).
        public static let malformedRow = Code("malformedRow")
        /// A field cannot be read in its role (not a number, not a date, …).
        public static let invalidValue = Code("invalidValue")
        /// A resource limit was exceeded (field length, column count).
        public static let limitExceeded = Code("limitExceeded")
        /// The file could not be opened, read or written.
        public static let fileSystem = Code("fileSystem")
        /// A parameter outside its range.
        public static let invalidParameter = Code("invalidParameter")
    }

    public var code: Code
    /// A sentence that names the thing, the bad value and the remedy.
    public var message: String
    /// File (or source) name, when the error concerns one.
    public var file: String?
    /// 1-based line where the offending row starts.
    public var line: Int?
    /// Column name.
    public var column: String?
    /// The offending value, as text.
    public var value: String?

    public init(_ code: Code, _ message: String, file: String? = nil, line: Int? = nil, column: String? = nil,
                value: String? = nil) {
        self.code = code
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.value = value
    }

    public var description: String { message }
}

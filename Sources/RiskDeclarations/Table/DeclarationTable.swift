/// A dictionary-encoded text column: one code per row into a vocabulary; `-1` = missing.
public struct TextColumn: Sendable, Hashable, Codable {
    public var codes: [Int32]
    public var vocabulary: [String]

    public init(codes: [Int32], vocabulary: [String]) {
        self.codes = codes
        self.vocabulary = vocabulary
    }

    /// The text of `row`, or nil when missing.
    @inlinable
    public subscript(row: Int) -> String? {
        let code = codes[row]
        return code < 0 ? nil : vocabulary[Int(code)]
    }
}

/// Declarations read through a `DeclarationSchema`, stored column by column.
///
/// Text roles are dictionary-encoded (`TextColumn`), numeric roles are `Double` with NaN for
/// missing, dates are days since 1970-01-01 (`nil` entries = missing). The feature pipeline
/// consumes only this type, so one declaration and a batch go through the same code.
public struct DeclarationTable: Sendable, Hashable, Codable {
    /// The schema the table was read with.
    public var schema: DeclarationSchema
    /// Number of declarations.
    public var rowCount: Int
    /// Declaration ids, one per row.
    public var ids: [String]
    /// Days since 1970-01-01 per row (nil = missing); nil when the schema has no date column.
    public var dates: [Int32?]?
    /// 0/1 labels per row; nil when the schema has no label column or the file lacks it.
    public var labels: [Float]?
    /// Revenue per row; nil when absent.
    public var revenue: [Double]?
    /// Text columns keyed by column name.
    public var text: [String: TextColumn]
    /// Numeric columns keyed by column name (NaN = missing).
    public var numbers: [String: [Double]]
    /// 1-based source line of each row (for error messages); nil for tables built in memory.
    public var sourceLines: [Int]?

    public init(schema: DeclarationSchema, rowCount: Int, ids: [String], dates: [Int32?]? = nil,
                labels: [Float]? = nil, revenue: [Double]? = nil,
                text: [String: TextColumn] = [:], numbers: [String: [Double]] = [:], sourceLines: [Int]? = nil) {
        self.schema = schema
        self.rowCount = rowCount
        self.ids = ids
        self.dates = dates
        self.labels = labels
        self.revenue = revenue
        self.text = text
        self.numbers = numbers
        self.sourceLines = sourceLines
    }

    /// The text column for the first field with `role`, if any.
    public func textColumn(for role: FieldRole) -> TextColumn? {
        schema.column(for: role).flatMap { text[$0] }
    }

    /// The numeric column for the first field with `role`, if any.
    public func numberColumn(for role: FieldRole) -> [Double]? {
        schema.column(for: role).flatMap { numbers[$0] }
    }
}

/// One declaration as a clearance system hands it over: an id and raw text values by column name.
///
/// Values are parsed through the schema exactly as CSV fields are, so scoring one declaration
/// and scoring it inside a file give the same result.
public struct Declaration: Sendable, Hashable, Codable {
    public var id: String
    /// Raw values keyed by column name as in the schema (`"hs_code": "870323"`). Missing or
    /// empty = missing.
    public var values: [String: String]

    public init(id: String, values: [String: String]) {
        self.id = id
        self.values = values
    }
}

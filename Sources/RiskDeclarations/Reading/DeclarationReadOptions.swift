/// How `DeclarationReader` treats bad rows, absent labels and resource limits.
public struct DeclarationReadOptions: Sendable, Hashable {
    /// What to do with a row that cannot be read.
    public enum BadRowPolicy: String, Sendable, Hashable, CaseIterable {
        /// Stop at the first bad row and throw its error (default).
        case fail
        /// Leave bad rows out, list them in `DeclarationReadResult.rejected`, and go on.
        case skip
    }

    /// What to do with a row that cannot be read. Default `.fail`.
    public var badRowPolicy: BadRowPolicy
    /// When `true` (default), the schema's label and revenue columns must be in the file and
    /// every label must be 0/1. When `false` (scoring), they may be absent, and empty labels are NaN.
    public var requireLabel: Bool
    /// Longest field accepted, in bytes (default 1 MiB). Guards against a quote that never closes.
    public var maximumFieldLength: Int
    /// Most fields accepted in one row (default 4096).
    public var maximumColumnCount: Int
    /// Bytes read from the file at a time (default 1 MiB).
    public var chunkSize: Int
    /// Most bytes `DeclarationReader.mapSegments` reads into memory from a pipe, FIFO or device
    /// (default 1 GiB), which it cannot read at offsets like a regular file; more is a
    /// `.limitExceeded` error saying to save the data to a file. `read` streams any input and needs
    /// no such limit.
    public var maximumInMemoryInputSize: Int

    public init(badRowPolicy: BadRowPolicy = .fail, requireLabel: Bool = true,
                maximumFieldLength: Int = 1 << 20, maximumColumnCount: Int = 4096, chunkSize: Int = 1 << 20,
                maximumInMemoryInputSize: Int = 1 << 30) {
        self.badRowPolicy = badRowPolicy
        self.requireLabel = requireLabel
        self.maximumFieldLength = maximumFieldLength
        self.maximumColumnCount = maximumColumnCount
        self.chunkSize = chunkSize
        self.maximumInMemoryInputSize = maximumInMemoryInputSize
    }
}

/// A row `DeclarationReader` left out under `BadRowPolicy.skip`.
public struct RejectedRow: Sendable, Hashable, Codable {
    /// 1-based line where the row starts (the header is line 1).
    public var line: Int
    /// The row's declaration id, when it could be read.
    public var declarationID: String?
    /// The full error message.
    public var message: String

    public init(line: Int, declarationID: String?, message: String) {
        self.line = line
        self.declarationID = declarationID
        self.message = message
    }
}

/// The declarations read from a file, and the rows left out.
public struct DeclarationReadResult: Sendable, Hashable {
    /// The rows read, in file order; `sourceLines` gives each row's line.
    public var table: DeclarationTable
    /// Rows left out (empty under `BadRowPolicy.fail`).
    public var rejected: [RejectedRow]

    public init(table: DeclarationTable, rejected: [RejectedRow]) {
        self.table = table
        self.rejected = rejected
    }
}

import Foundation
import RiskData

// Reading, validating and writing the schema JSON (format: Docs/DataFormat.md).
extension DeclarationSchema {
    /// The JSON as written by people: roles as free text so that an unknown role gets a clear error.
    private struct RawSchema: Decodable {
        struct RawField: Decodable {
            var column: String?
            var role: String?
        }
        var id: String?
        var date: String?
        var label: String?
        var revenue: String?
        var fields: [RawField]?
    }

    /// The largest schema file read (16 MiB): a schema has one short entry per CSV column, so this
    /// is over 200,000 columns. Larger files are refused before they are read.
    public static let maximumFileSize = 16 << 20

    /// Reads and validates a schema file.
    ///
    /// - Parameter url: A JSON file in the format of Docs/DataFormat.md.
    /// - Throws: `DeclarationError` with code `.fileSystem` when the file cannot be read, or
    ///   `.invalidSchema` (over `maximumFileSize`, or see `init(json:source:)`).
    /// - Complexity: O(file size) to read, O(number of fields) to validate; memory ≈ 2× the file.
    public static func load(contentsOf url: URL) throws -> DeclarationSchema {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw DeclarationError(.fileSystem,
                                   "\(url.path): no such schema file. Check the path, or create one with "
                                       + "`riskctl schema infer --data FILE.csv`.",
                                   file: url.lastPathComponent)
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? Int ?? 0
        guard size <= maximumFileSize else {
            throw DeclarationError(.invalidSchema,
                                   "\(url.lastPathComponent) is \(size) bytes, over the \(maximumFileSize)-byte limit "
                                       + "for schema files. A schema lists one column per entry; check that this is "
                                       + "the schema and not a data file.",
                                   file: url.lastPathComponent)
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw DeclarationError(.fileSystem,
                                   "\(url.path): cannot read the schema file (\(error.localizedDescription)). "
                                       + "Check the path, or create one with `riskctl schema infer`.",
                                   file: url.lastPathComponent)
        }
        return try DeclarationSchema(json: data, source: url.lastPathComponent)
    }

    /// Decodes and validates a schema from JSON.
    ///
    /// - Parameters:
    ///   - json: The schema JSON.
    ///   - source: A name for error messages (usually the file name).
    /// - Throws: `DeclarationError(.invalidSchema)` when the JSON is malformed (the message gives
    ///   the byte offset and path), over `maximumFileSize`, `id` is missing, a field lacks `column`
    ///   or `role`, a role is unknown, a singular role appears twice, or a column is named twice.
    /// - Complexity: O(`json.count`); the scan index is capped at the size of `json`.
    public init(json: Data, source: String) throws {
        guard json.count <= Self.maximumFileSize else {
            throw DeclarationError(.invalidSchema, "\(source) is \(json.count) bytes, over the "
                                       + "\(Self.maximumFileSize)-byte limit for schema files.", file: source)
        }
        let raw: RawSchema
        do {
            raw = try JSONDocument.withDocument(json, limits: JSONLimits()) { document in
                try JSONValueDecoder.decode(RawSchema.self, from: document)
            }
        } catch {
            throw DeclarationError(.invalidSchema,
                                   "\(source): not a valid schema JSON object (\(Self.describe(error))). "
                                       + "Expected {\"id\": \"…\", \"fields\": [{\"column\": \"…\", \"role\": \"…\"}]}.",
                                   file: source)
        }
        guard let id = raw.id, !id.isEmpty else {
            throw DeclarationError(.invalidSchema,
                                   "\(source): the schema has no \"id\" key. Name the column that holds the "
                                       + "declaration id, e.g. \"id\": \"declaration_id\".",
                                   file: source)
        }
        var fields: [Field] = []
        for (index, rawField) in (raw.fields ?? []).enumerated() {
            guard let column = rawField.column, !column.isEmpty else {
                throw DeclarationError(.invalidSchema,
                                       "\(source): field \(index + 1) has no \"column\". "
                                           + "Each field needs {\"column\": \"…\", \"role\": \"…\"}.",
                                       file: source)
            }
            guard let roleText = rawField.role else {
                throw DeclarationError(.invalidSchema,
                                       "\(source): field \"\(column)\" has no \"role\". Valid roles: "
                                           + Self.validRolesList + ".",
                                       file: source, column: column)
            }
            guard let role = FieldRole(rawValue: roleText) else {
                throw DeclarationError(.invalidSchema,
                                       "\(source): field \"\(column)\" has unknown role \"\(roleText)\". Valid roles: "
                                           + Self.validRolesList + ".",
                                       file: source, column: column, value: roleText)
            }
            fields.append(Field(column: column, role: role))
        }
        self.init(id: id, date: raw.date, label: raw.label, revenue: raw.revenue, fields: fields)
        try validate(source: source)
    }

    /// The valid role spellings, comma-separated, in declaration order.
    static var validRolesList: String {
        FieldRole.allCases.map(\.rawValue).joined(separator: ", ")
    }

    /// Checks that no column is named twice and no singular role appears twice.
    ///
    /// - Parameter source: A name for error messages.
    /// - Throws: `DeclarationError(.invalidSchema)` naming the column or role.
    public func validate(source: String = "schema") throws {
        if id.isEmpty {
            throw DeclarationError(.invalidSchema, "\(source): the schema has an empty \"id\". Name the column "
                                       + "that holds the declaration id.", file: source)
        }
        var uses: [String: String] = [:]  // column → what it is used as
        func claim(_ column: String, as use: String) throws {
            if let previous = uses[column] {
                throw DeclarationError(.invalidSchema,
                                       "\(source): column \"\(column)\" is named twice (as \(previous) and as \(use)). "
                                           + "Give each column one role.",
                                       file: source, column: column)
            }
            uses[column] = use
        }
        try claim(id, as: "\"id\"")
        if let date { try claim(date, as: "\"date\"") }
        if let label { try claim(label, as: "\"label\"") }
        if let revenue { try claim(revenue, as: "\"revenue\"") }
        var singular: [FieldRole: String] = [:]
        for field in fields {
            try claim(field.column, as: "role \"\(field.role.rawValue)\"")
            if field.role.isSingular {
                if let other = singular[field.role] {
                    throw DeclarationError(.invalidSchema,
                                           "\(source): role \"\(field.role.rawValue)\" is given to both \"\(other)\" "
                                               + "and \"\(field.column)\"; it may appear once. Use \"entity\", "
                                               + "\"categorical\" or \"numeric\" for the other column.",
                                           file: source, column: field.column, value: field.role.rawValue)
                }
                singular[field.role] = field.column
            }
        }
    }

    /// The schema as pretty-printed JSON with sorted keys (stable, diff-friendly).
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(self)
        data.append(0x0A)
        return data
    }

    /// Writes the schema as pretty-printed JSON with sorted keys, atomically (`AtomicFile`).
    ///
    /// - Parameters:
    ///   - url: Destination file.
    ///   - overwrite: Replace an existing file (default `true`).
    /// - Throws: `RiskDataError` `.fileExists` (without `overwrite`), `.notRegularFile` (a link, FIFO
    ///   or device is never replaced) or `.io` (the file cannot be written), each naming the path.
    public func write(to url: URL, overwrite: Bool = true) throws {
        try AtomicFile.write(jsonData(), to: url, overwrite: overwrite)
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case let error as JSONReadError:
            return error.description
        case DecodingError.dataCorrupted(let context), DecodingError.typeMismatch(_, let context),
             DecodingError.valueNotFound(_, let context), DecodingError.keyNotFound(_, let context):
            let path = JSONValueDecoder.describe(context.codingPath)
            let detail = context.debugDescription
            return (path.isEmpty ? "the top level" : path) + (detail.hasPrefix("is ") ? " " : ": ") + detail
        default:
            return "\(error)"
        }
    }
}

import Foundation

/// Reads declaration CSV files into a `DeclarationTable` through a `DeclarationSchema`.
///
/// Parsing rules, messages and limits are in Docs/DataFormat.md. The file is streamed in chunks
/// (`DeclarationReadOptions.chunkSize`) by `CSVScanner`; only the typed columns are kept, so
/// memory is about the size of the columns, not of the file.
public enum DeclarationReader {
    /// Reads a CSV file.
    ///
    /// - Parameters:
    ///   - url: A CSV file with a header row (UTF-8, optional BOM).
    ///   - schema: Gives each column its role.
    ///   - options: Bad-row policy, label requirement and limits.
    /// - Returns: The table and, under `.skip`, the rows left out.
    /// - Throws: `DeclarationError`: `.fileSystem` (cannot open/read; the file changed size or
    ///   modification time while it was read), `.emptyFile`, `.missingColumn`
    ///   (before any row is read), `.invalidSchema`, `.limitExceeded`; under `.fail` also
    ///   `.malformedRow` and `.invalidValue` for the first bad row.
    /// - Complexity: O(file size).
    public static func read(contentsOf url: URL, schema: DeclarationSchema,
                            options: DeclarationReadOptions = .init()) throws -> DeclarationReadResult {
        let scanner = try CSVScanner(path: url.path, sourceName: url.lastPathComponent, chunkSize: options.chunkSize,
                                     maximumFieldLength: options.maximumFieldLength,
                                     maximumColumnCount: options.maximumColumnCount)
        let result: DeclarationReadResult
        do {
            result = try read(scanner: scanner, schema: schema, options: options)
        } catch {
            // A file written to while it was read can fail in any way: that it changed is the error.
            try scanner.checkUnchanged()
            throw error
        }
        try scanner.checkUnchanged()
        return result
    }

    /// Reads CSV bytes held in memory (same rules as a file).
    ///
    /// - Parameters:
    ///   - bytes: The CSV text as UTF-8.
    ///   - source: The name used in messages (e.g. "declarations.csv").
    ///   - schema: Gives each column its role.
    ///   - options: Bad-row policy, label requirement and limits.
    /// - Throws: As `read(contentsOf:schema:options:)`.
    /// - Complexity: O(`bytes.count`).
    public static func read(bytes: [UInt8], source: String, schema: DeclarationSchema,
                            options: DeclarationReadOptions = .init()) throws -> DeclarationReadResult {
        let scanner = CSVScanner(bytes: bytes, sourceName: source, chunkSize: options.chunkSize,
                                 maximumFieldLength: options.maximumFieldLength,
                                 maximumColumnCount: options.maximumColumnCount)
        return try read(scanner: scanner, schema: schema, options: options)
    }

    /// The header's column names (trimmed), or an `.emptyFile` error.
    static func readHeader(_ scanner: CSVScanner) throws -> [String] {
        guard try scanner.nextRecord() else {
            throw DeclarationError(.emptyFile,
                                   "\(scanner.sourceName): the file is empty. Expected a header row naming the "
                                       + "columns, such as declaration_id,date,hs_code.",
                                   file: scanner.sourceName)
        }
        return (0..<scanner.fieldCount).map {
            scanner.fieldString($0).trimmingCharacters(in: .whitespaces)
        }
    }

    /// Maps every schema column to its header index, or throws naming the missing column.
    static func headerIndices(header: [String], schema: DeclarationSchema, requireLabel: Bool,
                              source: String) throws -> [String: Int] {
        var index: [String: Int] = [:]
        var duplicates: [String: [Int]] = [:]
        for (k, name) in header.enumerated() {
            if let first = index[name] {
                duplicates[name, default: [first]].append(k)
            } else {
                index[name] = k
            }
        }
        var needed = [schema.id]
        if let date = schema.date { needed.append(date) }
        if requireLabel {
            if let label = schema.label { needed.append(label) }
            if let revenue = schema.revenue { needed.append(revenue) }
        }
        needed += schema.fields.filter { $0.role != .ignore }.map(\.column)
        var optional: [String] = []
        if !requireLabel {
            if let label = schema.label { optional.append(label) }
            if let revenue = schema.revenue { optional.append(revenue) }
        }
        for column in needed {
            guard index[column] != nil else {
                throw DeclarationError(.missingColumn,
                                       "\(source): the schema names column \"\(column)\", which the header does not "
                                           + "have. The header's columns are: \(header.joined(separator: ", ")). "
                                           + "Fix the name in the schema (names are case-sensitive) or add the column.",
                                       file: source, line: 1, column: column)
            }
        }
        for column in needed + optional {
            if let positions = duplicates[column] {
                throw DeclarationError(.malformedRow,
                                       "\(source): the header names column \"\(column)\" more than once (columns "
                                           + positions.map { String($0 + 1) }.joined(separator: " and ")
                                           + "), and the schema uses it. Rename the copies.",
                                       file: source, line: 1, column: column)
            }
        }
        return index
    }

    static func read(scanner: CSVScanner, schema: DeclarationSchema,
                     options: DeclarationReadOptions) throws -> DeclarationReadResult {
        let source = scanner.sourceName
        try schema.validate(source: "schema")
        let header = try readHeader(scanner)
        let index = try headerIndices(header: header, schema: schema, requireLabel: options.requireLabel,
                                      source: source)
        return try readRows(scanner: scanner, schema: schema, index: index, headerCount: header.count,
                            options: options)
    }

    /// Reads the records after the header (the scanner is past it, or at a record boundary of a
    /// segment) with the header's column `index`.
    static func readRows(scanner: CSVScanner, schema: DeclarationSchema, index: [String: Int], headerCount: Int,
                         options: DeclarationReadOptions) throws -> DeclarationReadResult {
        let source = scanner.sourceName
        let builder = DeclarationTableBuilder(schema: schema, requireLabel: options.requireLabel) {
            index[$0] != nil
        }
        let fieldOfSlot = builder.slots.map { index[$0.column]! }
        let slotCount = fieldOfSlot.count
        let idField = index[schema.id]!
        let values = UnsafeMutableBufferPointer<UnsafeBufferPointer<UInt8>>.allocate(capacity: slotCount)
        defer { values.deallocate() }
        var sourceLines: [Int] = []
        var rejected: [RejectedRow] = []

        func reject(_ error: DeclarationError, line: Int, id: String?) throws {
            guard options.badRowPolicy == .skip else { throw error }
            rejected.append(RejectedRow(line: line, declarationID: id, message: error.message))
        }

        while true {
            let hasRecord: Bool
            do {
                hasRecord = try scanner.nextRecord()
            } catch let error as DeclarationError where error.code == .malformedRow && error.line != nil {
                // The scanner consumed the bad record (an unterminated quote consumes the rest of the
                // input): report it and go on with the next one.
                try reject(error, line: error.line!, id: nil)
                continue
            }
            guard hasRecord else { break }
            let line = scanner.recordLine
            let fieldCount = scanner.fieldCount
            if builder.rowCount == 1_000, let total = scanner.inputByteCount {
                // Reserve the columns once, from the average record length so far (+5 %).
                let perRow = max(1, scanner.consumedByteCount / 1_001)
                builder.reserve(total / perRow + total / perRow / 20)
            }
            guard fieldCount == headerCount else {
                let id = idField < fieldCount ? scanner.fieldString(idField) : nil
                let error = DeclarationError(.malformedRow,
                                             "\(source), line \(line): found \(fieldCount) "
                                                 + (fieldCount == 1 ? "field" : "fields")
                                                 + ", but the header has \(headerCount). Quote fields that contain "
                                                 + "commas, and check for a missing or extra separator.",
                                             file: source, line: line)
                try reject(error, line: line, id: id)
                continue
            }
            do {
                for k in 0..<slotCount { values[k] = scanner.field(fieldOfSlot[k]) }
                try builder.appendRow(UnsafeBufferPointer(values), location: { "\(source), line \(line)" })
                sourceLines.append(line)
            } catch var error as DeclarationError {
                error.file = source
                error.line = line
                try reject(error, line: line, id: builder.currentID)
            }
        }
        return DeclarationReadResult(table: builder.makeTable(sourceLines: sourceLines), rejected: rejected)
    }
}

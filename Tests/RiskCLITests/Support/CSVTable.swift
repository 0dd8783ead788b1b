import Foundation

/// A small RFC 4180 reader for checking riskctl's output (quoted fields, doubled quotes, commas
/// and newlines inside quotes). Deliberately independent of the library's own CSV scanner, so the
/// tests do not read the output with the code that wrote it.
struct CSVTable: Sendable {
    var header: [String]
    var rows: [[String]]

    init(contentsOf url: URL) throws {
        try self.init(text: String(decoding: try Data(contentsOf: url), as: UTF8.self))
    }

    init(text: String) throws {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var inQuotes = false
        var iterator = Array(text.unicodeScalars).makeIterator()
        var pending: Unicode.Scalar?
        func next() -> Unicode.Scalar? {
            if let p = pending { pending = nil; return p }
            return iterator.next()
        }
        var sawAnything = false
        while let c = next() {
            sawAnything = true
            if inQuotes {
                if c == "\"" {
                    if let after = next() {
                        if after == "\"" { field.unicodeScalars.append("\"") } else { inQuotes = false; pending = after }
                    } else {
                        inQuotes = false
                    }
                } else {
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"": inQuotes = true
            case ",":
                record.append(field)
                field = ""
            case "\r": break
            case "\n":
                record.append(field)
                records.append(record)
                record = []
                field = ""
                sawAnything = false
            default: field.unicodeScalars.append(c)
            }
        }
        if sawAnything {
            record.append(field)
            records.append(record)
        }
        guard let first = records.first else { throw CSVTableError(message: "empty CSV") }
        header = first
        rows = Array(records.dropFirst())
        for (i, row) in rows.enumerated() where row.count != header.count {
            throw CSVTableError(message: "row \(i + 1) has \(row.count) fields; the header has \(header.count)")
        }
    }

    /// The values of column `name`.
    func column(_ name: String) throws -> [String] {
        guard let k = header.firstIndex(of: name) else {
            throw CSVTableError(message: "no column \(name) in \(header)")
        }
        return rows.map { $0[k] }
    }

    /// The values of column `name` as numbers.
    func numbers(_ name: String) throws -> [Double] {
        try column(name).map { text in
            guard let v = Double(text) else { throw CSVTableError(message: "\(name): \"\(text)\" is not a number") }
            return v
        }
    }
}

struct CSVTableError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

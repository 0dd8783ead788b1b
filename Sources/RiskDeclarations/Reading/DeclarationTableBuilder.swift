/// Accumulates rows into the columns of a `DeclarationTable`, parsing each value by its role.
///
/// Shared by the CSV reader and `DeclarationTable(declarations:schema:)` so a declaration is
/// parsed the same way wherever it comes from. A row is parsed completely into scratch values
/// before anything is appended, so a rejected row leaves no trace in the columns.
final class DeclarationTableBuilder {
    enum Kind {
        case id, date, label, revenue
        case text(Int)
        case hsCode(Int)
        case number(Int)
        case flag(Int)
    }

    struct Slot {
        var column: String
        var kind: Kind
    }

    let schema: DeclarationSchema
    let requireLabel: Bool
    private(set) var slots: [Slot] = []
    private(set) var hasLabel = false
    private(set) var hasRevenue = false

    private(set) var rowCount = 0
    private var ids: [String] = []
    private var dates: [Int32?] = []
    private var labels: [Float] = []
    private var revenue: [Double] = []
    private var textColumns: [String] = []
    private var dictionaries: [TextDictionary] = []
    private var codes: [[Int32]] = []
    private var numberColumns: [String] = []
    private var numbers: [[Double]] = []

    // Scratch for one row.
    private var pendingNumbers: [Double]
    private var pendingDate: Int32?
    private var pendingLabel: Float = .nan
    private var pendingRevenue: Double = .nan
    private var hsDigits = [UInt8](repeating: 0, count: 10)
    private var hsDigitCount = 0
    /// The id of the row being parsed, once known (for rejected-row reports).
    private(set) var currentID: String?

    /// - Parameters:
    ///   - schema: The validated schema.
    ///   - isAvailable: Whether a column exists in the input; label and revenue columns that do
    ///     not exist are dropped (the caller decides beforehand whether that is allowed).
    init(schema: DeclarationSchema, requireLabel: Bool, isAvailable: (String) -> Bool) {
        self.schema = schema
        self.requireLabel = requireLabel
        slots.append(Slot(column: schema.id, kind: .id))
        if let date = schema.date { slots.append(Slot(column: date, kind: .date)) }
        if let label = schema.label, isAvailable(label) {
            slots.append(Slot(column: label, kind: .label))
            hasLabel = true
        }
        if let revenue = schema.revenue, isAvailable(revenue) {
            slots.append(Slot(column: revenue, kind: .revenue))
            hasRevenue = true
        }
        for field in schema.fields where field.role != .ignore {
            if field.role.isNumeric {
                let kind: Kind = field.role == .aeoFlag ? .flag(numberColumns.count) : .number(numberColumns.count)
                slots.append(Slot(column: field.column, kind: kind))
                numberColumns.append(field.column)
                numbers.append([])
            } else {
                let kind: Kind = field.role == .hsCode ? .hsCode(textColumns.count) : .text(textColumns.count)
                slots.append(Slot(column: field.column, kind: kind))
                textColumns.append(field.column)
                dictionaries.append(TextDictionary())
                codes.append([])
            }
        }
        pendingNumbers = [Double](repeating: .nan, count: numberColumns.count)
    }

    /// Reserves room for `count` more rows.
    func reserve(_ count: Int) {
        ids.reserveCapacity(count)
        for k in numbers.indices { numbers[k].reserveCapacity(count) }
        for k in codes.indices { codes[k].reserveCapacity(count) }
    }

    // MARK: - Rows

    /// Parses one row and appends it.
    ///
    /// - Parameters:
    ///   - location: The start of an error message ("declarations.csv, line 12" or
    ///     "declaration \"D1\""); only called when a value is bad.
    ///   - value: The bytes of slot `k`'s value (valid until the next call).
    /// - Throws: `DeclarationError(.invalidValue)` naming the column and the value.
    func appendRow(location: () -> String, value: (Int) -> UnsafeBufferPointer<UInt8>) throws {
        currentID = nil
        // Pass 1: parse everything that can fail.
        for (k, slot) in slots.enumerated() {
            let bytes = value(k)
            let isEmpty = ValueParsers.trimmed(bytes).isEmpty
            switch slot.kind {
            case .id:
                guard !isEmpty else {
                    throw DeclarationError(.invalidValue,
                                           "\(location()), column \"\(slot.column)\": the declaration id is empty. "
                                               + "Every declaration needs an id.",
                                           column: slot.column, value: "")
                }
                currentID = String(decoding: bytes, as: UTF8.self)
            case .date:
                if isEmpty {
                    pendingDate = nil
                } else if let days = ValueParsers.parseDate(bytes) {
                    pendingDate = days
                } else {
                    throw bad(location, slot, bytes, "is not a date. Expected YYYY-MM-DD, YYYY/MM/DD or YYYYMMDD.")
                }
            case .label:
                if isEmpty {
                    if requireLabel {
                        throw DeclarationError(.invalidValue,
                                               "\(location()), column \"\(slot.column)\": the label is empty. "
                                                   + "Expected 0 or 1; fill in the inspection outcome or drop the row.",
                                               column: slot.column, value: "")
                    }
                    pendingLabel = .nan
                } else if let label = ValueParsers.parseLabel(bytes) {
                    pendingLabel = label
                } else {
                    throw bad(location, slot, bytes, "is not a label. Expected 0 or 1 (or false/true).")
                }
            case .revenue:
                if isEmpty {
                    pendingRevenue = .nan
                } else if let number = ValueParsers.parseDouble(bytes) {
                    pendingRevenue = number
                } else {
                    throw bad(location, slot, bytes, "is not a number. Expected a decimal such as 12500.00.")
                }
            case .number(let column):
                if isEmpty {
                    pendingNumbers[column] = .nan
                } else if let number = ValueParsers.parseDouble(bytes) {
                    pendingNumbers[column] = number
                } else {
                    throw bad(location, slot, bytes, "is not a number. Expected a decimal such as 12500.00.")
                }
            case .flag(let column):
                if isEmpty {
                    pendingNumbers[column] = .nan
                } else if let flag = ValueParsers.parseFlag(bytes) {
                    pendingNumbers[column] = flag
                } else {
                    throw bad(location, slot, bytes,
                              "is not a yes/no flag. Expected 1/0, true/false, yes/no or Y/N.")
                }
            case .hsCode:
                if isEmpty {
                    hsDigitCount = 0
                } else {
                    let count = hsDigits.withUnsafeMutableBufferPointer {
                        ValueParsers.normalizeHSCode(bytes, into: $0.baseAddress!)
                    }
                    guard let count else {
                        throw bad(location, slot, bytes,
                                  "is not an HS code. Expected 6 to 10 digits, such as 870323 (dots and spaces are "
                                      + "ignored).")
                    }
                    hsDigitCount = count
                }
            case .text:
                break
            }
        }
        // Pass 2: append.
        for (k, slot) in slots.enumerated() {
            switch slot.kind {
            case .id: ids.append(currentID!)
            case .date: dates.append(pendingDate)
            case .label: labels.append(pendingLabel)
            case .revenue: revenue.append(pendingRevenue)
            case .number(let column), .flag(let column): numbers[column].append(pendingNumbers[column])
            case .hsCode(let column):
                if hsDigitCount == 0 {
                    codes[column].append(-1)
                } else {
                    let code = hsDigits.withUnsafeBufferPointer {
                        dictionaries[column].code(of: UnsafeBufferPointer(rebasing: $0[0..<hsDigitCount]))
                    }
                    codes[column].append(code)
                }
            case .text(let column):
                let bytes = value(k)
                if bytes.isEmpty {
                    codes[column].append(-1)
                } else {
                    codes[column].append(dictionaries[column].code(of: bytes))
                }
            }
        }
        rowCount += 1
    }

    private func bad(_ location: () -> String, _ slot: Slot, _ bytes: UnsafeBufferPointer<UInt8>,
                     _ expectation: String) -> DeclarationError {
        let text = Self.quotedForMessage(bytes)
        return DeclarationError(.invalidValue, "\(location()), column \"\(slot.column)\": \"\(text)\" \(expectation)",
                                column: slot.column, value: String(decoding: bytes, as: UTF8.self))
    }

    /// The value as shown in messages: at most 60 characters, then "…".
    static func quotedForMessage(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        return text.count > 60 ? String(text.prefix(60)) + "…" : text
    }

    // MARK: - Result

    /// The table of all rows appended so far.
    func makeTable(sourceLines: [Int]?) -> DeclarationTable {
        var text: [String: TextColumn] = [:]
        for (k, column) in textColumns.enumerated() {
            text[column] = TextColumn(codes: codes[k], vocabulary: dictionaries[k].vocabulary)
        }
        var numberDictionary: [String: [Double]] = [:]
        for (k, column) in numberColumns.enumerated() { numberDictionary[column] = numbers[k] }
        return DeclarationTable(schema: schema, rowCount: rowCount, ids: ids,
                                dates: schema.date == nil ? nil : dates,
                                labels: hasLabel ? labels : nil,
                                revenue: hasRevenue ? revenue : nil,
                                text: text, numbers: numberDictionary, sourceLines: sourceLines)
    }
}

/// Accumulates rows into the columns of a `DeclarationTable`, parsing each value by its role.
///
/// Shared by the CSV reader and `DeclarationTable(declarations:schema:)` so a declaration is
/// parsed the same way wherever it comes from. A row is parsed completely into scratch values
/// before anything is appended, so a rejected row leaves no trace in the columns.
///
/// Columns live in manually managed buffers that all grow together (every row appends one value
/// to every column), so the per-field work is a parse and a store: no array uniqueness checks,
/// no reference counting, no exclusivity checks in the loop.
final class DeclarationTableBuilder {
    enum Kind: UInt8 {
        case id, date, label, revenue, text, hsCode, number, flag, probability
    }

    struct Slot {
        var column: String
        var kind: Kind
        /// Index into the number or text columns (unused for id/date/label/revenue).
        var index: Int
    }

    let schema: DeclarationSchema
    let requireLabel: Bool
    private(set) var slots: [Slot] = []
    private(set) var hasLabel = false
    private(set) var hasRevenue = false
    /// Index into the number columns of the `inspected` role, when the schema has one: the label is
    /// then read only where it is 1 (a selected history).
    private var inspectedIndex: Int?
    private var textColumnNames: [String] = []
    private var numberColumnNames: [String] = []

    @exclusivity(unchecked) private(set) var rowCount = 0
    @exclusivity(unchecked) private var ids: [String] = []
    @exclusivity(unchecked) private var dates: [Int32?] = []
    @exclusivity(unchecked) private var labels: [Float] = []
    @exclusivity(unchecked) private var revenue: [Double] = []
    // Arrays held in manual memory: appending costs a capacity check, no exclusivity check, and
    // `makeTable` hands them over without a copy.
    @exclusivity(unchecked) private var numbers: UnsafeMutablePointer<[Double]>
    @exclusivity(unchecked) private var codes: UnsafeMutablePointer<[Int32]>
    @exclusivity(unchecked) private var dictionaries: UnsafeMutablePointer<TextDictionary>
    @exclusivity(unchecked) private var slotKinds: UnsafeMutablePointer<Kind>
    @exclusivity(unchecked) private var slotIndices: UnsafeMutablePointer<Int>

    // Scratch for one row.
    @exclusivity(unchecked) private var pendingNumbers: UnsafeMutablePointer<Double>
    @exclusivity(unchecked) private var hsDigits: UnsafeMutablePointer<UInt8>
    /// The id of the row being parsed, once known (for rejected-row reports).
    @exclusivity(unchecked) private(set) var currentID: String?

    private static let missingDate = Int32.min

    /// - Parameters:
    ///   - schema: The validated schema.
    ///   - requireLabel: Whether an empty label is an error (else NaN).
    ///   - isAvailable: Whether a column exists in the input; label and revenue columns that do
    ///     not exist are dropped (the caller decides beforehand whether that is allowed).
    /// Text columns of a one-row builder: the row's value, without a dictionary (see `singleRow`).
    private var singleVocabularies: [[String]] = []
    /// A builder for exactly one row (one declaration scored alone): text values are kept as they
    /// are instead of dictionary-encoded, sparing a dozen hash tables that would hold one entry each.
    /// The table is the same as a general builder's (code 0 and a one-word vocabulary, or −1).
    let singleRow: Bool

    init(schema: DeclarationSchema, requireLabel: Bool, singleRow: Bool = false, isAvailable: (String) -> Bool) {
        self.schema = schema
        self.requireLabel = requireLabel
        self.singleRow = singleRow
        // Sized once: a declaration scored alone builds one of these per call.
        slots.reserveCapacity(schema.fields.count + 4)
        textColumnNames.reserveCapacity(schema.fields.count)
        numberColumnNames.reserveCapacity(schema.fields.count)
        slots.append(Slot(column: schema.id, kind: .id, index: 0))
        if let date = schema.date { slots.append(Slot(column: date, kind: .date, index: 0)) }
        if let label = schema.label, isAvailable(label) {
            slots.append(Slot(column: label, kind: .label, index: 0))
            hasLabel = true
        }
        if let revenue = schema.revenue, isAvailable(revenue) {
            slots.append(Slot(column: revenue, kind: .revenue, index: 0))
            hasRevenue = true
        }
        for field in schema.fields where field.role != .ignore {
            if field.role.isNumeric {
                let kind: Kind = switch field.role {
                case .aeoFlag, .inspected: .flag
                case .selectionProbability: .probability
                default: .number
                }
                if field.role == .inspected { inspectedIndex = numberColumnNames.count }
                slots.append(Slot(column: field.column, kind: kind, index: numberColumnNames.count))
                numberColumnNames.append(field.column)
            } else {
                slots.append(Slot(column: field.column, kind: field.role == .hsCode ? .hsCode : .text,
                                  index: textColumnNames.count))
                textColumnNames.append(field.column)
            }
        }
        numbers = .allocate(capacity: numberColumnNames.count)
        numbers.initialize(repeating: [], count: numberColumnNames.count)
        codes = .allocate(capacity: textColumnNames.count)
        codes.initialize(repeating: [], count: textColumnNames.count)
        dictionaries = .allocate(capacity: singleRow ? 0 : textColumnNames.count)
        if singleRow {
            singleVocabularies = Array(repeating: [], count: textColumnNames.count)
        } else {
            for k in 0..<textColumnNames.count { (dictionaries + k).initialize(to: TextDictionary()) }
        }
        slotKinds = .allocate(capacity: slots.count)
        slotIndices = .allocate(capacity: slots.count)
        for (k, slot) in slots.enumerated() {
            slotKinds[k] = slot.kind
            slotIndices[k] = slot.index
        }
        pendingNumbers = .allocate(capacity: max(1, numberColumnNames.count))
        hsDigits = .allocate(capacity: 10)
    }

    deinit {
        numbers.deinitialize(count: numberColumnNames.count).deallocate()
        let dictionaryCount = singleRow ? 0 : textColumnNames.count
        for k in 0..<dictionaryCount { dictionaries[k].deallocate() }
        codes.deinitialize(count: textColumnNames.count).deallocate()
        dictionaries.deinitialize(count: dictionaryCount).deallocate()
        slotKinds.deallocate()
        slotIndices.deallocate()
        pendingNumbers.deallocate()
        hsDigits.deallocate()
    }

    /// Makes room for at least `count` rows in total (avoids regrowth when the size is known).
    func reserve(_ count: Int) {
        guard count > ids.capacity else { return }
        ids.reserveCapacity(count)
        if schema.date != nil { dates.reserveCapacity(count) }
        if hasLabel { labels.reserveCapacity(count) }
        if hasRevenue { revenue.reserveCapacity(count) }
        for k in 0..<numberColumnNames.count { numbers[k].reserveCapacity(count) }
        for k in 0..<textColumnNames.count { codes[k].reserveCapacity(count) }
    }

    // MARK: - Rows

    /// Parses one row and appends it.
    ///
    /// - Parameters:
    ///   - values: The bytes of each slot's value, in `slots` order.
    ///   - location: The start of an error message ("declarations.csv, line 12" or
    ///     "declaration \"D1\""); only called when a value is bad.
    /// - Throws: `DeclarationError(.invalidValue)` naming the column and the value.
    func appendRow(_ values: UnsafeBufferPointer<UnsafeBufferPointer<UInt8>>, location: () -> String) throws {
        precondition(!singleRow || rowCount == 0, "a single-row builder takes one row")
        currentID = nil
        let slotCount = slots.count
        var pendingDate = Self.missingDate
        var pendingLabel: Float = .nan
        var pendingRevenue: Double = .nan
        var hsDigitCount = 0
        var emptyLabelSlot: Int?
        // Pass 1: parse everything that can fail.
        for k in 0..<slotCount {
            let bytes = values[k]
            let kind = slotKinds[k]
            if kind == .text { continue }
            let trimmed = ValueParsers.trimmed(bytes)
            let isEmpty = trimmed.isEmpty
            switch kind {
            case .number:
                if isEmpty {
                    pendingNumbers[slotIndices[k]] = .nan
                } else if let number = ValueParsers.parseDouble(trimmed) {
                    pendingNumbers[slotIndices[k]] = number
                } else {
                    throw bad(location, k, bytes, "is not a number. Expected a decimal such as 12500.00.")
                }
            case .id:
                guard !isEmpty else {
                    let column = slots[k].column
                    throw DeclarationError(.invalidValue,
                                           "\(location()), column \"\(column)\": the declaration id is empty. "
                                               + "Every declaration needs an id.",
                                           column: column, value: "")
                }
                // Ids are kept exactly: bytes that are not UTF-8 would be repaired into U+FFFD, and two
                // different ids could then become one.
                guard let id = String(validating: bytes, as: UTF8.self) else {
                    let column = slots[k].column
                    let offset = ValueParsers.firstInvalidUTF8Offset(bytes)
                    throw DeclarationError(.invalidValue,
                                           "\(location()), column \"\(column)\": the declaration id is not valid UTF-8 "
                                               + "(byte \(offset + 1) is 0x\(String(bytes[offset], radix: 16, uppercase: true))). "
                                               + "Save the file as UTF-8.",
                                           column: column, value: String(decoding: bytes, as: UTF8.self))
                }
                currentID = id
            case .date:
                if !isEmpty {
                    guard let days = ValueParsers.parseDate(trimmed) else {
                        throw bad(location, k, bytes,
                                  "is not a date. Expected YYYY-MM-DD, YYYY/MM/DD or YYYYMMDD.")
                    }
                    pendingDate = days
                }
            case .label:
                if isEmpty {
                    if requireLabel && inspectedIndex != nil {
                        emptyLabelSlot = k   // allowed where the declaration was not inspected: decided below
                    } else if requireLabel {
                        let column = slots[k].column
                        throw DeclarationError(.invalidValue,
                                               "\(location()), column \"\(column)\": the label is empty. "
                                                   + "Expected 0 or 1; fill in the inspection outcome or drop the row.",
                                               column: column, value: "")
                    }
                } else if let label = ValueParsers.parseLabel(trimmed) {
                    pendingLabel = label
                } else {
                    throw bad(location, k, bytes, "is not a label. Expected 0 or 1 (or false/true).")
                }
            case .revenue:
                if !isEmpty {
                    guard let number = ValueParsers.parseDouble(trimmed) else {
                        throw bad(location, k, bytes, "is not a number. Expected a decimal such as 12500.00.")
                    }
                    guard number.isFinite && number >= 0 else {
                        throw bad(location, k, bytes, "is not a revenue amount. Expected a finite amount of 0 or "
                                      + "more, or an empty cell when it is unknown.")
                    }
                    pendingRevenue = number
                }
            case .probability:
                if isEmpty {
                    pendingNumbers[slotIndices[k]] = .nan
                } else if let number = ValueParsers.parseDouble(trimmed), number > 0, number <= 1 {
                    pendingNumbers[slotIndices[k]] = number
                } else {
                    throw bad(location, k, bytes, "is not a selection probability. Expected a number in (0, 1]: "
                                  + "the chance the policy of the time selected the declaration (0 would mean it "
                                  + "never could, which no estimate can correct for).")
                }
            case .flag:
                if isEmpty {
                    pendingNumbers[slotIndices[k]] = .nan
                } else if let flag = ValueParsers.parseFlag(trimmed) {
                    pendingNumbers[slotIndices[k]] = flag
                } else {
                    throw bad(location, k, bytes, "is not a yes/no flag. Expected 1/0, true/false, yes/no or Y/N.")
                }
            case .hsCode:
                if !isEmpty {
                    guard let count = ValueParsers.normalizeHSCode(bytes, into: hsDigits) else {
                        throw bad(location, k, bytes,
                                  "is not an HS code. Expected 6 to 10 digits, such as 870323 (dots and spaces are "
                                      + "ignored).")
                    }
                    hsDigitCount = count
                }
            case .text:
                break
            }
        }
        // A selected history: the label counts only where an officer inspected the declaration.
        if let inspectedIndex {
            if pendingNumbers[inspectedIndex] == 1 {
                if let k = emptyLabelSlot {
                    let column = slots[k].column
                    throw DeclarationError(.invalidValue,
                                           "\(location()), column \"\(column)\": the label is empty on an inspected "
                                               + "declaration. Expected 0 or 1: the inspection outcome.",
                                           column: column, value: "")
                }
            } else {
                pendingLabel = .nan   // not inspected: whatever the file holds is not an observed outcome
                pendingRevenue = .nan
            }
        }
        // Pass 2: append.
        for k in 0..<slotCount {
            let index = slotIndices[k]
            switch slotKinds[k] {
            case .number, .flag, .probability: numbers[index].append(pendingNumbers[index])
            case .text:
                let bytes = values[k]
                if singleRow {
                    codes[index].append(bytes.isEmpty ? -1 : 0)
                    if !bytes.isEmpty { singleVocabularies[index] = [String(decoding: bytes, as: UTF8.self)] }
                } else {
                    codes[index].append(bytes.isEmpty ? -1 : dictionaries[index].code(of: bytes))
                }
            case .hsCode:
                let digits = UnsafeBufferPointer(start: hsDigits, count: hsDigitCount)
                if singleRow {
                    codes[index].append(hsDigitCount == 0 ? -1 : 0)
                    if hsDigitCount > 0 { singleVocabularies[index] = [String(decoding: digits, as: UTF8.self)] }
                } else {
                    codes[index].append(hsDigitCount == 0 ? -1 : dictionaries[index].code(of: digits))
                }
            case .id: ids.append(currentID!)
            case .date: dates.append(pendingDate == Self.missingDate ? nil : pendingDate)
            case .label: labels.append(pendingLabel)
            case .revenue: revenue.append(pendingRevenue)
            }
        }
        rowCount += 1
    }

    private func bad(_ location: () -> String, _ slot: Int, _ bytes: UnsafeBufferPointer<UInt8>,
                     _ expectation: String) -> DeclarationError {
        let column = slots[slot].column
        let text = Self.quotedForMessage(bytes)
        return DeclarationError(.invalidValue, "\(location()), column \"\(column)\": \"\(text)\" \(expectation)",
                                column: column, value: String(decoding: bytes, as: UTF8.self))
    }

    /// The value as shown in messages: at most 60 characters, then "…".
    static func quotedForMessage(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        return text.count > 60 ? String(text.prefix(60)) + "…" : text
    }

    // MARK: - Result

    /// The table of all rows appended so far (the columns are shared, not copied).
    func makeTable(sourceLines: [Int]?) -> DeclarationTable {
        var text: [String: TextColumn] = Dictionary(minimumCapacity: textColumnNames.count)
        for (k, column) in textColumnNames.enumerated() {
            text[column] = TextColumn(codes: codes[k],
                                      vocabulary: singleRow ? singleVocabularies[k] : dictionaries[k].vocabulary)
        }
        var numberDictionary: [String: [Double]] = Dictionary(minimumCapacity: numberColumnNames.count)
        for (k, column) in numberColumnNames.enumerated() { numberDictionary[column] = numbers[k] }
        return DeclarationTable(schema: schema, rowCount: rowCount, ids: ids,
                                dates: schema.date == nil ? nil : dates,
                                labels: hasLabel ? labels : nil,
                                revenue: hasRevenue ? revenue : nil,
                                text: text, numbers: numberDictionary, sourceLines: sourceLines)
    }
}

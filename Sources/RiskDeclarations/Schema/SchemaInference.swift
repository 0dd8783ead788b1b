import Foundation

/// Guesses a `DeclarationSchema` for a CSV file from its header names and a sample of values.
///
/// Names decide first (normalised to lowercase letters and digits: "Net Mass" → `netmass`);
/// columns whose names say nothing are sniffed: numbers with few distinct integer values and
/// short texts with few distinct values are `categorical`, other numbers `numeric`, other text
/// `entity`. A second label-like column ("Critical Fraud" next to "Fraud") is `ignore`, because a
/// second outcome column leaks the label. When a label column is found, every other column is also
/// checked against it on the sample (`LeakingColumn`): a column whose values nearly determine the
/// label, whatever its name, is `ignore` too. The guess is a starting point to review, not a contract.
public enum SchemaInference {
    /// Licit and illicit sampled rows of one group of values.
    struct LabelCount: Hashable {
        var licit = 0
        var illicit = 0
        mutating func add(_ label: Float) { if label > 0.5 { illicit += 1 } else { licit += 1 } }
    }

    /// Facts about one column's sampled values.
    struct ColumnSample {
        /// Labels by exact (trimmed) value, `""` = missing, while the column has ≤ 1,000 distinct values.
        var labelsByValue: [String: LabelCount] = [:]
        /// Labels by sign of the number: index 0 = missing, zero or not a number; 1 = negative; 2 = positive.
        var labelsBySign = [LabelCount](repeating: LabelCount(), count: 3)

        /// Records the label of a row whose value in this column is `bytes`.
        mutating func addLabel(_ label: Float, value bytes: UnsafeBufferPointer<UInt8>) {
            let trimmed = ValueParsers.trimmed(bytes)
            let number = trimmed.isEmpty ? nil : ValueParsers.parseDouble(trimmed)
            labelsBySign[number.map { $0 < 0 ? 1 : ($0 > 0 ? 2 : 0) } ?? 0].add(label)
            if !distinctOverflow { labelsByValue[String(decoding: trimmed, as: UTF8.self), default: LabelCount()].add(label) }
        }

        var nonEmpty = 0
        var numbers = 0
        var integers = 0
        var dates = 0
        var hsCodes = 0
        var distinct = Set<String>()
        var distinctOverflow = false

        mutating func add(_ bytes: UnsafeBufferPointer<UInt8>) {
            let trimmed = ValueParsers.trimmed(bytes)
            guard !trimmed.isEmpty else { return }
            nonEmpty += 1
            if let value = ValueParsers.parseDouble(trimmed) {
                numbers += 1
                if value == value.rounded() && !trimmed.contains(0x2E) { integers += 1 }
            }
            if ValueParsers.parseDate(trimmed) != nil { dates += 1 }
            var digits = [UInt8](repeating: 0, count: 10)
            if digits.withUnsafeMutableBufferPointer({ ValueParsers.normalizeHSCode(trimmed, into: $0.baseAddress!) })
                != nil { hsCodes += 1 }
            if !distinctOverflow {
                distinct.insert(String(decoding: trimmed, as: UTF8.self))
                if distinct.count > 1_000 { distinctOverflow = true }
            }
        }

        func mostly(_ count: Int) -> Bool { nonEmpty > 0 && Double(count) >= 0.98 * Double(nonEmpty) }
        var distinctCount: Int { distinctOverflow ? Int.max : distinct.count }
    }

    /// What `infer` guessed: the schema, and the columns it set to `ignore` because their sampled
    /// values nearly determine the label.
    public struct Guess: Sendable, Hashable {
        public var schema: DeclarationSchema
        /// Columns marked `ignore` as label leaks, in header order.
        public var leakingColumns: [LeakingColumn]
    }

    /// A column whose sampled values nearly determine the label: a rule "value → label" (exact
    /// values seen at least `LeakingColumn.minimumSupport` times, or the sign of a number) gets at
    /// least `LeakingColumn.threshold` of the illicit and of the licit sampled rows right.
    public struct LeakingColumn: Sendable, Hashable {
        /// Rows a value needs before its majority label counts.
        public static let minimumSupport = 10
        /// Share of each class the rule must get right.
        public static let threshold = 0.99
        public var column: String
        /// Shares of the illicit and of the licit sampled rows that the rule gets right.
        public var illicitShare: Double
        public var licitShare: Double
        public var illicitRows: Int
        public var licitRows: Int
        /// A one-line warning naming the column, the figures and what to do.
        public var message: String {
            func percent(_ x: Double) -> String { String(format: "%.1f %%", 100 * x) }
            return "column \"\(column)\" nearly determines the label: its values separate \(percent(illicitShare)) of "
                + "the \(illicitRows) illicit and \(percent(licitShare)) of the \(licitRows) licit sampled rows. Marked "
                + "\"ignore\": a column filled in after inspection leaks the label. If it is known when the declaration "
                + "is lodged, give it a role by hand."
        }
    }

    /// Infers a schema for a CSV file.
    ///
    /// - Parameters:
    ///   - url: A CSV file with a header row.
    ///   - sampleRowCount: How many rows to sniff (default 20,000).
    /// - Returns: A schema that passes `validate()`, and the columns marked `ignore` as label leaks.
    /// - Throws: `DeclarationError` when the file cannot be read, is empty, or no column looks
    ///   like a declaration id (then name it in the schema by hand).
    /// - Complexity: O(sampled bytes).
    public static func infer(contentsOf url: URL, sampleRowCount: Int = 20_000) throws -> Guess {
        let scanner = try CSVScanner(path: url.path, sourceName: url.lastPathComponent)
        return try infer(scanner: scanner, sampleRowCount: sampleRowCount)
    }

    /// Infers a schema for CSV bytes in memory (see `infer(contentsOf:sampleRowCount:)`).
    public static func infer(bytes: [UInt8], source: String, sampleRowCount: Int = 20_000) throws -> Guess {
        try infer(scanner: CSVScanner(bytes: bytes, sourceName: source), sampleRowCount: sampleRowCount)
    }

    static func infer(scanner: CSVScanner, sampleRowCount: Int) throws -> Guess {
        let header = try DeclarationReader.readHeader(scanner)
        var samples = [ColumnSample](repeating: ColumnSample(), count: header.count)
        let labelIndex = header.firstIndex { labelNames.contains(normalized($0)) }
        var rows = 0
        while rows < sampleRowCount, try scanner.nextRecord() {
            let fieldCount = min(header.count, scanner.fieldCount)
            for k in 0..<fieldCount { samples[k].add(scanner.field(k)) }
            if let labelIndex, labelIndex < fieldCount, let label = ValueParsers.parseLabel(scanner.field(labelIndex)) {
                for k in 0..<fieldCount { samples[k].addLabel(label, value: scanner.field(k)) }
            }
            rows += 1
        }
        return try infer(header: header, samples: samples, sampledRowCount: rows, source: scanner.sourceName)
    }

    static let labelNames: Set<String> = ["fraud", "illicit", "label", "isfraud", "target", "infraction", "seizure",
                                          "irregular", "isillicit", "outcome"]

    /// The leak test of one column (see `LeakingColumn`), or nil when it passes or the sample has
    /// fewer than `minimumSupport` rows of either class.
    static func leak(_ column: String, _ sample: ColumnSample) -> LeakingColumn? {
        let illicit = sample.labelsBySign.reduce(0) { $0 + $1.illicit }
        let licit = sample.labelsBySign.reduce(0) { $0 + $1.licit }
        let support = LeakingColumn.minimumSupport
        guard illicit >= support, licit >= support else { return nil }
        func rule(_ groups: [LabelCount]) -> (illicit: Double, licit: Double) {
            var rightIllicit = 0, rightLicit = 0
            for g in groups where g.licit + g.illicit >= support {
                if g.illicit > g.licit { rightIllicit += g.illicit } else { rightLicit += g.licit }
            }
            return (Double(rightIllicit) / Double(illicit), Double(rightLicit) / Double(licit))
        }
        var best = rule(sample.labelsBySign)
        if !sample.distinctOverflow {
            let byValue = rule(Array(sample.labelsByValue.values))
            if min(byValue.illicit, byValue.licit) > min(best.illicit, best.licit) { best = byValue }
        }
        guard best.illicit >= LeakingColumn.threshold, best.licit >= LeakingColumn.threshold else { return nil }
        return LeakingColumn(column: column, illicitShare: best.illicit, licitShare: best.licit, illicitRows: illicit,
                             licitRows: licit)
    }

    static func normalized(_ name: String) -> String {
        String(name.lowercased().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }
            .map(Character.init))
    }

    static func infer(header: [String], samples: [ColumnSample], sampledRowCount: Int,
                      source: String) throws -> Guess {
        var id: String?, date: String?, label: String?, revenue: String?
        // No column named like a declaration id: take the first id-like name whose sampled values
        // are all present and distinct.
        let namedID = header.contains { n in
            let n = normalized(n)
            return n == "id" || ["declarationid", "declarationno", "declarationnumber", "entryid", "entrynumber"]
                .contains { n.contains($0) }
        }
        if !namedID {
            for (k, column) in header.enumerated() {
                let n = normalized(column)
                let sample = samples[k]
                guard ["id", "ref", "no", "number", "key"].contains(where: { n.hasSuffix($0) }),
                      sampledRowCount > 0, sample.nonEmpty == sampledRowCount,
                      sample.distinctOverflow || sample.distinct.count == sample.nonEmpty else { continue }
                id = column
                break
            }
        }
        var fields: [DeclarationSchema.Field] = []
        var taken = Set<FieldRole>()
        func assign(_ column: String, _ role: FieldRole) -> Bool {
            if role.isSingular && taken.contains(role) { return false }
            taken.insert(role)
            fields.append(.init(column: column, role: role))
            return true
        }
        for (k, column) in header.enumerated() {
            let n = normalized(column)
            let sample = samples[k]
            let numeric = sample.mostly(sample.numbers)
            func has(_ parts: String...) -> Bool { parts.contains { n.contains($0) } }

            if column == id { continue }
            if id == nil && (n == "id" || has("declarationid", "declarationno", "declarationnumber", "entryid",
                                               "entrynumber")) {
                id = column
                continue
            }
            if labelNames.contains(n) && label == nil {
                label = column
                continue
            }
            if has("fraud", "illicit", "seiz", "infraction", "irregular") || labelNames.contains(n) {
                fields.append(.init(column: column, role: .ignore))  // a second outcome: leakage
                continue
            }
            if revenue == nil && has("revenue", "recovered") && numeric {
                revenue = column
                continue
            }
            if has("date") {
                if date == nil && sample.mostly(sample.dates) {
                    date = column
                } else {
                    fields.append(.init(column: column, role: .ignore))
                }
                continue
            }
            var role: FieldRole?
            if (has("hscode", "hs6", "hs8", "hs10", "tariff", "commodity") || n == "hs") && sample.mostly(sample.hsCodes) {
                role = .hsCode
            } else if has("declarant", "broker") {
                role = .declarant
            } else if has("importer", "consignee") {
                role = .importer
            } else if has("office", "customshouse") {
                role = .office
            } else if has("departure", "exportcountry", "countryofexport", "shippedfrom", "consignmentcountry") {
                role = .departureCountry
            } else if has("origin") && !has("indicator", "flag", "preference", "certificate") {
                role = .originCountry
            } else if has("seller", "courier", "supplier", "exporter", "carrier", "consignor", "manufacturer",
                           "shipper", "agent", "vendor") {
                role = .entity
            } else if has("aeo") {
                role = .aeoFlag
            } else if has("transport", "mode", "type", "procedure", "regime", "indicator", "currency", "incoterm") {
                role = .categorical
            } else if numeric {
                if has("fob") {
                    role = .fobValue
                } else if has("cif", "customsvalue", "itemprice", "declaredvalue", "invoicevalue") || n == "value"
                            || n == "price" {
                    role = .customsValue
                } else if has("quantity", "qty") {
                    role = .quantity
                } else if has("gross") && has("weight", "mass") {
                    role = .grossWeight
                } else if has("net") && has("weight", "mass") {
                    role = .netWeight
                } else if has("weight", "mass", "kg") {
                    role = taken.contains(.netWeight) ? .grossWeight : .netWeight
                } else if has("tax", "duty", "vat") && has("rate", "pct", "percent") {
                    role = .numeric
                } else if has("tax", "duty", "vat") {
                    role = .taxes
                }
            }
            if let role, assign(column, role) { continue }
            // Sniff.
            if sample.nonEmpty == 0 {
                fields.append(.init(column: column, role: .ignore))
            } else if numeric {
                let fewCodes = sample.mostly(sample.integers) && sample.distinctCount <= 50
                fields.append(.init(column: column, role: fewCodes ? .categorical : .numeric))
            } else {
                fields.append(.init(column: column, role: sample.distinctCount <= 100 ? .categorical : .entity))
            }
        }
        guard let id else {
            throw DeclarationError(.invalidSchema,
                                   "\(source): no column looks like a declaration id (header: "
                                       + "\(header.joined(separator: ", "))). Write the schema by hand and name the "
                                       + "id column in \"id\".",
                                   file: source)
        }
        // Columns whose values nearly determine the label leak it, whatever their names say.
        var leaking: [LeakingColumn] = []
        if label != nil {
            let index = Dictionary(header.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
            for (f, field) in fields.enumerated() where field.role != .ignore {
                guard let k = index[field.column], let finding = leak(field.column, samples[k]) else { continue }
                leaking.append(finding)
                fields[f] = .init(column: field.column, role: .ignore)
            }
        }
        let schema = DeclarationSchema(id: id, date: date, label: label, revenue: revenue, fields: fields)
        try schema.validate(source: source)
        return Guess(schema: schema, leakingColumns: leaking)
    }
}

import Foundation

/// Guesses a `DeclarationSchema` for a CSV file from its header names and a sample of values.
///
/// Names decide first (normalised to lowercase letters and digits: "Net Mass" → `netmass`);
/// columns whose names say nothing are sniffed: numbers with few distinct integer values and
/// short texts with few distinct values are `categorical`, other numbers `numeric`, other text
/// `entity`. A second label-like column ("Critical Fraud" next to "Fraud") is `ignore`, because a
/// second outcome column leaks the label. The guess is a starting point to review, not a contract.
public enum SchemaInference {
    /// Facts about one column's sampled values.
    struct ColumnSample {
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

    /// Infers a schema for a CSV file.
    ///
    /// - Parameters:
    ///   - url: A CSV file with a header row.
    ///   - sampleRowCount: How many rows to sniff (default 20,000).
    /// - Returns: A schema that passes `validate()`.
    /// - Throws: `DeclarationError` when the file cannot be read, is empty, or no column looks
    ///   like a declaration id (then name it in the schema by hand).
    /// - Complexity: O(sampled bytes).
    public static func infer(contentsOf url: URL, sampleRowCount: Int = 20_000) throws -> DeclarationSchema {
        let scanner = try CSVScanner(path: url.path, sourceName: url.lastPathComponent)
        return try infer(scanner: scanner, sampleRowCount: sampleRowCount)
    }

    /// Infers a schema for CSV bytes in memory (see `infer(contentsOf:sampleRowCount:)`).
    public static func infer(bytes: [UInt8], source: String, sampleRowCount: Int = 20_000) throws -> DeclarationSchema {
        try infer(scanner: CSVScanner(bytes: bytes, sourceName: source), sampleRowCount: sampleRowCount)
    }

    static func infer(scanner: CSVScanner, sampleRowCount: Int) throws -> DeclarationSchema {
        let header = try DeclarationReader.readHeader(scanner)
        var samples = [ColumnSample](repeating: ColumnSample(), count: header.count)
        var rows = 0
        while rows < sampleRowCount, try scanner.nextRecord() {
            for k in 0..<min(header.count, scanner.fieldCount) { samples[k].add(scanner.field(k)) }
            rows += 1
        }
        return try infer(header: header, samples: samples, sampledRowCount: rows, source: scanner.sourceName)
    }

    static func normalized(_ name: String) -> String {
        String(name.lowercased().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }
            .map(Character.init))
    }

    static func infer(header: [String], samples: [ColumnSample], sampledRowCount: Int,
                      source: String) throws -> DeclarationSchema {
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
        let labelNames: Set<String> = ["fraud", "illicit", "label", "isfraud", "target", "infraction", "seizure",
                                       "irregular", "isillicit", "outcome"]
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
        let schema = DeclarationSchema(id: id, date: date, label: label, revenue: revenue, fields: fields)
        try schema.validate(source: source)
        return schema
    }
}

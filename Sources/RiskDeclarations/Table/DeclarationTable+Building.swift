extension DeclarationTable {
    /// Builds a table from declarations held in memory, parsing every value through the same
    /// parsers as the CSV reader.
    ///
    /// A column the schema names but a declaration lacks is missing for that declaration. The
    /// table has labels (revenue) only when at least one declaration carries the label (revenue)
    /// column; then every declaration must carry a 0/1 label.
    ///
    /// - Parameters:
    ///   - declarations: The declarations, in order. `Declaration.id` is the id.
    ///   - schema: Gives each column its role.
    /// - Throws: `DeclarationError(.invalidValue)` naming the declaration id, the column and the
    ///   value; `.invalidSchema` when the schema is inconsistent.
    /// - Complexity: O(total value length).
    public init(declarations: [Declaration], schema: DeclarationSchema) throws {
        try self.init(declarations: declarations, schema: schema, schemaIsValidated: false)
    }

    /// `init(declarations:schema:)` for a schema the caller has already validated (a loaded
    /// bundle's): the per-call validation is about a tenth of scoring one declaration.
    package init(declarations: [Declaration], schema: DeclarationSchema, schemaIsValidated: Bool) throws {
        if !schemaIsValidated { try schema.validate(source: "schema") }
        self = try Self.build(declarations, schema: schema, singleRow: declarations.count == 1)
    }

    /// The table of `declarations`; `singleRow` (exactly one declaration) skips the text dictionaries.
    static func build(_ declarations: [Declaration], schema: DeclarationSchema, singleRow: Bool) throws
        -> DeclarationTable {
        func carried(_ column: String?) -> String? {
            column.flatMap { name in declarations.contains { $0.values[name] != nil } ? name : nil }
        }
        let label = carried(schema.label), revenue = carried(schema.revenue)
        let builder = DeclarationTableBuilder(schema: schema, requireLabel: true,
                                              singleRow: singleRow) { $0 == label || $0 == revenue }
        builder.reserve(declarations.count)
        var bytes: [UInt8] = []
        var bounds: [Int] = []
        bytes.reserveCapacity(512)
        bounds.reserveCapacity(builder.slots.count + 1)
        for declaration in declarations {
            bytes.removeAll(keepingCapacity: true)
            bounds.removeAll(keepingCapacity: true)
            bounds.append(0)
            for slot in builder.slots {
                if slot.column == schema.id, case .id = slot.kind {
                    bytes.append(contentsOf: declaration.id.utf8)
                } else if let value = declaration.values[slot.column] {
                    bytes.append(contentsOf: value.utf8)
                }
                bounds.append(bytes.count)
            }
            try bytes.withUnsafeBufferPointer { all in
                let values = (0..<builder.slots.count).map { k in
                    UnsafeBufferPointer(rebasing: all[bounds[k]..<bounds[k + 1]])
                }
                try values.withUnsafeBufferPointer { values in
                    try builder.appendRow(values, location: { "declaration \"\(declaration.id)\"" })
                }
            }
        }
        return builder.makeTable(sourceLines: nil)
    }

    /// The rows at `rows`, in that order (repeats allowed). Vocabularies are kept whole, so codes
    /// mean the same in the selection as in `self`.
    ///
    /// - Parameter rows: Row indices in `0..<rowCount`.
    /// - Complexity: O(`rows.count` × columns).
    public func selectingRows(_ rows: [Int]) -> DeclarationTable {
        precondition(rows.allSatisfy { $0 >= 0 && $0 < rowCount }, "row index out of range 0..<\(rowCount)")
        return DeclarationTable(
            schema: schema, rowCount: rows.count, ids: rows.map { ids[$0] },
            dates: dates.map { column in rows.map { column[$0] } },
            labels: labels.map { column in rows.map { column[$0] } },
            revenue: revenue.map { column in rows.map { column[$0] } },
            text: text.mapValues { column in
                TextColumn(codes: rows.map { column.codes[$0] }, vocabulary: column.vocabulary)
            },
            numbers: numbers.mapValues { column in rows.map { column[$0] } },
            sourceLines: sourceLines.map { column in rows.map { column[$0] } })
    }
}

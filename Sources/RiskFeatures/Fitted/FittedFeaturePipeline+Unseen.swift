import RiskDeclarations

extension FittedFeaturePipeline {
    /// The identifier and category fields of row `row` whose value never appeared in the training
    /// data. Such values are encoded as "unseen": risk profiles fall back to the prior, tree codes to
    /// the "other" level. Missing values are not listed (they are reported as missing).
    ///
    /// - Returns: `(column, value)` pairs in key-field order (HS code, origin, departure, importer,
    ///   declarant, office, entities, categoricals).
    /// - Complexity: O(key fields) dictionary look-ups.
    public func unseenValues(for table: DeclarationTable, row: Int) -> [(column: String, value: String)] {
        var out: [(column: String, value: String)] = []
        for field in keyFields where field != .route && field != .hs4 && field != .hs2 {
            guard let column = roles.textColumn(of: field), let text = table.text[column],
                  row >= 0, row < text.codes.count, text.codes[row] >= 0,
                  Int(text.codes[row]) < text.vocabulary.count, let raw = text[row],
                  let key = KeyText.key(of: field, from: raw),
                  let vocabulary = vocabularies[field.space] else { continue }
            if vocabulary.code(of: key) < 0 { out.append((column, raw)) }
        }
        return out
    }
}

/// `FittedFeaturePipeline.unseenValues(for:row:)` for every row of one table, with the look-ups
/// done once per distinct string of the table instead of once per row: the batch scorer asks
/// every row, and almost every row has nothing unseen.
package struct UnseenValueIndex: Sendable {
    struct Field: Sendable {
        var column: String
        var codes: [Int32]
        var vocabulary: [String]
        /// Per table vocabulary code: the normalised key is absent from the fitted vocabulary.
        var unseen: [Bool]
    }

    let fields: [Field]

    /// `true` when no row of the table has an unseen value.
    package var isEmpty: Bool { fields.isEmpty }

    /// The `(column, value)` pairs of `row`, exactly as `unseenValues(for:row:)` lists them.
    ///
    /// - Complexity: O(key fields) array reads; allocates only when a value is unseen.
    package func values(row: Int) -> [(column: String, value: String)] {
        var out: [(column: String, value: String)] = []
        for field in fields where row >= 0 && row < field.codes.count {
            let code = field.codes[row]
            if code >= 0, Int(code) < field.unseen.count, field.unseen[Int(code)] {
                out.append((field.column, field.vocabulary[Int(code)]))
            }
        }
        return out
    }
}

extension FittedFeaturePipeline {
    /// Builds the unseen-value index of `table` (see `UnseenValueIndex`).
    ///
    /// - Complexity: O(distinct strings of the table's key columns) hash look-ups.
    package func unseenValueIndex(for table: DeclarationTable) -> UnseenValueIndex {
        var fields: [UnseenValueIndex.Field] = []
        for field in keyFields where field != .route && field != .hs4 && field != .hs2 {
            guard let column = roles.textColumn(of: field), let text = table.text[column],
                  let vocabulary = vocabularies[field.space] else { continue }
            let unseen = text.vocabulary.map { raw in
                guard let key = KeyText.key(of: field, from: raw) else { return false }
                return vocabulary.code(of: key) < 0
            }
            // A field none of whose strings is unseen can never add a pair: leave it out.
            guard unseen.contains(true) else { continue }
            fields.append(.init(column: column, codes: text.codes, vocabulary: text.vocabulary, unseen: unseen))
        }
        return UnseenValueIndex(fields: fields)
    }
}

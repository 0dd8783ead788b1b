import RiskDeclarations

extension FittedFeaturePipeline {
    /// The identifier and category fields of row `row` whose value never appeared in the training
    /// data. Such values are encoded as "unseen": risk profiles fall back to the prior, tree codes to
    /// the "other" level. Missing values are not listed (they are reported as missing).
    ///
    /// - Returns: `(column, value)` pairs in key-field order (HS code, origin, departure, importer,
    ///   declarant, office, entities, categoricals).
    /// - Complexity: O(distinct strings of the table's key columns) look-ups; to ask many rows of
    ///   one table, the scorer builds the index once (`unseenValueIndex(for:)`).
    public func unseenValues(for table: DeclarationTable, row: Int) -> [(column: String, value: String)] {
        var out: [(column: String, value: String)] = []
        unseenValueIndex(for: table).forEach(row: row) { out.append(($0, $1)) }
        return out
    }
}

/// The unseen values of every row of one table, with the look-ups done once per distinct string
/// of the table instead of once per row: the scorer asks every row, and almost every row has
/// nothing unseen. The one routine behind `unseenValues(for:row:)` and the scorer's warnings.
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

    /// The number of unseen values of `row`: what `forEach` would call `body` for, without touching
    /// a string (the per-row warning count of every `riskctl score` run).
    @inline(__always)
    package func count(row: Int) -> Int {
        var count = 0
        for field in fields where row >= 0 && row < field.codes.count {
            let code = field.codes[row]
            if code >= 0, Int(code) < field.unseen.count, field.unseen[Int(code)] { count += 1 }
        }
        return count
    }

    /// Calls `body(column, value)` for each unseen value of `row`, in key-field order. Allocation-free.
    @inline(__always)
    package func forEach(row: Int, _ body: (_ column: String, _ value: String) -> Void) {
        for field in fields where row >= 0 && row < field.codes.count {
            let code = field.codes[row]
            if code >= 0, Int(code) < field.unseen.count, field.unseen[Int(code)] {
                body(field.column, field.vocabulary[Int(code)])
            }
        }
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

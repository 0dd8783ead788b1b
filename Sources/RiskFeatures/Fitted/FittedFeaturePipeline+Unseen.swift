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

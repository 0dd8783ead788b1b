import RiskDeclarations

extension DeclarationTable {
    /// The rows of `self` followed by the rows of `other`, read with the same schema.
    ///
    /// Text columns are re-coded into one vocabulary (`self`'s words first, then `other`'s new
    /// ones in their order), so a word has one code in the result. Source lines are dropped: rows
    /// of two files have no common line numbering. A column that one table lacks (revenue missing
    /// from one file) is missing (NaN) on that table's rows.
    ///
    /// - Precondition: both tables were read with equal schemas.
    /// - Complexity: O((`rowCount` + `other.rowCount`) × columns).
    func appending(_ other: DeclarationTable) -> DeclarationTable {
        precondition(schema == other.schema, "appending tables read with different schemas")
        func joined<T>(_ a: [T]?, _ b: [T]?, _ aCount: Int, _ bCount: Int, missing: T) -> [T]? {
            if a == nil && b == nil { return nil }
            return (a ?? Array(repeating: missing, count: aCount)) + (b ?? Array(repeating: missing, count: bCount))
        }
        var text: [String: TextColumn] = [:]
        for name in Set(self.text.keys).union(other.text.keys) {
            let first = self.text[name] ?? TextColumn(codes: Array(repeating: -1, count: rowCount), vocabulary: [])
            let second = other.text[name]
                ?? TextColumn(codes: Array(repeating: -1, count: other.rowCount), vocabulary: [])
            var vocabulary = first.vocabulary
            var code: [String: Int32] = [:]
            for (index, word) in vocabulary.enumerated() where code[word] == nil { code[word] = Int32(index) }
            let recode: [Int32] = second.vocabulary.map { word in
                if let existing = code[word] { return existing }
                let new = Int32(vocabulary.count)
                vocabulary.append(word)
                code[word] = new
                return new
            }
            let codes = first.codes + second.codes.map { $0 < 0 ? -1 : recode[Int($0)] }
            text[name] = TextColumn(codes: codes, vocabulary: vocabulary)
        }
        var numbers: [String: [Double]] = [:]
        for name in Set(self.numbers.keys).union(other.numbers.keys) {
            numbers[name] = joined(self.numbers[name], other.numbers[name], rowCount, other.rowCount, missing: .nan)
        }
        return DeclarationTable(
            schema: schema, rowCount: rowCount + other.rowCount, ids: ids + other.ids,
            dates: joined(dates, other.dates, rowCount, other.rowCount, missing: nil),
            labels: joined(labels, other.labels, rowCount, other.rowCount, missing: .nan),
            revenue: joined(revenue, other.revenue, rowCount, other.rowCount, missing: .nan),
            text: text, numbers: numbers, sourceLines: nil)
    }
}

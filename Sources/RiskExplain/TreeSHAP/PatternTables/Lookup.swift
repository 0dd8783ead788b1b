import RiskTrees

/// Unsafe view of `ShapTables` for one `accumulate` call.
struct ShapTableLookup {
    let tableOfTree: UnsafePointer<Int32>
    let tables: UnsafePointer<ShapTables.Table>
    let questions: UnsafePointer<TreeQuestion>
    let features: UnsafePointer<Int32>
    let entries: UnsafePointer<Double>
    let filled: UnsafePointer<Bool>
    let leafValues: UnsafePointer<Double>

    /// Adds tree `tree`'s tabulated contributions for `row` to `phi`; false when the tree has no
    /// table or the row's pattern was not tabulated (the caller then runs the kernel).
    @inline(__always)
    func add(tree: Int, row: UnsafePointer<Float>, phi: UnsafeMutablePointer<Double>,
             categoryWords words: UnsafePointer<UInt64>) -> Bool {
        let index = Int(tableOfTree[tree])
        guard index >= 0 else { return false }
        let table = tables[index]
        var mask = 0
        let asked = questions + Int(table.questionStart)
        if table.isNumeric {
            for q in 0..<Int(table.questionCount) {
                let question = asked[q]
                mask |= (question.numericGoesLeft(row[Int(question.feature)]) ? 1 : 0) &<< q
            }
        } else {
            for q in 0..<Int(table.questionCount) {
                let question = asked[q]
                mask |= (question.goesLeft(row[Int(question.feature)], categoryWords: words) ? 1 : 0) &<< q
            }
        }
        guard filled[table.maskStart &+ mask] else { return false }
        let m = Int(table.featureCount)
        let values = entries + (table.entryStart &+ mask &* m)
        let columns = features + Int(table.featureStart)
        for k in 0..<m { phi[Int(columns[k])] += values[k] }
        return true
    }

    /// Calls `body` with a lookup over `tables` (valid only inside `body`).
    static func with<R>(_ tables: ShapTables, _ body: (ShapTableLookup) -> R) -> R {
        tables.tableOfTree.withUnsafeBufferPointer { tableOfTree in
        tables.tables.withUnsafeBufferPointer { list in
        tables.questions.withUnsafeBufferPointer { questions in
        tables.features.withUnsafeBufferPointer { features in
        tables.entries.withUnsafeBufferPointer { entries in
        tables.filled.withUnsafeBufferPointer { filled in
        tables.leafValues.withUnsafeBufferPointer { leafValues in
            withUnsafePointer(to: TreeQuestion(feature: 0, threshold: 0, missingGoesLeft: false, categoryStart: 0,
                                               categoryWordCount: 0)!) { noQuestion in
            withUnsafePointer(to: Int32(0)) { zero in
            withUnsafePointer(to: 0.0) { zeroDouble in
            withUnsafePointer(to: false) { no in
            withUnsafePointer(to: ShapTables.Table(questionStart: 0, questionCount: 0, featureStart: 0, featureCount: 0,
                                                   entryStart: 0, maskStart: 0, isNumeric: true)) { noTable in
                // Empty arrays may have nil bases: point at something valid (never read).
                body(ShapTableLookup(tableOfTree: tableOfTree.baseAddress ?? zero, tables: list.baseAddress ?? noTable,
                                     questions: questions.baseAddress ?? noQuestion, features: features.baseAddress ?? zero,
                                     entries: entries.baseAddress ?? zeroDouble, filled: filled.baseAddress ?? no,
                                     leafValues: leafValues.baseAddress ?? zeroDouble))
            }}}}}
        }}}}}}}
    }
}

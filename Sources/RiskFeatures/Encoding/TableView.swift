import RiskData
import RiskDeclarations

/// A table's columns resolved against a fitted pipeline: text codes mapped to fitted codes once
/// per table (one hash per distinct string, none per row).
struct TableView {
    struct FieldSource {
        var tableCodes: [Int32] = []
        var map: [Int32] = []
        var vocabulary: [String] = []
    }

    let rowCount: Int
    let value, fob, quantity, net, gross, taxes, aeo: [Double]?
    let numerics: [[Double]?]
    let dates: [Int32?]?
    var sources: [FieldSource]
    /// Numeric columns in `NumberIndex` order (empty = absent) and dates (`Int32.min` = missing; empty = none).
    let numberColumns: [[Double]]
    let dayNumbers: [Int32]
    let originField: Int?, departureField: Int?, routeField: Int?, importerField: Int?
    let hs6Field: Int?, hs4Field: Int?, hs2Field: Int?

    /// - Parameter fieldVocabularies: `vocabularies[keyFields[k].space]` for every k, when the caller
    ///   looked them up beforehand (`PreparedKernelTables`).
    init(table: DeclarationTable, fitted: FittedFeaturePipeline, fieldVocabularies: [Vocabulary?]? = nil) throws {
        try self.init(table: table, roles: fitted.roles, hasDate: fitted.hasDate, keyFields: fitted.keyFields,
                      vocabularies: fitted.vocabularies, fieldVocabularies: fieldVocabularies)
    }

    init(table: DeclarationTable, roles: RoleColumns, hasDate: Bool, keyFields: [KeyField],
         vocabularies: [String: Vocabulary], fieldVocabularies: [Vocabulary?]? = nil) throws {
        let n = table.rowCount
        rowCount = n
        func numbers(_ column: String?) throws -> [Double]? {
            guard let column, let values = table.numbers[column] else { return nil }
            guard values.count == n else {
                throw RiskFeaturesError(.shapeMismatch, "Numeric column \"\(column)\" has \(values.count) values; "
                    + "the table has \(n) rows. Rebuild the table so every column has one value per row.")
            }
            return values
        }
        value = try numbers(roles.customsValue)
        fob = try numbers(roles.fobValue)
        quantity = try numbers(roles.quantity)
        net = try numbers(roles.netWeight)
        gross = try numbers(roles.grossWeight)
        taxes = try numbers(roles.taxes)
        aeo = try numbers(roles.aeoFlag)
        numerics = try roles.numerics.map { try numbers($0) }
        if hasDate, let d = table.dates {
            guard d.count == n else {
                throw RiskFeaturesError(.shapeMismatch, "The date column has \(d.count) values; the table has "
                    + "\(n) rows. Rebuild the table so every column has one value per row.")
            }
            dates = d
        } else {
            dates = nil
        }
        var sources: [FieldSource] = []
        sources.reserveCapacity(keyFields.count)
        for (k, field) in keyFields.enumerated() {
            var source = FieldSource()
            if let column = roles.textColumn(of: field), let text = table.text[column],
               let vocabulary = fieldVocabularies.map({ $0[k] }) ?? vocabularies[field.space] {
                guard text.codes.count == n else {
                    throw RiskFeaturesError(.shapeMismatch, "Text column \"\(column)\" has \(text.codes.count) "
                        + "values; the table has \(n) rows. Rebuild the table so every column has one value per row.")
                }
                source.tableCodes = text.codes
                source.vocabulary = text.vocabulary
                source.map = text.vocabulary.map { raw in
                    guard let key = KeyText.key(of: field, from: raw) else { return KeyCode.missing }
                    let code = vocabulary.code(of: key)
                    return code >= 0 ? code : KeyCode.unseen
                }
            }
            sources.append(source)
        }
        self.sources = sources
        numberColumns = [value, fob, quantity, net, gross, taxes, aeo].map { $0 ?? [] } + numerics.map { $0 ?? [] }
        dayNumbers = dates?.map { $0 ?? Int32.min } ?? []
        originField = keyFields.firstIndex(of: .origin)
        departureField = keyFields.firstIndex(of: .departure)
        routeField = keyFields.firstIndex(of: .route)
        importerField = keyFields.firstIndex(of: .importer)
        hs6Field = keyFields.firstIndex(of: .hs6)
        hs4Field = keyFields.firstIndex(of: .hs4)
        hs2Field = keyFields.firstIndex(of: .hs2)
    }

    /// Calls `body` with pointer views of this table's columns (valid during the call).
    ///
    /// A small table (a declaration scored alone) is copied into one scratch buffer: cheaper than the
    /// ≈ 40 nested buffer scopes of a large table, whose columns are too big to copy.
    func withKernel<Result>(_ body: (TableKernel) -> Result) -> Result {
        if rowCount <= 16 { return withCopiedKernel(body) }
        return withBufferPointers(sources.map(\.tableCodes)) { tableCodes in
            withBufferPointers(sources.map(\.map)) { maps in
                withBufferPointers(numberColumns) { numbers in
                    dayNumbers.withUnsafeBufferPointer { days in
                        body(TableKernel(view: self, tableCodes: tableCodes, maps: maps, numbers: numbers, days: days))
                    }
                }
            }
        }
    }

    /// `withKernel` over copies of the columns in one allocation.
    private func withCopiedKernel<Result>(_ body: (TableKernel) -> Result) -> Result {
        let integerCount = sources.reduce(0) { $0 + $1.tableCodes.count + $1.map.count } + dayNumbers.count
        let doubleCount = numberColumns.reduce(0) { $0 + $1.count }
        let integers = UnsafeMutableBufferPointer<Int32>.allocate(capacity: max(1, integerCount))
        let doubles = UnsafeMutableBufferPointer<Double>.allocate(capacity: max(1, doubleCount))
        defer {
            integers.deallocate()
            doubles.deallocate()
        }
        var nextInteger = 0, nextDouble = 0
        func copy(_ array: [Int32]) -> UnsafeBufferPointer<Int32> {
            let view = UnsafeMutableBufferPointer(rebasing: integers[nextInteger..<(nextInteger + array.count)])
            _ = view.initialize(from: array)
            nextInteger += array.count
            return UnsafeBufferPointer(view)
        }
        func copy(_ array: [Double]) -> UnsafeBufferPointer<Double> {
            let view = UnsafeMutableBufferPointer(rebasing: doubles[nextDouble..<(nextDouble + array.count)])
            _ = view.initialize(from: array)
            nextDouble += array.count
            return UnsafeBufferPointer(view)
        }
        let tableCodes = sources.map { copy($0.tableCodes) }
        let maps = sources.map { copy($0.map) }
        let numbers = numberColumns.map { copy($0) }
        let days = copy(dayNumbers)
        return body(TableKernel(view: self, tableCodes: tableCodes, maps: maps, numbers: numbers, days: days))
    }

    /// Raw text of key field `field` in `row` (nil when missing).
    func text(field: Int, row: Int) -> String? {
        let source = sources[field]
        guard !source.tableCodes.isEmpty else { return nil }
        let code = Int(source.tableCodes[row])
        return code >= 0 && code < source.vocabulary.count ? source.vocabulary[code] : nil
    }

}

/// Indices of `TableView.numberColumns`.
enum NumberIndex {
    static let value = 0, fob = 1, quantity = 2, net = 3, gross = 4, taxes = 5, aeo = 6, firstNumeric = 7
}

import RiskData
import RiskDeclarations

/// Code of a key in a row: `≥ 0` fitted code, `missing` or `unseen`.
enum KeyCode {
    static let missing: Int32 = -1
    static let unseen: Int32 = -2
}

/// The ratios every row derives from its amounts (shared by the encoder and evidence).
struct RowAmounts {
    var value: Double, fob: Double, quantity: Double, kilograms: Double, taxes: Double
    var unitValue: Double, valuePerKilogram: Double, taxRatio: Double, fobCifRatio: Double, quantityPerKilogram: Double

    /// Outcomes (documented in Docs/FeatureEngineering.md): a ratio whose denominator is missing,
    /// zero or negative is NaN (undefined); weight is the net weight when positive, else the gross.
    @inline(__always)
    init(value: Double, fob: Double, quantity: Double, net: Double, gross: Double, taxes: Double) {
        self.value = value
        self.fob = fob
        self.quantity = quantity
        self.taxes = taxes
        kilograms = net > 0 ? net : (gross > 0 ? gross : .nan)
        unitValue = quantity > 0 ? value / quantity : .nan
        valuePerKilogram = kilograms > 0 ? value / kilograms : .nan
        taxRatio = value > 0 ? taxes / value : .nan
        fobCifRatio = value > 0 ? fob / value : .nan
        quantityPerKilogram = kilograms > 0 ? quantity / kilograms : .nan
    }

    /// ln of the unit value used against the reference: per kg when a weight exists, else per unit.
    /// Returns (log value or −∞ for a zero value, per-kilogram?) or nil when undefined or negative.
    @inline(__always)
    var referenceBasis: (value: Double, perKilogram: Bool)? {
        if valuePerKilogram >= 0 { return (valuePerKilogram, true) }
        if unitValue >= 0 { return (unitValue, false) }
        return nil
    }
}

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

    init(table: DeclarationTable, fitted: FittedFeaturePipeline) throws {
        try self.init(table: table, roles: fitted.roles, hasDate: fitted.hasDate, keyFields: fitted.keyFields,
                      vocabularies: fitted.vocabularies)
    }

    init(table: DeclarationTable, roles: RoleColumns, hasDate: Bool, keyFields: [KeyField],
         vocabularies: [String: Vocabulary]) throws {
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
        for field in keyFields {
            var source = FieldSource()
            if let column = roles.textColumn(of: field), let text = table.text[column],
               let vocabulary = vocabularies[field.space] {
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
    func withKernel<Result>(_ body: (TableKernel) -> Result) -> Result {
        withBufferPointers(sources.map(\.tableCodes)) { tableCodes in
            withBufferPointers(sources.map(\.map)) { maps in
                withBufferPointers(numberColumns) { numbers in
                    dayNumbers.withUnsafeBufferPointer { days in
                        body(TableKernel(view: self, tableCodes: tableCodes, maps: maps, numbers: numbers, days: days))
                    }
                }
            }
        }
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

/// A table's columns as buffer pointers: what the row loop reads (no retains, no struct copies).
struct TableKernel {
    let view: TableView
    let tableCodes: [UnsafeBufferPointer<Int32>]
    let maps: [UnsafeBufferPointer<Int32>]
    let numbers: [UnsafeBufferPointer<Double>]
    let days: UnsafeBufferPointer<Int32>

    @inline(__always)
    func number(_ index: Int, _ row: Int) -> Double {
        let column = numbers[index]
        return column.isEmpty ? .nan : column[row]
    }

    @inline(__always)
    func date(_ row: Int) -> Int32? {
        guard !days.isEmpty else { return nil }
        let day = days[row]
        return day == Int32.min ? nil : day
    }

    @inline(__always)
    func amounts(row: Int) -> RowAmounts {
        RowAmounts(value: number(NumberIndex.value, row), fob: number(NumberIndex.fob, row),
                   quantity: number(NumberIndex.quantity, row), net: number(NumberIndex.net, row),
                   gross: number(NumberIndex.gross, row), taxes: number(NumberIndex.taxes, row))
    }

    /// Fitted codes of every key field of `row` into `codes` (−1 missing, −2 unseen).
    @inline(__always)
    func resolveCodes(row: Int, routePairs: [Int64: Int32], into codes: UnsafeMutableBufferPointer<Int32>) {
        for field in 0..<tableCodes.count {
            let columnCodes = tableCodes[field]
            var code = KeyCode.missing
            if !columnCodes.isEmpty {
                let tableCode = Int(columnCodes[row])
                let map = maps[field]
                if tableCode >= 0, tableCode < map.count { code = map[tableCode] }
            }
            codes[field] = code
        }
        if let routeField = view.routeField, let originField = view.originField,
           let departureField = view.departureField {
            let origin = codes[originField], departure = codes[departureField]
            if origin == KeyCode.missing || departure == KeyCode.missing {
                codes[routeField] = KeyCode.missing
            } else if origin >= 0, departure >= 0, let route = routePairs[KeyText.pair(departure, origin)] {
                codes[routeField] = route
            } else {
                codes[routeField] = KeyCode.unseen
            }
        }
    }

    /// 1 when departure ≠ origin, 0 when equal, NaN when either is missing.
    @inline(__always)
    func routeDiffers(row: Int, codes: UnsafeMutableBufferPointer<Int32>) -> Double {
        guard let originField = view.originField, let departureField = view.departureField else { return .nan }
        let origin = codes[originField], departure = codes[departureField]
        if origin == KeyCode.missing || departure == KeyCode.missing { return .nan }
        if origin >= 0, departure >= 0 { return origin != departure ? 1 : 0 }
        // An unseen country: compare the texts (rare path).
        let originText = view.text(field: originField, row: row).map { $0.trimmingSpaces() }
        let departureText = view.text(field: departureField, row: row).map { $0.trimmingSpaces() }
        return originText != departureText ? 1 : 0
    }
}

/// Read-only views of the fitted tables for one `emit` call: buffer pointers instead of nested
/// arrays of structs, so the row loop neither copies structs nor retains arrays.
struct KernelTables {
    var slots: [Slot]
    var linearPlan: [LinearColumnPlan]
    var profiledFields: [Int]
    var routePairs: [Int64: Int32]
    var rates: [UnsafeBufferPointer<Double>]
    var revenues: [UnsafeBufferPointer<Double>]
    var counts: [UnsafeBufferPointer<Double>]
    var levels: [UnsafeBufferPointer<Int32>]
    var otherLevels: [Int32]
    var importerFirstDate: UnsafeBufferPointer<Int32>
}

/// Calls `body` with buffer pointers to every array of `arrays`, valid for the duration of the call.
func withBufferPointers<Element, Result>(_ arrays: [[Element]],
                                         _ body: ([UnsafeBufferPointer<Element>]) -> Result) -> Result {
    var pointers: [UnsafeBufferPointer<Element>] = []
    pointers.reserveCapacity(arrays.count)
    func nest(_ index: Int) -> Result {
        if index == arrays.count { return body(pointers) }
        return arrays[index].withUnsafeBufferPointer { buffer in
            pointers.append(buffer)
            return nest(index + 1)
        }
    }
    return nest(0)
}

extension FittedFeaturePipeline {
    /// Calls `body` with the kernel tables of this pipeline.
    func withKernelTables<Result>(_ body: (KernelTables) -> Result) -> Result {
        let doubles = profiles.map(\.rate) + profiles.map { $0.meanRevenue ?? [] } + profiles.map(\.count)
        let integers = categoricalLevels.map(\.levelOfCode) + [importerFirstDate]
        let p = profiles.count
        return withBufferPointers(doubles) { d in
            withBufferPointers(integers) { i in
                body(KernelTables(slots: treeSlots, linearPlan: linearPlan, profiledFields: profiledFields,
                                  routePairs: routePairs, rates: Array(d[0..<p]), revenues: Array(d[p..<(2 * p)]),
                                  counts: Array(d[(2 * p)...]), levels: Array(i.dropLast()),
                                  otherLevels: categoricalLevels.map(\.otherLevel), importerFirstDate: i.last!))
            }
        }
    }
}

/// Out-of-fold replacements used for the training matrices.
struct TrainingOverride {
    var profiles: OutOfFoldProfiles
}

extension FittedFeaturePipeline {
    /// Computes the trees row of `row` into `out` (one entry per tree slot) and the key codes into `codes`.
    ///
    /// Allocation-free. With `override`, profiles are the out-of-fold training values and counts
    /// exclude the row itself.
    @inline(__always)
    func encodeTreeRow(_ kernel: TableKernel, row: Int, override: TrainingOverride?, tables: KernelTables,
                       codes: UnsafeMutableBufferPointer<Int32>, out: UnsafeMutablePointer<Float>) {
        let view = kernel.view
        kernel.resolveCodes(row: row, routePairs: tables.routePairs, into: codes)
        let amounts = kernel.amounts(row: row)
        // Reference price: computed once, used by three slots.
        var logRatio = Double.nan, robustZ = Double.nan, level = Double.nan
        if let basis = amounts.referenceBasis {
            let c6 = view.hs6Field.map { codes[$0] } ?? KeyCode.missing
            let c4 = view.hs4Field.map { codes[$0] } ?? KeyCode.missing
            let c2 = view.hs2Field.map { codes[$0] } ?? KeyCode.missing
            let origin = view.originField.map { codes[$0] } ?? KeyCode.missing
            let found = basis.perKilogram
                ? referencePerKilogram.lookup(hs6: c6, hs4: c4, hs2: c2, origin: origin)
                : referencePerUnit.lookup(hs6: c6, hs4: c4, hs2: c2, origin: origin)
            if let (statistic, referenceLevel) = found {
                let raw = basis.value > 0 ? Numerics.logarithm(basis.value) - statistic.median : -.infinity
                logRatio = min(max(raw, -Numerics.logRatioLimit), Numerics.logRatioLimit)
                robustZ = logRatio / statistic.scale
                level = Double(referenceLevel.rawValue)
            }
        }
        let date = kernel.date(row)
        for column in 0..<tables.slots.count {
            let x: Double
            switch tables.slots[column] {
            case .declaredValue: x = amounts.value
            case .fobValue: x = amounts.fob
            case .fobCifRatio: x = amounts.fobCifRatio
            case .quantity: x = amounts.quantity
            case .weightKilograms: x = amounts.kilograms
            case .quantityPerKilogram: x = amounts.quantityPerKilogram
            case .taxes: x = amounts.taxes
            case .taxRatio: x = amounts.taxRatio
            case .unitValue: x = amounts.unitValue
            case .valuePerKilogram: x = amounts.valuePerKilogram
            case .unitValueLogRatio: x = logRatio
            case .unitValueRobustZ: x = robustZ
            case .unitValueReferenceLevel: x = level
            case .routeDiffers: x = kernel.routeDiffers(row: row, codes: codes)
            case .month: x = date.map { Double(CivilCalendar.month(daysSince1970: $0)) } ?? .nan
            case .weekday: x = date.map { Double(CivilCalendar.weekday(daysSince1970: $0)) } ?? .nan
            case .traderTenureDays:
                let importer = view.importerField.map { codes[$0] } ?? KeyCode.missing
                if let date, importer != KeyCode.missing {
                    let first = importer >= 0 ? tables.importerFirstDate[Int(importer)] : Int32.max
                    x = first == Int32.max ? 0 : Double(max(0, Int64(date) - Int64(first)))
                } else {
                    x = .nan
                }
            case .aeo:
                let flag = kernel.number(NumberIndex.aeo, row)
                x = flag.isNaN ? .nan : (flag != 0 ? 1 : 0)
            case .code(let field, let levels):
                let code = codes[field]
                x = code == KeyCode.missing ? .nan
                    : Double(code >= 0 ? tables.levels[levels][Int(code)] : tables.otherLevels[levels])
            case .rate(let profile):
                if let override { x = override.profiles.rates[profile][row]; break }
                let code = codes[tables.profiledFields[profile]]
                x = code >= 0 ? tables.rates[profile][Int(code)] : prior
            case .meanRevenue(let profile):
                if let override { x = override.profiles.revenues?[profile][row] ?? .nan; break }
                let code = codes[tables.profiledFields[profile]]
                let revenue = tables.revenues[profile]
                x = code >= 0 ? (revenue.isEmpty ? .nan : revenue[Int(code)]) : priorRevenue
            case .count(let profile):
                let code = codes[tables.profiledFields[profile]]
                if code == KeyCode.missing { x = .nan }
                else if code < 0 { x = 0 }
                else { x = tables.counts[profile][Int(code)] - (override == nil ? 0 : 1) }
            case .numeric(let index):
                x = kernel.number(NumberIndex.firstNumeric + index, row)
            }
            out[column] = Numerics.toFloat(x)
        }
    }

    /// Maps a trees row (and its key codes) to the linear row. Never NaN or ±∞.
    @inline(__always)
    func encodeLinearRow(tree: UnsafeMutablePointer<Float>, codes: UnsafeMutableBufferPointer<Int32>,
                         tables: KernelTables, out: UnsafeMutablePointer<Float>) {
        for column in 0..<tables.linearPlan.count {
            switch tables.linearPlan[column] {
            case .standardized(let source, let logarithm, let median, let mean, let scale):
                out[column] = Float(Self.standardize(Double(tree[source]), logarithm: logarithm, median: median,
                                                     mean: mean, scale: scale))
            case .missingIndicator(let source):
                out[column] = tree[source].isNaN ? 1 : 0
            case .oneHot(let field, let code):
                out[column] = codes[field] == code ? 1 : 0
            }
        }
    }

    /// The linear pre-transform of a trees value: sign·log1p or identity clamped to ±1e15; NaN stays NaN.
    @inline(__always)
    static func linearInput(_ x: Double, logarithm: Bool) -> Double {
        if x.isNaN { return .nan }
        return logarithm ? Numerics.signedLog1p(x)
            : min(max(x, -Numerics.linearIdentityLimit), Numerics.linearIdentityLimit)
    }

    @inline(__always)
    static func standardize(_ x: Double, logarithm: Bool, median: Double, mean: Double, scale: Double) -> Double {
        let t = x.isNaN ? median : linearInput(x, logarithm: logarithm)
        let z = (t - mean) / scale
        return min(max(z, -Numerics.standardClip), Numerics.standardClip)
    }
}

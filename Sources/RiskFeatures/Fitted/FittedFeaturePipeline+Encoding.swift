import RiskData
import RiskDeclarations

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
            case .standardizedLogOdds(let source, let median, let mean, let scale):
                out[column] = Float(Self.standardize(Double(tree[source]), transform: .logOdds, median: median,
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

    /// The linear pre-transform `transform` of a trees value; NaN stays NaN.
    @inline(__always)
    static func linearInput(_ x: Double, transform: LinearTransform) -> Double {
        switch transform {
        case .identity: linearInput(x, logarithm: false)
        case .signedLogarithm: linearInput(x, logarithm: true)
        case .logOdds: Numerics.logOdds(x)
        }
    }

    @inline(__always)
    static func standardize(_ x: Double, logarithm: Bool, median: Double, mean: Double, scale: Double) -> Double {
        standardize(x, transform: logarithm ? .signedLogarithm : .identity, median: median, mean: mean, scale: scale)
    }

    @inline(__always)
    static func standardize(_ x: Double, transform: LinearTransform, median: Double, mean: Double,
                            scale: Double) -> Double {
        let t = x.isNaN ? median : linearInput(x, transform: transform)
        let z = (t - mean) / scale
        return min(max(z, -Numerics.standardClip), Numerics.standardClip)
    }
}

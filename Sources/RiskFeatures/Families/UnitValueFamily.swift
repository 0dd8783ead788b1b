import RiskData

/// The declared price against what others declare for the same goods: reference unit values per kg
/// and per unit (`UnitValueReference`, learned from every training row with a positive price), and
/// the columns comparing a row's price with its reference.
struct UnitValueFamily: FeatureFamily {
    let perKilogram: UnitValueReference
    let perUnit: UnitValueReference
    let columns: [FamilyColumn]

    init(fitting training: TrainingInput) {
        let n = training.rowCount
        var logPerKilogram = [Double](repeating: .nan, count: n)
        var logPerUnit = [Double](repeating: .nan, count: n)
        training.view.withKernel { kernel in
            for row in 0..<n {
                let amounts = kernel.amounts(row: row)
                if amounts.valuePerKilogram > 0, amounts.valuePerKilogram.isFinite {
                    logPerKilogram[row] = Numerics.logarithm(amounts.valuePerKilogram)
                }
                if amounts.unitValue > 0, amounts.unitValue.isFinite {
                    logPerUnit[row] = Numerics.logarithm(amounts.unitValue)
                }
            }
        }
        let references = [logPerKilogram, logPerUnit].map {
            UnitValueReference.fit(logValues: $0, hs6: training.codes(of: .hs6), hs4: training.codes(of: .hs4),
                                   hs2: training.codes(of: .hs2), origin: training.codes(of: .origin),
                                   minimumRows: training.configuration.minimumReferenceGroupRows)
        }
        perKilogram = references[0]
        perUnit = references[1]
        let roles = training.roles
        let priced = roles.customsValue != nil
            && (roles.quantity != nil || roles.netWeight != nil || roles.grossWeight != nil)
        columns = !priced ? [] : [
            FamilyColumn(.unitValue, .unitValueLogRatio, "unit_value_log_ratio", FeatureGroup.unitValue),
            FamilyColumn(.unitValue, .unitValueRobustZ, "unit_value_robust_z", FeatureGroup.unitValue),
            FamilyColumn(.unitValue, .unitValueReferenceLevel, "unit_value_reference_level", FeatureGroup.unitValue),
        ]
    }
}

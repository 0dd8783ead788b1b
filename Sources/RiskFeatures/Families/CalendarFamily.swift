import RiskData

/// The declaration date: month, weekday, and trader tenure (days since the importer's first training
/// declaration; new "fly-by-night" importers are riskier).
struct CalendarFamily: FeatureFamily {
    /// First training date per importer code (`Int32.max` when none of its rows is dated); empty
    /// when the table has no importer.
    let importerFirstDate: [Int32]
    let columns: [FamilyColumn]

    init(fitting training: TrainingInput) {
        let importer = training.index(of: .importer)
        var firstDate = [Int32](repeating: .max, count: importer.map(training.vocabularyCount) ?? 0)
        if let importer, training.hasDate, let dates = training.table.dates {
            for (row, code) in training.codes[importer].enumerated() where code >= 0 {
                if let date = dates[row] { firstDate[Int(code)] = min(firstDate[Int(code)], date) }
            }
        }
        importerFirstDate = firstDate
        columns = !training.hasDate ? [] : [
            FamilyColumn(.calendar, .month, "month", FeatureGroup.date),
            FamilyColumn(.calendar, .weekday, "weekday", FeatureGroup.date),
        ] + (training.roles.importer == nil ? [] : [
            FamilyColumn(.calendar, .traderTenureDays, "trader_tenure_days", FeatureGroup.traderTenure,
                         linear: .standardized(.signedLogarithm)),
        ])
    }
}

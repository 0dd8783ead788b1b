import RiskData

/// Categorical codes: HS levels, countries, office and `categorical` columns as tree codes (frequent
/// levels keep a code, rare and unseen ones share "other"), one-hot levels for the linear model
/// (HS2 and `categorical` columns; the other keys reach it through their risk profiles), and
/// `route_differs`.
struct CodesFamily: FeatureFamily {
    /// Tree levels of every coded field, in the order of `columns` (`Slot.code(field:levels:)`).
    let levels: [CategoricalLevels]
    let columns: [FamilyColumn]

    init(fitting training: TrainingInput) {
        let configuration = training.configuration
        var levels: [CategoricalLevels] = []
        var columns: [FamilyColumn] = []
        func addCode(_ field: KeyField, block: ColumnBlock) {
            guard let index = training.index(of: field) else { return }
            let names = training.names(index)
            var counts = [Int](repeating: 0, count: names.count)
            for code in training.codes[index] where code >= 0 { counts[Int(code)] += 1 }
            let frequent = counts.indices.filter { counts[$0] >= configuration.rareLevelThreshold }
                .sorted { counts[$0] != counts[$1] ? counts[$0] > counts[$1] : names[$0] < names[$1] }
            let kept = frequent.prefix(configuration.maximumCategoricalLevels - 1)
            var levelOfCode = [Int32](repeating: Int32(kept.count), count: names.count)
            for (level, code) in kept.enumerated() { levelOfCode[code] = Int32(level) }
            levels.append(CategoricalLevels(levelOfCode: levelOfCode, names: kept.map { names[$0] } + ["other"]))
            let isOneHot = switch field {
            case .hs2, .categorical: true
            default: false
            }
            let oneHot = !isOneHot ? [] : frequent.prefix(configuration.maximumOneHotLevels).map { code in
                (plan: LinearColumnPlan.oneHot(field: index, code: Int32(code)),
                 column: FeatureColumn(name: "\(field.columnPrefix)=\(names[code])", group: field.group.name))
            }
            columns.append(FamilyColumn(block, .code(field: index, levels: levels.count - 1),
                                        "\(field.columnPrefix)_code", field.group,
                                        kind: .categorical(levelCount: kept.count + 1), linear: .columns(oneHot)))
        }
        for field in [KeyField.hs2, .hs4, .hs6, .origin, .departure, .office] { addCode(field, block: .keyCodes) }
        if training.index(of: .route) != nil {
            columns.append(FamilyColumn(.keyCodes, .routeDiffers, "route_differs", FeatureGroup.route))
        }
        for column in training.roles.categoricals { addCode(.categorical(column), block: .categoricalCodes) }
        self.levels = levels
        self.columns = columns
    }
}

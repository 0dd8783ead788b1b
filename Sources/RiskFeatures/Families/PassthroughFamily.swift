import RiskData

/// Declared numbers passed through: the AEO flag (1 when the trader is an Authorised Economic
/// Operator, 0 otherwise) and every `numeric` role column. Nothing is learned.
struct PassthroughFamily: FeatureFamily {
    let columns: [FamilyColumn]

    init(fitting training: TrainingInput) {
        let roles = training.roles
        columns = (roles.aeoFlag == nil ? [] : [FamilyColumn(.flags, .aeo, "aeo", FeatureGroup.aeo)])
            + roles.numerics.enumerated().map { index, column in
                FamilyColumn(.numerics, .numeric(column: index), column, FeatureGroup.numeric(column))
            }
    }
}

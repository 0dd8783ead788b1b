import RiskData

/// Declared amounts and their ratios: value, FOB, quantity, weight, taxes and the unit prices
/// (`RowAmounts` computes them per row). Nothing is learned: a column exists when the training table
/// has the roles it needs. The linear model takes sign·log1p of every one (money, mass, heavy tails).
struct AmountsFamily: FeatureFamily {
    let columns: [FamilyColumn]

    init(fitting training: TrainingInput) {
        let roles = training.roles
        let value = roles.customsValue != nil, fob = roles.fobValue != nil, quantity = roles.quantity != nil
        let weight = roles.netWeight != nil || roles.grossWeight != nil, taxes = roles.taxes != nil
        let candidates: [(Bool, Slot, String, FeatureGroup)] = [
            (value, .declaredValue, "declared_value", FeatureGroup.declaredValue),
            (fob, .fobValue, "fob_value", FeatureGroup.declaredValue),
            (fob && value, .fobCifRatio, "fob_cif_ratio", FeatureGroup.declaredValue),
            (quantity, .quantity, "quantity", FeatureGroup.quantity),
            (weight, .weightKilograms, "weight_kg", FeatureGroup.weight),
            (quantity && weight, .quantityPerKilogram, "quantity_per_kg", FeatureGroup.quantity),
            (taxes, .taxes, "taxes", FeatureGroup.tax),
            (taxes && value, .taxRatio, "tax_ratio", FeatureGroup.tax),
            (value && quantity, .unitValue, "unit_value", FeatureGroup.unitValue),
            (value && weight, .valuePerKilogram, "value_per_kg", FeatureGroup.unitValue),
        ]
        columns = candidates.compactMap { present, slot, name, group in
            present ? FamilyColumn(.amounts, slot, name, group, linear: .standardized(.signedLogarithm)) : nil
        }
    }
}

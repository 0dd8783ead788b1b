/// The ratios every row derives from its amounts (shared by the encoder and the reason facts).
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

import RiskFeatures

/// The evidence keys of earlier releases (a `[String: String]` of display texts), which the
/// readable oracles of the reason path read: `SentenceOracle` (RiskExplainTests) and
/// `EvidenceOracle` (RiskScoringTests).
public enum EvidenceKey {
    public static let hsCode = "hs_code"
    public static let origin = "origin"
    public static let departure = "departure"
    public static let declaredUnitValue = "declared_unit_value"
    public static let referenceUnitValue = "reference_unit_value"
    public static let unitValueRatio = "unit_value_ratio"
    public static let referenceLevel = "reference_level"
    public static let importer = "importer"
    public static let importerPastCount = "importer_past_count"
    public static let importerPastIllicit = "importer_past_illicit"
    public static let declarant = "declarant"
    public static let declarantPastCount = "declarant_past_count"
    public static let declarantPastIllicit = "declarant_past_illicit"
    public static let hsIllicitRate = "hs_illicit_rate"
    public static let originIllicitRate = "origin_illicit_rate"
    public static let routeIllicitRate = "route_illicit_rate"
    public static let office = "office"
    public static let officeIllicitRate = "office_illicit_rate"
    public static let traderTenureDays = "trader_tenure_days"
    public static let aeo = "aeo"
    public static let taxRatio = "tax_ratio"
    public static let declaredValue = "declared_value"

    public static let all = [
        hsCode, origin, departure, declaredUnitValue, referenceUnitValue, unitValueRatio, referenceLevel, importer,
        importerPastCount, importerPastIllicit, declarant, declarantPastCount, declarantPastIllicit, hsIllicitRate,
        originIllicitRate, routeIllicitRate, office, officeIllicitRate, traderTenureDays, aeo, taxRatio, declaredValue,
    ]

    /// The keys the sentence of `group` reads.
    public static func keys(of group: FeatureGroup) -> [String] {
        switch group {
        case .unitValue: [declaredUnitValue, referenceUnitValue, unitValueRatio, referenceLevel, hsCode, origin]
        case .importerHistory: [importer, importerPastCount, importerPastIllicit]
        case .declarantHistory: [declarant, declarantPastCount, declarantPastIllicit]
        case .hsCode: [hsCode, hsIllicitRate]
        case .origin: [origin, originIllicitRate]
        case .office: [office, officeIllicitRate]
        case .route: [departure, origin, routeIllicitRate]
        case .traderTenure: [traderTenureDays]
        case .tax: [taxRatio]
        case .declaredValue: [declaredValue]
        case .aeo: [aeo]
        case .entity(let column): [column]
        default: []
        }
    }
}

extension GroupFacts {
    /// The facts of `group` as the evidence of earlier releases displayed them (`EvidenceFormat`).
    package func evidence(for group: FeatureGroup) -> [String: String] {
        var evidence: [String: String] = [:]
        func set(_ key: String, _ value: String?) { if let value { evidence[key] = value } }
        switch group {
        case .unitValue:
            set(EvidenceKey.hsCode, hsText.map(EvidenceFormat.hsCode))
            set(EvidenceKey.origin, originText)
            if let unitValue {
                let unit = unitValue.perKilogram ? "per kg" : "per unit"
                set(EvidenceKey.declaredUnitValue, "\(EvidenceFormat.number(unitValue.declared)) \(unit)")
                if let reference = unitValue.reference {
                    set(EvidenceKey.referenceUnitValue, "\(EvidenceFormat.number(reference)) \(unit)")
                    set(EvidenceKey.unitValueRatio, EvidenceFormat.number(unitValue.declared / reference))
                }
                set(EvidenceKey.referenceLevel, unitValue.level?.title)
            }
        case .importerHistory, .declarantHistory:
            let importer = group == .importerHistory
            if let history {
                set(importer ? EvidenceKey.importer : EvidenceKey.declarant, history.id)
                set(importer ? EvidenceKey.importerPastCount : EvidenceKey.declarantPastCount,
                    EvidenceFormat.count(history.count))
                set(importer ? EvidenceKey.importerPastIllicit : EvidenceKey.declarantPastIllicit,
                    EvidenceFormat.count(history.illicit))
            }
        case .hsCode:
            set(EvidenceKey.hsCode, hsText.map(EvidenceFormat.hsCode))
            set(EvidenceKey.hsIllicitRate, rate.map(EvidenceFormat.percent))
        case .origin:
            set(EvidenceKey.origin, originText)
            set(EvidenceKey.originIllicitRate, rate.map(EvidenceFormat.percent))
        case .office:
            set(EvidenceKey.office, officeText)
            set(EvidenceKey.officeIllicitRate, rate.map(EvidenceFormat.percent))
        case .route:
            set(EvidenceKey.departure, departureText)
            set(EvidenceKey.origin, originText)
            set(EvidenceKey.routeIllicitRate, rate.map(EvidenceFormat.percent))
        case .traderTenure: set(EvidenceKey.traderTenureDays, tenureDays.map { String($0) })
        case .tax: set(EvidenceKey.taxRatio, amount.map(EvidenceFormat.number))
        case .declaredValue: set(EvidenceKey.declaredValue, amount.map(EvidenceFormat.number))
        case .aeo: set(EvidenceKey.aeo, aeo.map { $0 ? "yes" : "no" })
        case .entity(let column): set(column, entityFact)
        default: break
        }
        return evidence
    }
}

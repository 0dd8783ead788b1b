import RiskData
import RiskDeclarations

/// Which model family a feature matrix is for.
public enum FeatureMatrixKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Missing values kept as NaN, categorical fields as codes (`FeatureKind.categorical`).
    case trees
    /// No NaN or ±∞: log1p of money and mass, standardised, imputed with an indicator, one-hot levels.
    case linear
}

/// One output column of the trees matrix: how it is computed from a declaration.
package enum Slot: Sendable, Hashable, Codable {
    case declaredValue, fobValue, fobCifRatio, quantity, weightKilograms, quantityPerKilogram, taxes, taxRatio
    case unitValue, valuePerKilogram, unitValueLogRatio, unitValueRobustZ, unitValueReferenceLevel
    case routeDiffers, month, weekday, traderTenureDays, aeo
    /// Tree code of `keyFields[field]` through `categoricalLevels[levels]`.
    case code(field: Int, levels: Int)
    /// Smoothed illicit rate, mean revenue, or training declaration count of `profiledFields[profile]`.
    case rate(profile: Int)
    case meanRevenue(profile: Int)
    case count(profile: Int)
    /// The schema's `numeric` role column `roles.numerics[column]`, passed through.
    case numeric(column: Int)
}

/// The transform a linear column applies to its trees value before standardising (the family that
/// owns the column chooses it: `FamilyColumn.linear`).
package enum LinearTransform: Sendable, Hashable {
    /// x clamped to ±1e15.
    case identity
    /// sign(x)·log1p(|x|): money, mass, counts, heavy-tailed ratios.
    case signedLogarithm
    /// ln(p / (1 − p)) of a rate clamped to [1e-6, 1 − 1e-6]: risk profiles. A logistic model adds
    /// log-odds, so evidence from independent profiles combines the way naive Bayes would combine it.
    case logOdds
}

/// Tree codes of one categorical field: frequent levels keep a code, the rest share "other".
package struct CategoricalLevels: Sendable, Hashable, Codable {
    /// Tree level of each fitted code of the field.
    package var levelOfCode: [Int32]
    /// Names of the levels; the last is "other" (rare in training, or unseen).
    package var names: [String]
    package var otherLevel: Int32 { Int32(names.count - 1) }
}

/// One output column of the linear matrix.
package enum LinearColumnPlan: Sendable, Hashable, Codable {
    /// `clip((t(x) − mean) / scale, ±10)` of trees column `source`, where `t` is log1p or identity and
    /// a missing `x` takes `median` (of `t(x)` over training).
    case standardized(source: Int, logarithm: Bool, median: Double, mean: Double, scale: Double)
    /// `clip((logit(x) − mean) / scale, ±10)` of a rate column `source` (risk profiles); a missing `x`
    /// takes `median` (of `logit(x)` over training). Added in 0.2; older bundles keep `.standardized`.
    case standardizedLogOdds(source: Int, median: Double, mean: Double, scale: Double)
    /// 1 when trees column `source` is missing, else 0.
    case missingIndicator(source: Int)
    /// 1 when the row's fitted code of `keyFields[field]` is `code`, else 0.
    case oneHot(field: Int, code: Int32)
}

/// Everything `FeaturePipeline.fit` learned; applies the same transform to new declarations.
///
/// A declaration's features depend only on this value and the declaration itself, never on the
/// other rows of the batch, so scoring one declaration alone equals scoring it inside a file.
/// Immutable and `Sendable`: share one instance between threads.
public struct FittedFeaturePipeline: Sendable, Hashable, Codable {
    /// The configuration it was fitted with.
    public let configuration: FeaturePipelineConfiguration
    package let roles: RoleColumns
    package let hasDate: Bool
    package let hasRevenue: Bool
    package let keyFields: [KeyField]
    package let vocabularies: [String: Vocabulary]
    /// Route codes by packed (departure country code, origin country code).
    @SortedEncoding package internal(set) var routePairTable: [Int64: Int32]
    package var routePairs: [Int64: Int32] { routePairTable }
    package let profiledFields: [Int]
    package let profiles: [KeyProfile]
    /// Training illicit rate and mean revenue.
    package let prior: Double
    package let priorRevenue: Double
    package let referencePerKilogram: UnitValueReference
    package let referencePerUnit: UnitValueReference
    /// First training date per importer code (`Int32.max` when none of its rows is dated).
    package let importerFirstDate: [Int32]
    package let categoricalLevels: [CategoricalLevels]
    package let treeSlots: [Slot]
    package let treeSchema: FeatureSchema
    package internal(set) var linearPlan: [LinearColumnPlan]
    package internal(set) var linearSchema: FeatureSchema

    /// The columns of the matrix `transform(_:for:)` produces for `kind`.
    public func schema(for kind: FeatureMatrixKind) -> FeatureSchema {
        kind == .trees ? treeSchema : linearSchema
    }

    /// Index of `field` in `keyFields`, if present.
    package func fieldIndex(_ field: KeyField) -> Int? { keyFields.firstIndex(of: field) }

    /// Index of `field` in `profiledFields`, if profiled.
    package func profileIndex(_ field: KeyField) -> Int? {
        guard let f = fieldIndex(field) else { return nil }
        return profiledFields.firstIndex(of: f)
    }
}

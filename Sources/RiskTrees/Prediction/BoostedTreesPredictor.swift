import RiskData

/// A trained model compiled for fast scoring (`CompiledForest`): one row by the row walk (or the
/// symmetric tables), blocks of rows by the block walk.
///
/// Immutable and `Sendable`: share one predictor across threads. Per row, the raw score is
/// `baseScore` plus the trees' leaf values added in tree order, whichever path computes it.
public struct BoostedTreesPredictor: Sendable {
    /// The compiled layout (shared with TreeSHAP).
    package let forest: CompiledForest
    public var baseScore: Double { forest.baseScore }
    public let objective: ObjectiveKind
    public var featureCount: Int { forest.featureCount }

    /// Compiles `model` (valid by construction: see `BoostedTreesModel`).
    ///
    /// - Complexity: O(total nodes + category words).
    public init(model: BoostedTreesModel) {
        self.init(forest: CompiledForest(model: model), objective: model.objective)
    }

    /// A predictor over an already compiled forest.
    package init(forest: CompiledForest, objective: ObjectiveKind) {
        self.forest = forest
        self.objective = objective
    }

    /// The raw score (log-odds for `.logistic`) of one row of `featureCount` values. Allocation-free.
    ///
    /// - Precondition: `row.count >= featureCount`.
    /// - Complexity: O(trees × depth).
    public func rawScore(_ row: UnsafeBufferPointer<Float>) -> Double {
        precondition(row.count >= featureCount, "row has \(row.count) values; the model needs \(featureCount)")
        // An empty row (a model of no features) has a nil base: point at a value never read.
        return withUnsafePointer(to: Float.nan) { forest.rawScore(row: row.baseAddress ?? $0) }
    }

    /// The probability (logistic) or prediction (squared error) of one row. Allocation-free.
    public func prediction(_ row: UnsafeBufferPointer<Float>) -> Double {
        let raw = rawScore(row)
        return objective == .logistic ? 1 / (1 + _exponential(-raw)) : raw
    }
}

#if canImport(Glibc)
import Glibc
@usableFromInline func _exponential(_ x: Double) -> Double { Glibc.exp(x) }
@usableFromInline func _logarithmOnePlus(_ x: Double) -> Double { Glibc.log1p(x) }
@usableFromInline func _logarithm(_ x: Double) -> Double { Glibc.log(x) }
#else
import Foundation
@usableFromInline func _exponential(_ x: Double) -> Double { Foundation.exp(x) }
@usableFromInline func _logarithmOnePlus(_ x: Double) -> Double { Foundation.log1p(x) }
@usableFromInline func _logarithm(_ x: Double) -> Double { Foundation.log(x) }
#endif

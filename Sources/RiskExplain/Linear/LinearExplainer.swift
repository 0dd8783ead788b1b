import RiskData

/// Additive explanation of a linear model (logistic regression in log-odds).
///
/// `contribution_j = β_j · (x_j − reference_j)` and `baseValue = intercept + Σ β_j · reference_j`, so
/// `baseValue + Σ contributions = intercept + Σ β_j · x_j` (the raw score) exactly up to rounding.
/// With `reference` = the training means of the features, the base value is the raw score of the
/// average training declaration and this is the exact Shapley value of a linear model with
/// independent features (Lundberg & Lee 2017, "linear SHAP").
///
/// The linear feature pipeline never produces missing values (it imputes and adds indicators);
/// a NaN in a row gives a NaN contribution and raw score.
public struct LinearExplainer: Sendable, Hashable, Codable {
    /// Model intercept (log-odds).
    public let intercept: Double
    /// One coefficient per feature.
    public let coefficients: [Double]
    /// One reference value per feature, usually the training mean.
    public let reference: [Double]
    /// `intercept + Σ β_j · reference_j`.
    public let baseValue: Double

    /// Number of features.
    public var featureCount: Int { coefficients.count }

    /// Creates an explainer for `raw = intercept + Σ coefficients_j · x_j`.
    ///
    /// - Parameters:
    ///   - intercept: Finite intercept.
    ///   - coefficients: Finite coefficients, one per feature.
    ///   - reference: Finite reference values (training means), one per feature.
    /// - Throws: `RiskExplainError` `.shapeMismatch` when the counts differ, `.invalidValue` when a
    ///   number is not finite.
    /// - Complexity: O(features).
    public init(intercept: Double, coefficients: [Double], reference: [Double]) throws {
        guard coefficients.count == reference.count else {
            throw RiskExplainError(.shapeMismatch, "LinearExplainer: \(coefficients.count) coefficients but "
                                   + "\(reference.count) reference values; expected one reference value per "
                                   + "coefficient (the training mean of each feature).")
        }
        guard intercept.isFinite else {
            throw RiskExplainError(.invalidValue, "LinearExplainer: intercept is \(intercept); expected a finite "
                                   + "number. Refit the model.")
        }
        for (name, values) in [("coefficient", coefficients), ("reference value", reference)] {
            if let j = values.firstIndex(where: { !$0.isFinite }) {
                throw RiskExplainError(.invalidValue, "LinearExplainer: \(name) \(j) is \(values[j]); expected a "
                                       + "finite number. Refit the model or recompute the training means.")
            }
        }
        self.intercept = intercept
        self.coefficients = coefficients
        self.reference = reference
        var base = intercept
        for j in coefficients.indices { base += coefficients[j] * reference[j] }
        self.baseValue = base
    }

    /// Mean of every column of `matrix`, skipping NaN (0 for a column with no value): the usual `reference`.
    ///
    /// - Complexity: O(rows × columns).
    public static func columnMeans(of matrix: FeatureMatrix) -> [Double] {
        (0..<matrix.columnCount).map { c in
            matrix.withUnsafeColumn(c) { column in
                var sum = 0.0, count = 0
                for x in column where !x.isNaN {
                    sum += Double(x)
                    count += 1
                }
                return count == 0 ? 0 : sum / Double(count)
            }
        }
    }

    /// Writes `β_j · (x_j − reference_j)` into `contributions` and returns the base value. Allocation-free.
    ///
    /// - Precondition: both buffers hold at least `featureCount` elements.
    /// - Complexity: O(features).
    public func explain(_ row: UnsafeBufferPointer<Float>, into contributions: UnsafeMutableBufferPointer<Double>)
        -> Double {
        precondition(row.count >= featureCount, "row has \(row.count) values; expected \(featureCount)")
        precondition(contributions.count >= featureCount,
                     "contributions has room for \(contributions.count) values; expected \(featureCount)")
        coefficients.withUnsafeBufferPointer { beta in
            reference.withUnsafeBufferPointer { ref in
                for j in 0..<beta.count { contributions[j] = beta[j] * (Double(row[j]) - ref[j]) }
            }
        }
        return baseValue
    }

    /// The raw score `intercept + Σ β_j · x_j`.
    public func rawScore(_ row: UnsafeBufferPointer<Float>) -> Double {
        precondition(row.count >= featureCount, "row has \(row.count) values; expected \(featureCount)")
        var score = intercept
        for j in 0..<featureCount { score += coefficients[j] * Double(row[j]) }
        return score
    }

    /// The explanation of one row.
    ///
    /// - Precondition: `row.count == featureCount`.
    public func explain(_ row: [Float]) -> Explanation {
        precondition(row.count == featureCount, "row has \(row.count) values; expected \(featureCount)")
        var contributions = [Double](repeating: 0, count: featureCount)
        let raw = row.withUnsafeBufferPointer { r in
            contributions.withUnsafeMutableBufferPointer { _ = explain(r, into: $0) }
            return rawScore(r)
        }
        return Explanation(baseValue: baseValue, contributions: contributions, rawScore: raw)
    }

    /// Contributions of every row of `matrix` (row-major), on up to `threadCount` threads; the
    /// result does not depend on `threadCount`.
    ///
    /// - Throws: `RiskExplainError` `.shapeMismatch` when the column count differs from `featureCount`.
    /// - Complexity: O(rows × features).
    public func contributions(for matrix: FeatureMatrix, threadCount: Int = ParallelLoop.processorCount) throws
        -> ContributionMatrix {
        guard matrix.columnCount == featureCount else {
            throw RiskExplainError(.shapeMismatch, "The feature matrix has \(matrix.columnCount) columns; the model "
                                   + "expects \(featureCount). Build the matrix with the model's feature pipeline.")
        }
        let rowCount = matrix.rowCount, featureCount = self.featureCount
        var contributions = [Double](repeating: 0, count: rowCount * featureCount)
        var rawScores = [Double](repeating: intercept, count: rowCount)
        matrix.withUnsafeValues { values in
            contributions.withUnsafeMutableBufferPointer { out in
                rawScores.withUnsafeMutableBufferPointer { raw in
                    coefficients.withUnsafeBufferPointer { beta in
                        reference.withUnsafeBufferPointer { ref in
                            ParallelLoop.forEachChunk(count: rowCount, threadCount: threadCount, minimumChunk: 256) { _, range in
                                for r in range {
                                    var score = intercept
                                    for j in 0..<featureCount {
                                        let x = Double(values[j &* rowCount &+ r])
                                        out[r &* featureCount &+ j] = beta[j] * (x - ref[j])
                                        score += beta[j] * x
                                    }
                                    raw[r] = score
                                }
                            }
                        }
                    }
                }
            }
        }
        return ContributionMatrix(rowCount: rowCount, featureCount: featureCount, baseValue: baseValue,
                                  contributions: contributions, rawScores: rawScores)
    }
}

import RiskData
import RiskLinearAlgebra

/// A fitted binary logistic regression: `P(y = 1 | x) = σ(intercept + Σⱼ coefficients[j]·x[j])`.
///
/// Coefficients are on the original (unstandardised) feature scale, so a model trained with
/// `standardize = true` scores raw feature rows directly. Immutable and `Sendable`: share one
/// instance across threads.
public struct LogisticModel: Sendable, Codable, Hashable {
    /// The log-odds at the origin of the original feature space.
    public var intercept: Double
    /// One coefficient per feature column, original scale (0 for a column that was constant in training).
    public var coefficients: [Double]
    /// Mean of each column over the training rows (unweighted): the reference point of linear
    /// explanations (`coefficients[j] · (x[j] − featureMeans[j])`).
    public var featureMeans: [Double]
    /// The columns the model was trained on, in order.
    public var featureSchema: FeatureSchema

    /// Creates a model from its parts.
    ///
    /// - Throws: `RiskLinearError` `.shapeMismatch` when the arrays differ from the schema in length,
    ///   `.invalidValue` when a number is not finite.
    public init(intercept: Double, coefficients: [Double], featureMeans: [Double], featureSchema: FeatureSchema) throws {
        let columns = featureSchema.columns.count
        guard coefficients.count == columns, featureMeans.count == columns else {
            throw RiskLinearError(
                .shapeMismatch,
                "LogisticModel has \(coefficients.count) coefficients and \(featureMeans.count) feature means "
                    + "for a schema of \(columns) columns; expected one of each per column.")
        }
        if !intercept.isFinite { throw RiskLinearError(.invalidValue, "LogisticModel intercept is \(intercept); expected a finite number.") }
        if let j = coefficients.firstIndex(where: { !$0.isFinite }) {
            throw RiskLinearError(.invalidValue, "LogisticModel coefficient of column \"\(featureSchema.columns[j].name)\" is "
                                  + "\(coefficients[j]); expected a finite number.")
        }
        self.intercept = intercept
        self.coefficients = coefficients
        self.featureMeans = featureMeans
        self.featureSchema = featureSchema
    }

    /// The log-odds of one row: `intercept + Σⱼ coefficients[j]·row[j]`.
    ///
    /// - Parameter row: One value per column, in schema order (must hold `coefficients.count` values:
    ///   a shorter buffer is a programming error and traps).
    /// - Returns: The raw score; NaN if the row holds NaN (impute first).
    /// - Complexity: O(columns), allocation-free.
    @inlinable
    public func rawScore(_ row: UnsafeBufferPointer<Float>) -> Double {
        precondition(row.count == coefficients.count,
                     "rawScore: the row has \(row.count) values; the model has \(coefficients.count) columns.")
        return coefficients.withUnsafeBufferPointer { beta in
            var sum = intercept
            for j in 0..<beta.count { sum += beta[j] * Double(row[j]) }
            return sum
        }
    }

    /// The probability of class 1 for one row: `σ(rawScore(row))`. - Complexity: O(columns).
    @inlinable
    public func probability(_ row: UnsafeBufferPointer<Float>) -> Double {
        LogisticMath.sigmoid(rawScore(row))
    }

    /// The log-odds of every row of `matrix`: for each row, `intercept + Σⱼ coefficients[j]·x[j]`
    /// added in column order, exactly as `rawScore(_:)` adds them.
    ///
    /// Every row's score is the same sequence of IEEE-754 multiplications and additions whatever
    /// the CPU, the BLAS kernel, the thread count or the batch the row arrives in, so scoring one
    /// declaration, a batch and a segmented file give bit-identical log-odds by construction. BLAS
    /// stays in training, where its speed matters and its kernel-dependent rounding is covered by
    /// documented tolerances (Docs/Testing.md); a dot product per row is cheap next to the rest of
    /// scoring.
    ///
    /// - Throws: `RiskLinearError` `.shapeMismatch` when the matrix's column names differ from the
    ///   model's schema, `.invalidValue` naming the first row and column holding NaN or ±∞.
    /// - Complexity: O(rows × columns); allocates only the result.
    public func rawScores(_ matrix: FeatureMatrix) throws -> [Double] {
        guard matrix.schema.names == featureSchema.names else {
            throw RiskLinearError(
                .shapeMismatch,
                "feature matrix has columns \(Self.describe(matrix.schema.names)); the model was trained on "
                    + "\(Self.describe(featureSchema.names)). Transform the data with the pipeline the model was trained with.")
        }
        try DesignMatrix.checkFinite(matrix)
        let rows = matrix.rowCount, columns = matrix.columnCount
        var scores = [Double](repeating: intercept, count: rows)
        guard rows > 0, columns > 0 else { return scores }
        // Column by column over the column-major values: row i receives intercept + β₀x₀ + β₁x₁ + …
        // in that order (the loop over rows vectorises across rows, never within one row's sum).
        matrix.withUnsafeValues { x in
            coefficients.withUnsafeBufferPointer { beta in
                scores.withUnsafeMutableBufferPointer { out in
                    for j in 0..<columns {
                        let coefficient = beta[j], column = j &* rows
                        for i in 0..<rows { out[i] += coefficient * Double(x[column &+ i]) }
                    }
                }
            }
        }
        return scores
    }

    /// The probability of class 1 for every row of `matrix`. - Throws: as `rawScores(_:)`.
    public func probabilities(_ matrix: FeatureMatrix) throws -> [Double] {
        try rawScores(matrix).map(LogisticMath.sigmoid)
    }

    private static func describe(_ names: [String]) -> String {
        names.count <= 6 ? "[\(names.joined(separator: ", "))]"
            : "[\(names.prefix(3).joined(separator: ", ")), … \(names.count - 3) more]"
    }
}

/// Numerically stable logistic functions.
public enum LogisticMath {
    /// σ(η) = 1 / (1 + e^−η), without overflow for any finite η.
    @inlinable
    public static func sigmoid(_ eta: Double) -> Double {
        if eta >= 0 { return 1 / (1 + exp(-eta)) }
        let e = exp(eta)
        return e / (1 + e)
    }

    /// softplus(η) = log(1 + e^η), exact for large |η|.
    @inlinable
    public static func softplus(_ eta: Double) -> Double {
        eta > 0 ? eta + log1p(exp(-eta)) : log1p(exp(eta))
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

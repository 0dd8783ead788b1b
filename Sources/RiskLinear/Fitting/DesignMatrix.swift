import RiskData
import RiskLinearAlgebra

/// The working design matrix of a fit: the non-constant columns, converted to `Double`, centred
/// (when there is an intercept) and divided by their standard deviation (when standardising).
///
/// Centring is an exact reparametrisation when the intercept is free and unpenalised (β is
/// unchanged, only the intercept moves), and it makes the Hessian far better conditioned, so it
/// is done even with `standardize = false`. Constant columns are dropped: their coefficient is 0 at
/// the optimum of any penalised fit (the free intercept absorbs them at no penalty cost).
struct DesignMatrix {
    /// Rows per block in row loops: fixed, so block-ordered sums do not depend on the thread count.
    static let blockRows = 4096

    /// `rows × activeColumns.count`, column-major.
    var values: Matrix
    /// Original column index of each working column.
    var activeColumns: [Int]
    /// Subtracted from each working column (its mean, or 0 without an intercept).
    var centers: [Double]
    /// Each working column is divided by this (its standard deviation, or 1).
    var scales: [Double]
    /// Mean of every original column.
    var means: [Double]
    /// Original index and value of every constant column.
    var constantColumns: [(column: Int, value: Float)]

    init(_ features: FeatureMatrix, standardize: Bool, center: Bool) throws {
        try Self.checkFinite(features)
        let rows = features.rowCount, columns = features.columnCount
        var means = [Double](repeating: 0, count: columns)
        var deviations = [Double](repeating: 0, count: columns)
        var constant = [(column: Int, value: Float)]()
        features.withUnsafeValues { x in
            for j in 0..<columns {
                let column = UnsafeBufferPointer(rebasing: x[(j * rows)..<((j + 1) * rows)])
                var sum = 0.0
                var isConstant = true
                let first = column.first ?? 0
                for v in column {
                    sum += Double(v)
                    if v != first { isConstant = false }
                }
                let mean = rows > 0 ? sum / Double(rows) : 0
                var squares = 0.0
                for v in column { let d = Double(v) - mean; squares += d * d }
                means[j] = mean
                deviations[j] = rows > 0 ? (squares / Double(rows)).squareRoot() : 0
                if isConstant { constant.append((j, first)) }
            }
        }
        let constantSet = Set(constant.map(\.column))
        let active = (0..<columns).filter { !constantSet.contains($0) }
        var values = try Matrix(rows: rows, columns: active.count)
        let centers = active.map { center ? means[$0] : 0 }
        let scales = active.map { standardize ? deviations[$0] : 1 }
        features.withUnsafeValues { x in
            values.withUnsafeMutableBufferPointer { z in
                for (k, j) in active.enumerated() {
                    let c = centers[k], inverse = 1 / scales[k]
                    let source = j * rows, target = k * rows
                    for i in 0..<rows { z[target + i] = (Double(x[source + i]) - c) * inverse }
                }
            }
        }
        self.values = values
        self.activeColumns = active
        self.centers = centers
        self.scales = scales
        self.means = means
        self.constantColumns = constant
    }

    /// Throws naming the first row (then column) holding NaN or ±∞.
    static func checkFinite(_ features: FeatureMatrix) throws {
        let rows = features.rowCount
        var worst: (row: Int, column: Int, value: Float)?
        features.withUnsafeValues { x in
            for j in 0..<features.columnCount {
                let limit = worst?.row ?? rows
                for i in 0..<limit where !x[j * rows + i].isFinite {
                    worst = (i, j, x[j * rows + i])
                    break
                }
            }
        }
        if let worst {
            throw RiskLinearError(
                .invalidValue,
                "feature matrix row \(worst.row), column \"\(features.schema.columns[worst.column].name)\" is "
                    + "\(worst.value); logistic regression needs finite features. Impute missing values first "
                    + "(the linear feature pipeline does, adding a missing-value indicator column).")
        }
    }
}

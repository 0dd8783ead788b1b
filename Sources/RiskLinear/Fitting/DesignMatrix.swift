import RiskData
import RiskLinearAlgebra

/// The working design matrix of a fit: the non-constant columns, converted to `Double`, centred
/// (when there is an intercept) and divided by their standard deviation (when standardising).
///
/// It is never materialised: `fillPanel` converts one block of rows at a time from the `Float`
/// features into a small `Double` panel that stays in cache while the objective uses it, so a fit
/// reads the 4-byte features once per pass and allocates no `rows × columns` copy. Every entry is
/// `(Double(x) − center) · (1 / scale)`, the same value in every pass.
///
/// Centring is an exact reparametrisation when the intercept is free and unpenalised (β is
/// unchanged, only the intercept moves), and it makes the Hessian far better conditioned, so it
/// is done even with `standardize = false`. Constant columns are dropped: their coefficient is 0 at
/// the optimum of any penalised fit (the free intercept absorbs them at no penalty cost).
struct DesignMatrix {
    /// Rows per block in row loops: fixed, so block-ordered sums do not depend on the thread count.
    static let blockRows = 4096

    let rows: Int
    /// The original features, column-major `rows × columnCount` (shared storage, not copied).
    let features: [Float]
    /// Original column index of each working column.
    let activeColumns: [Int]
    /// Subtracted from each working column (its mean, or 0 without an intercept).
    let centers: [Double]
    /// Each working column is divided by this (its standard deviation, or 1).
    let scales: [Double]
    /// `1 / scales[k]`: the factor `fillPanel` multiplies by.
    let inverseScales: [Double]
    /// Mean of every original column.
    let means: [Double]
    /// Original index and value of every constant column.
    let constantColumns: [(column: Int, value: Float)]

    /// The number of working columns.
    var columns: Int { activeColumns.count }

    /// Reads the column statistics (one pass over the features, a second one only when
    /// standardising; `ColumnStatistics`), on up to `threadCount` threads — one column per task, so
    /// each statistic is the same whatever the thread count.
    ///
    /// - Throws: `RiskLinearError.invalidValue` naming the first row (then column) holding NaN or ±∞.
    init(_ matrix: FeatureMatrix, standardize: Bool, center: Bool, threadCount: Int = 1) throws {
        let rows = matrix.rowCount, columns = matrix.columnCount
        var means = [Double](repeating: 0, count: columns)
        var deviations = [Double](repeating: 0, count: columns)
        var isConstant = [Bool](repeating: false, count: columns)
        var firstNonFinite = [Int](repeating: rows, count: columns)
        matrix.withUnsafeValues { x in
            means.withUnsafeMutableBufferPointer { means in
                deviations.withUnsafeMutableBufferPointer { deviations in
                    isConstant.withUnsafeMutableBufferPointer { isConstant in
                        firstNonFinite.withUnsafeMutableBufferPointer { firstNonFinite in
                            ParallelLoop.forEach(count: columns, threadCount: threadCount) { j in
                                let column = UnsafeBufferPointer(rebasing: x[(j * rows)..<((j + 1) * rows)])
                                let summary = ColumnStatistics.summarise(column)
                                guard summary.sum.isFinite else {   // find the first NaN or ±∞
                                    firstNonFinite[j] = column.firstIndex { !$0.isFinite } ?? rows
                                    return
                                }
                                let mean = rows > 0 ? summary.sum / Double(rows) : 0
                                means[j] = mean
                                isConstant[j] = summary.lowest == summary.highest
                                guard standardize else { return }
                                let squares = ColumnStatistics.sumOfSquaredDeviations(column, mean: mean)
                                deviations[j] = rows > 0 ? (squares / Double(rows)).squareRoot() : 0
                            }
                        }
                    }
                }
            }
        }
        if let worst = (0..<columns).filter({ firstNonFinite[$0] < rows }).min(by: { firstNonFinite[$0] < firstNonFinite[$1] }) {
            throw Self.nonFiniteError(matrix, row: firstNonFinite[worst], column: worst)
        }
        let constant = (0..<columns).filter { isConstant[$0] }.map { (column: $0, value: matrix.values[$0 * rows]) }
        let active = (0..<columns).filter { !isConstant[$0] }
        self.rows = rows
        self.features = matrix.values
        self.activeColumns = active
        self.centers = active.map { center ? means[$0] : 0 }
        self.scales = active.map { standardize ? deviations[$0] : 1 }
        self.inverseScales = scales.map { 1 / $0 }
        self.means = means
        self.constantColumns = constant
    }

    /// Writes working rows `start ..< start + count` into the column-major `panel`
    /// (`count × columns`, leading dimension `leadingDimension`), each row multiplied by
    /// `rowScale[i]` when given: `panel[k·ld + i] = rowScale[i] · ((Double(x) − centers[k]) · inverseScales[k])`.
    /// `x` is the features' column-major storage with `rows` rows.
    ///
    /// - Complexity: O(count × columns); allocates nothing.
    @inline(__always)
    static func fillPanel(_ x: UnsafePointer<Float>, rows: Int, columns: Int, activeColumns: UnsafePointer<Int>,
                          centers: UnsafePointer<Double>, inverseScales: UnsafePointer<Double>,
                          start: Int, count: Int, rowScale: UnsafePointer<Double>?,
                          into panel: UnsafeMutablePointer<Double>, leadingDimension: Int) {
        for k in 0..<columns {
            let source = x + activeColumns[k] * rows + start
            let target = panel + k * leadingDimension
            let c = centers[k], inverse = inverseScales[k]
            if let rowScale {
                for i in 0..<count { target[i] = rowScale[i] * ((Double(source[i]) - c) * inverse) }
            } else {
                for i in 0..<count { target[i] = (Double(source[i]) - c) * inverse }
            }
        }
    }

    /// Throws naming the first row (then column) holding NaN or ±∞.
    static func checkFinite(_ features: FeatureMatrix) throws {
        let rows = features.rowCount
        var worst: (row: Int, column: Int)?
        features.withUnsafeValues { x in
            for j in 0..<features.columnCount {
                let limit = worst?.row ?? rows
                for i in 0..<limit where !x[j * rows + i].isFinite {
                    worst = (i, j)
                    break
                }
            }
        }
        if let worst { throw nonFiniteError(features, row: worst.row, column: worst.column) }
    }

    private static func nonFiniteError(_ features: FeatureMatrix, row: Int, column: Int) -> RiskLinearError {
        RiskLinearError(
            .invalidValue,
            "feature matrix row \(row), column \"\(features.schema.columns[column].name)\" is "
                + "\(features.values[column * features.rowCount + row]); logistic regression needs finite features. "
                + "Impute missing values first (the linear feature pipeline does, adding a missing-value indicator column).")
    }
}

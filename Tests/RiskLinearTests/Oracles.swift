import RiskData
@testable import RiskLinear

/// Naive twins of the fit's kernels, on the original feature scale.
enum NaiveLogistic {
    /// Gradient of Σ wᵢ·logloss + ½·l2·‖β‖² with respect to (β, intercept), by plain loops.
    static func gradient(model: LogisticModel, dataset: Dataset, l2: Double, positiveClassWeight: Double = 1)
        -> (coefficients: [Double], intercept: Double, totalWeight: Double) {
        let columns = dataset.features.columnCount
        var g = [Double](repeating: 0, count: columns)
        var gIntercept = 0.0, total = 0.0
        for i in 0..<dataset.rowCount {
            var eta = model.intercept
            for j in 0..<columns { eta += model.coefficients[j] * Double(dataset.features[i, j]) }
            let p = 1 / (1 + exp(-eta))
            let y = Double(dataset.labels[i]), w = Double(dataset.weights?[i] ?? 1)
            let a = w * (y * positiveClassWeight + 1 - y), b = w * y * positiveClassWeight
            let r = a * p - b
            for j in 0..<columns { g[j] += r * Double(dataset.features[i, j]) }
            gIntercept += r
            total += a
        }
        for j in 0..<columns { g[j] += l2 * model.coefficients[j] }
        return (g, gIntercept, total)
    }

    static func rawScore(model: LogisticModel, features: FeatureMatrix, row: Int) -> Double {
        var eta = model.intercept
        for j in 0..<features.columnCount { eta += model.coefficients[j] * Double(features[row, j]) }
        return eta
    }
}

#if canImport(Glibc)
import Glibc
#endif

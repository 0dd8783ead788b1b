import RiskData

/// Small seeded data sets with a planted signal, for model tests.
public enum SyntheticClassification {
    /// `rowCount × featureCount` standard-normal features; label ~ Bernoulli(sigmoid(Σ w·x + b))
    /// with weights `w_j = (j % 3 == 0 ? 1 : -0.5) / (1 + j/4)`; a fraction `missingRate` of
    /// values set to NaN (after the label is drawn).
    public static func make(rowCount: Int, featureCount: Int, seed: UInt64, intercept: Double = -1.5,
                            missingRate: Double = 0) -> Dataset {
        var generator = SeededGenerator(seed: seed)
        var values = [Float](repeating: 0, count: rowCount * featureCount)
        var labels = [Float](repeating: 0, count: rowCount)
        for r in 0..<rowCount {
            var z = intercept
            for c in 0..<featureCount {
                let x = generator.nextGaussian()
                values[c * rowCount + r] = Float(x)
                z += (c % 3 == 0 ? 1.0 : -0.5) / (1 + Double(c) / 4) * x
            }
            let p = 1 / (1 + _exp(-z))
            labels[r] = generator.nextUnit() < p ? 1 : 0
        }
        if missingRate > 0 {
            for i in values.indices where generator.nextUnit() < missingRate { values[i] = .nan }
        }
        let matrix = try! FeatureMatrix(rowCount: rowCount, schema: .numeric(count: featureCount), values: values)
        return try! Dataset(features: matrix, labels: labels)
    }
}

/// `|a − b| <= absolute + relative·max(|a|, |b|)`.
public func isClose(_ a: Double, _ b: Double, relative: Double = 1e-9, absolute: Double = 1e-12) -> Bool {
    if a == b { return true }
    return abs(a - b) <= absolute + relative * max(abs(a), abs(b))
}

#if canImport(Glibc)
import Glibc
func _exp(_ x: Double) -> Double { Glibc.exp(x) }
#endif

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Platt scaling: `probability = σ(slope · score + intercept)`, a logistic fit of the labels on one
/// raw score (usually a model's log-odds).
///
/// Fitted by Newton's method on the weighted binary cross-entropy, following the stable algorithm of
/// Lin, Lin & Weng, "A note on Platt's probabilistic outputs for support vector machines" (2007):
/// the score is standardised, each step solves the 2 × 2 Newton system (with a tiny ridge), and a
/// backtracking line search guarantees the loss never rises.
///
/// Two target choices (``Targets``):
/// - `.smoothed` (default, Platt 1999 §2.2): positives aim at `(N₊ + 1)/(N₊ + 2)` and negatives at
///   `1/(N₋ + 2)` (`N±` are weighted class totals). This is what scikit-learn's
///   `CalibratedClassifierCV(method="sigmoid")` fits, and it keeps the slope finite on separable data.
/// - `.plain`: targets are the labels, the maximum-likelihood fit of scikit-learn's
///   `LogisticRegression(penalty=None)` on the 1-D score. On perfectly separated scores the slope
///   grows until the iteration limit (the fit is then a steep step, flagged by `converged == false`).
public struct PlattCalibrator: Sendable, Hashable, Codable {
    /// How the fit treats the labels.
    public enum Targets: String, Sendable, Hashable, Codable {
        /// Platt's smoothed targets (see the type's documentation).
        case smoothed
        /// The labels themselves (plain maximum likelihood).
        case plain
    }

    /// The multiplier of the score in the logit.
    public var slope: Double
    /// The logit at score 0.
    public var intercept: Double
    /// The targets the fit used.
    public var targets: Targets
    /// Whether Newton's method met its tolerance (gradient below `1e-10 × Σ weights`, or no further
    /// decrease possible) within ``maximumIterations``. Not encoded; `true` after decoding.
    public private(set) var converged: Bool = true

    /// The iteration limit of ``fit(rawScores:labels:weights:targets:)``.
    public static let maximumIterations = 100

    enum CodingKeys: String, CodingKey { case slope, intercept, targets }

    /// Creates a calibrator from known coefficients.
    public init(slope: Double, intercept: Double, targets: Targets = .smoothed) {
        self.slope = slope
        self.intercept = intercept
        self.targets = targets
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        slope = try container.decode(Double.self, forKey: .slope)
        intercept = try container.decode(Double.self, forKey: .intercept)
        targets = try container.decodeIfPresent(Targets.self, forKey: .targets) ?? .smoothed
        guard slope.isFinite, intercept.isFinite else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription:
                "Platt calibration has slope \(slope) and intercept \(intercept); both must be finite numbers."))
        }
    }

    /// Returns the calibrated probability `σ(slope · score + intercept)`, computed without overflow
    /// and kept strictly inside (0, 1): where σ rounds to 0 or 1 (|argument| ≳ 37 or 745), the
    /// nearest representable probability inside is returned, so no declaration is ever certain and
    /// the order of the raw scores breaks the remaining ties. NaN in gives NaN out.
    @inlinable
    public func calibrate(_ score: Double) -> Double {
        strictlyInsideUnitInterval(plattSigmoid(slope * score + intercept))
    }

    /// Fits Platt scaling of `rawScores` to `labels`.
    ///
    /// - Parameters:
    ///   - rawScores: One finite score per example (usually log-odds from validation data).
    ///   - labels: `1` (or any value > 0.5) for a positive, else `0`.
    ///   - weights: Optional finite, non-negative weights, one per example.
    ///   - targets: `.smoothed` (Platt's, the default) or `.plain` (see the type's documentation).
    /// - Returns: The fitted calibrator; a constant score gives slope 0 and the intercept of the
    ///   (target) base rate.
    /// - Throws: `MetricError` `.lengthMismatch`, `.empty`, `.nonFiniteScore`, `.invalidWeight`,
    ///   `.singleClass` when the labels (by weight) hold one class.
    /// - Complexity: O(*n*) per iteration, at most ``maximumIterations`` iterations.
    public static func fit(rawScores: [Double], labels: [Float], weights: [Float]? = nil,
                           targets: Targets = .smoothed) throws -> PlattCalibrator {
        try MetricInput.check(scores: rawScores, labels: labels, weights: weights, scoreName: "rawScores",
                              itemName: "raw score")
        let n = rawScores.count
        var positive = 0.0, negative = 0.0, sum = 0.0
        for i in 0..<n {
            let w = MetricInput.weight(weights, i)
            if labels[i] > 0.5 { positive += w } else { negative += w }
            sum += w * rawScores[i]
        }
        try requireBothClasses(positive: positive, negative: negative, metric: "Platt calibration")
        let total = positive + negative
        let positiveTarget = targets == .smoothed ? (positive + 1) / (positive + 2) : 1
        let negativeTarget = targets == .smoothed ? 1 / (negative + 2) : 0
        let target = (0..<n).map { labels[$0] > 0.5 ? positiveTarget : negativeTarget }
        let weight = (0..<n).map { MetricInput.weight(weights, $0) }

        // Standardise the score: z = (s − mean) / deviation.
        let mean = sum / total
        var variance = 0.0
        for i in 0..<n { variance += weight[i] * (rawScores[i] - mean) * (rawScores[i] - mean) }
        let deviation = (variance / total).squareRoot()
        guard deviation > 0 else {
            let rate = (positive * positiveTarget + negative * negativeTarget) / total
            return PlattCalibrator(slope: 0, intercept: log(rate) - log1p(-rate), targets: targets)
        }
        let z = rawScores.map { ($0 - mean) / deviation }

        func loss(_ a: Double, _ b: Double) -> Double {
            var l = 0.0
            for i in 0..<n {
                let f = a * z[i] + b
                // Cross-entropy with logit f and soft target t: softplus(f) − t·f.
                l += weight[i] * (max(f, 0) + log1p(exp(-abs(f))) - target[i] * f)
            }
            return l
        }

        var a = 0.0
        var b = log((positive + 1) / (negative + 1))
        var current = loss(a, b)
        var converged = false
        for _ in 0..<maximumIterations {
            var ga = 0.0, gb = 0.0, haa = 0.0, hab = 0.0, hbb = 0.0
            for i in 0..<n {
                let p = plattSigmoid(a * z[i] + b)
                let r = weight[i] * (p - target[i])
                let h = weight[i] * p * (1 - p)
                ga += r * z[i]; gb += r
                haa += h * z[i] * z[i]; hab += h * z[i]; hbb += h
            }
            if max(abs(ga), abs(gb)) <= 1e-10 * total { converged = true; break }
            let ridge = 1e-12 * max(1, haa + hbb)
            haa += ridge; hbb += ridge
            let determinant = haa * hbb - hab * hab
            let da = -(hbb * ga - hab * gb) / determinant
            let db = -(haa * gb - hab * ga) / determinant
            let slopeAlongStep = ga * da + gb * db
            var step = 1.0
            var accepted = false
            while step >= 1e-10 {
                let candidate = loss(a + step * da, b + step * db)
                if candidate <= current + 1e-4 * step * slopeAlongStep {
                    a += step * da; b += step * db
                    let decrease = current - candidate
                    current = candidate
                    accepted = true
                    if decrease <= 1e-15 * max(1, abs(current)) { converged = true }
                    break
                }
                step /= 2
            }
            // No step lowers the loss: we are at the minimum to working precision.
            if !accepted { converged = true }
            if converged { break }
        }
        var result = PlattCalibrator(slope: a / deviation, intercept: b - a * mean / deviation, targets: targets)
        result.converged = converged
        return result
    }
}

/// The logistic function, without overflow for large `|x|`.
@inlinable
func plattSigmoid(_ x: Double) -> Double {
    if x >= 0 { return 1 / (1 + exp(-x)) }
    let e = exp(x)
    return e / (1 + e)
}

/// `p` moved inside (0, 1): 0 becomes the smallest positive `Double`, 1 the largest `Double` below
/// 1 (1 − 2⁻⁵³); every other value, NaN included, is returned unchanged.
@usableFromInline
func strictlyInsideUnitInterval(_ p: Double) -> Double {
    if p <= 0 { return .leastNonzeroMagnitude }
    if p >= 1 { return 1 - 0x1p-53 }
    return p
}

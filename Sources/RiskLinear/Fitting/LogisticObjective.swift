import RiskData
import RiskLinearAlgebra

/// The smooth part of the objective, `Σᵢ wᵢ·logloss + ½·l2·‖β‖²`, its gradient and Hessian, on the
/// working design matrix. Parameters θ = (β₀ … β_{q−1}, intercept) — the intercept last, when fitted.
///
/// With `aᵢ = wᵢ·(yᵢ·k + 1 − yᵢ)` and `bᵢ = wᵢ·yᵢ·k` (k = positive-class weight), the weighted loss of
/// a row is `aᵢ·softplus(ηᵢ) − bᵢ·ηᵢ`, its derivative `aᵢ·σ(ηᵢ) − bᵢ` and its curvature `aᵢ·σ(1 − σ)`.
///
/// ## One memory pass per evaluation
/// Rows are processed in panels of `panelRows` rows: the panel is converted from the `Float`
/// features into cache-resident `Double` scratch (`DesignMatrix.fillPanel`), then η = Z_b·β
/// (`gemv`), the per-row loss, residual and curvature, and `g += Z_bᵀ·r` (transposed `gemv`) all
/// run while it is hot, so an evaluation reads the features once. The Hessian is `syrk` of
/// √h-scaled panels. All buffers are allocated once; evaluations allocate nothing.
///
/// ## Sampled Hessian
/// With `hessianStride = s > 1`, `hessian(into:)` sums over every s-th panel only (a fixed,
/// systematic sample of rows spread over the whole data) and rescales by `Σ h / Σ_sample h`.
/// This is the "subsampled Newton" of Byrd, Chin, Neveitt & Nocedal (2011, "On the use of
/// stochastic Hessian information in optimization methods for machine learning") and of
/// Roosta-Khorasani & Mahoney (2019, "Sub-sampled Newton methods"): the loss and gradient stay
/// exact, so the line search and the convergence test are those of the exact problem and the
/// optimum is the same; only the step direction is approximate (linear instead of quadratic
/// convergence, at a rate that shrinks with the sample size).
///
/// ## Determinism
/// Panels are grouped into `groupCount` contiguous groups (a number that depends on the data only,
/// never on the thread count). Each group's partial sums are computed on any thread with
/// single-threaded BLAS and summed in group order, so results are identical for every thread count.
final class LogisticObjective {
    let rows: Int
    let featureCount: Int
    let parameterCount: Int
    let fitsIntercept: Bool
    let l2: Double
    let threadCount: Int
    /// Σ aᵢ: the total effective weight; gradients are reported divided by it.
    let totalWeight: Double
    let design: DesignMatrix
    /// `hessian(into:)` uses every `hessianStride`-th panel (1: every row, the exact Hessian).
    private(set) var hessianStride: Int

    /// Rows per panel: 512 × 51 columns of `Double` is ≈ 200 KB, which stays in L2 between the
    /// two `gemv` of a panel.
    static let panelRows = 512
    static let maximumGroupCount = 8

    let a: UnsafeMutableBufferPointer<Double>
    let b: UnsafeMutableBufferPointer<Double>
    /// η at the last evaluated θ (intercept included).
    let eta: UnsafeMutableBufferPointer<Double>
    /// aσ(1 − σ) at the last evaluated θ.
    let curvature: UnsafeMutableBufferPointer<Double>
    private let panelCount: Int
    private let groupCount: Int
    private let activeColumns: UnsafeMutableBufferPointer<Int>
    private let centers: UnsafeMutableBufferPointer<Double>
    private let inverseScales: UnsafeMutableBufferPointer<Double>
    /// Per group: a `panelRows × parameterCount` panel, `panelRows` row values (residuals or √h),
    /// the partial gradient (q), the partial Hessian (m × m) and four sums.
    private let groupPanel: UnsafeMutableBufferPointer<Double>
    private let groupRowValues: UnsafeMutableBufferPointer<Double>
    private let groupGradient: UnsafeMutableBufferPointer<Double>
    private let groupHessian: UnsafeMutableBufferPointer<Double>
    private let groupSums: UnsafeMutableBufferPointer<Double>
    private static let sumCount = 4   // loss, Σ residual, Σ curvature, Σ sampled curvature

    /// The last evaluation, returned again when `evaluate` is called at the same θ (bit for bit).
    private let lastTheta: UnsafeMutableBufferPointer<Double>
    private let lastGradient: UnsafeMutableBufferPointer<Double>
    private var lastLoss: Double?
    /// Σ curvature over all rows at the last evaluated θ.
    private var lastCurvatureSum = 0.0

    /// - Parameter hessianSampleRows: When given and the data have at least twice as many rows, the
    ///   Hessian is computed on about this many rows (whole panels); `nil` means the exact Hessian.
    init(design: DesignMatrix, a: [Double], b: [Double], l2: Double, fitsIntercept: Bool, threadCount: Int,
         hessianSampleRows: Int? = nil) {
        rows = design.rows
        featureCount = design.columns
        parameterCount = design.columns + (fitsIntercept ? 1 : 0)
        self.fitsIntercept = fitsIntercept
        self.l2 = l2
        self.threadCount = threadCount
        self.design = design
        func buffer(_ count: Int) -> UnsafeMutableBufferPointer<Double> {
            let p = UnsafeMutableBufferPointer<Double>.allocate(capacity: max(count, 1))
            p.initialize(repeating: 0)
            return p
        }
        let m = parameterCount, q = featureCount
        self.a = buffer(rows)
        self.b = buffer(rows)
        _ = self.a.initialize(from: a)
        _ = self.b.initialize(from: b)
        eta = buffer(rows)
        curvature = buffer(rows)
        panelCount = (rows + Self.panelRows - 1) / Self.panelRows
        groupCount = max(1, min(panelCount, Self.maximumGroupCount))
        if let sample = hessianSampleRows, sample > 0, rows >= 2 * sample {
            let sampledPanels = (sample + Self.panelRows - 1) / Self.panelRows
            hessianStride = max(1, panelCount / sampledPanels)
        } else {
            hessianStride = 1
        }
        activeColumns = .allocate(capacity: max(q, 1))
        activeColumns.initialize(repeating: 0)
        _ = activeColumns.initialize(from: design.activeColumns)
        centers = buffer(q)
        _ = centers.initialize(from: design.centers)
        inverseScales = buffer(q)
        _ = inverseScales.initialize(from: design.inverseScales)
        groupPanel = buffer(groupCount * Self.panelRows * m)
        groupRowValues = buffer(groupCount * Self.panelRows)
        groupGradient = buffer(groupCount * q)
        groupHessian = buffer(groupCount * m * m)
        groupSums = buffer(groupCount * Self.sumCount)
        lastTheta = buffer(m)
        lastGradient = buffer(m)
        totalWeight = a.reduce(0, +)
    }

    deinit {
        for p in [a, b, eta, curvature, centers, inverseScales, groupPanel, groupRowValues, groupGradient, groupHessian,
                  groupSums, lastTheta, lastGradient] { p.deallocate() }
        activeColumns.deallocate()
    }

    /// Returns `Σ wᵢ·logloss + ½·l2·‖β‖²` at `theta` and writes its gradient; stores η and
    /// curvatures for `hessian(into:)`. Called again at the same θ, returns the stored result.
    /// - Complexity: O(rows × features): one pass over the features, two `gemv` per panel.
    func evaluate(_ theta: UnsafeMutableBufferPointer<Double>, gradient: UnsafeMutableBufferPointer<Double>) throws -> Double {
        let q = featureCount, m = parameterCount, rows = self.rows
        if let lastLoss, (0..<m).allSatisfy({ theta[$0].bitPattern == lastTheta[$0].bitPattern }) {
            for j in 0..<m { gradient[j] = lastGradient[j] }
            return lastLoss
        }
        let intercept = fitsIntercept ? theta[q] : 0
        let panelRows = Self.panelRows, sumCount = Self.sumCount
        let a = self.a, b = self.b, eta = self.eta, curvature = self.curvature
        let columns = activeColumns.baseAddress!, centers = self.centers.baseAddress!
        let inverseScales = self.inverseScales.baseAddress!
        let groupPanel = self.groupPanel, groupRowValues = self.groupRowValues
        let groupGradient = self.groupGradient, groupSums = self.groupSums
        let beta = UnsafeBufferPointer(rebasing: theta[0..<q])
        try design.features.withUnsafeBufferPointer { x in
            try forEachGroup { g, panels in
                let panel = UnsafeMutableBufferPointer(rebasing: groupPanel[(g * panelRows * m)...])
                let residual = groupRowValues.baseAddress! + g * panelRows
                let partial = UnsafeMutableBufferPointer(rebasing: groupGradient[(g * q)..<((g + 1) * q)])
                for j in 0..<q { partial[j] = 0 }
                var loss = 0.0, residualSum = 0.0, curvatureSum = 0.0
                for p in panels {
                    let start = p * panelRows, count = min(panelRows, rows - start)
                    DesignMatrix.fillPanel(x.baseAddress!, rows: rows, columns: q, activeColumns: columns,
                                           centers: centers, inverseScales: inverseScales, start: start, count: count,
                                           rowScale: nil, into: panel.baseAddress!, leadingDimension: panelRows)
                    let view = try MatrixBuffer(UnsafeBufferPointer(panel), rows: count, columns: q,
                                                leadingDimension: panelRows, operation: "logistic objective")
                    try BLAS.gemv(view, beta, beta: 0, UnsafeMutableBufferPointer(rebasing: eta[start..<(start + count)]))
                    var panelLoss = 0.0, panelResidual = 0.0, panelCurvature = 0.0
                    for i in 0..<count {
                        let row = start + i
                        let e = eta[row] + intercept
                        eta[row] = e
                        // σ(η) and softplus(η) from one exponential, bit-identical to LogisticMath's.
                        let t = exp(-abs(e))
                        let sigma = e >= 0 ? 1 / (1 + t) : t / (1 + t)
                        let softplus = max(e, 0) + log1p(t)
                        panelLoss += a[row] * softplus - b[row] * e
                        let r = a[row] * sigma - b[row]
                        residual[i] = r
                        panelResidual += r
                        let h = a[row] * sigma * (1 - sigma)
                        curvature[row] = h
                        panelCurvature += h
                    }
                    try BLAS.gemv(transpose: true, view, UnsafeBufferPointer(start: residual, count: count), beta: 1,
                                  partial)
                    loss += panelLoss
                    residualSum += panelResidual
                    curvatureSum += panelCurvature
                }
                groupSums[g * sumCount] = loss
                groupSums[g * sumCount + 1] = residualSum
                groupSums[g * sumCount + 2] = curvatureSum
            }
        }
        var loss = 0.0, residualSum = 0.0, curvatureSum = 0.0
        for g in 0..<groupCount {   // fixed group order: independent of the thread count
            loss += groupSums[g * sumCount]
            residualSum += groupSums[g * sumCount + 1]
            curvatureSum += groupSums[g * sumCount + 2]
        }
        for j in 0..<q {
            var sum = 0.0
            for g in 0..<groupCount { sum += groupGradient[g * q + j] }
            gradient[j] = sum
        }
        var penalty = 0.0
        for j in 0..<q {
            penalty += theta[j] * theta[j]
            gradient[j] += l2 * theta[j]
        }
        if fitsIntercept { gradient[q] = residualSum }
        let total = loss + 0.5 * l2 * penalty
        for j in 0..<m {
            lastTheta[j] = theta[j]
            lastGradient[j] = gradient[j]
        }
        lastLoss = total
        lastCurvatureSum = curvatureSum
        return total
    }

    /// From now on, `hessian(into:)` computes the exact Hessian.
    func useExactHessian() { hessianStride = 1 }

    /// Runs `body` for every group of panels on up to `threadCount` threads (BLAS itself single-threaded).
    private func forEachGroup(_ body: (_ group: Int, _ panels: Range<Int>) throws -> Void) throws {
        let count = groupCount, panelCount = self.panelCount
        guard rows > 0 else { return }
        var failures = [(any Error)?](repeating: nil, count: count)
        failures.withUnsafeMutableBufferPointer { failed in
            ParallelLoop.forEach(count: count, threadCount: threadCount) { g in
                let panels = ParallelLoop.range(of: g, count: panelCount, chunkCount: count)
                do { try body(g, panels) } catch { failed[g] = error }
            }
        }
        if let error = failures.compactMap({ $0 }).first { throw error }
    }

    /// Writes the upper triangle of the Hessian `[Z 1]ᵀ·diag(h)·[Z 1] + l2·I_β` at the last evaluated θ
    /// (exact when `hessianStride == 1`, else the rescaled sum over every `hessianStride`-th panel).
    /// - Complexity: O(rows × parameters² / hessianStride) via `syrk` on panels of √h-scaled rows.
    func hessian(into hessian: MutableMatrixBuffer) throws {
        let q = featureCount, m = parameterCount, rows = self.rows, panelRows = Self.panelRows
        let sumCount = Self.sumCount, stride = hessianStride
        let columns = activeColumns.baseAddress!, centers = self.centers.baseAddress!
        let inverseScales = self.inverseScales.baseAddress!
        let groupPanel = self.groupPanel, groupRowValues = self.groupRowValues
        let groupHessian = self.groupHessian, groupSums = self.groupSums, curvature = self.curvature
        let fitsIntercept = self.fitsIntercept
        try design.features.withUnsafeBufferPointer { x in
            try forEachGroup { g, panels in
                let panel = UnsafeMutableBufferPointer(rebasing: groupPanel[(g * panelRows * m)..<((g + 1) * panelRows * m)])
                let root = groupRowValues.baseAddress! + g * panelRows
                let target = try MutableMatrixBuffer(
                    UnsafeMutableBufferPointer(rebasing: groupHessian[(g * m * m)..<((g + 1) * m * m)]),
                    rows: m, columns: m, operation: "logistic Hessian")
                var first = true
                var sampled = 0.0
                for p in panels where p % stride == 0 {
                    let start = p * panelRows, count = min(panelRows, rows - start)
                    for i in 0..<count {
                        let h = curvature[start + i]
                        root[i] = h.squareRoot()
                        sampled += h
                    }
                    DesignMatrix.fillPanel(x.baseAddress!, rows: rows, columns: q, activeColumns: columns,
                                           centers: centers, inverseScales: inverseScales, start: start, count: count,
                                           rowScale: root, into: panel.baseAddress!, leadingDimension: panelRows)
                    if fitsIntercept {
                        for i in 0..<count { panel[q * panelRows + i] = root[i] }
                    }
                    let view = try MatrixBuffer(UnsafeBufferPointer(panel), rows: count, columns: m,
                                                leadingDimension: panelRows, operation: "logistic Hessian")
                    try BLAS.syrk(triangle: .upper, transpose: true, view, beta: first ? 0 : 1, target)
                    first = false
                }
                if first {
                    for j in 0..<m { for i in 0...j { target.base[j * m + i] = 0 } }
                }
                groupSums[g * sumCount + 3] = sampled
            }
        }
        var sampled = 0.0
        for g in 0..<groupCount { sampled += groupSums[g * sumCount + 3] }
        // Σ h over all rows / Σ h over the sample: makes the intercept's diagonal entry exact.
        let factor = stride == 1 || !(sampled > 0) ? 1 : lastCurvatureSum / sampled
        for j in 0..<m {   // fixed group order: independent of the thread count
            for i in 0...j {
                var sum = 0.0
                for g in 0..<groupCount { sum += groupHessian[g * m * m + j * m + i] }
                hessian.base[j * hessian.leadingDimension + i] = stride == 1 ? sum : sum * factor
            }
        }
        for j in 0..<q { hessian.base[j * hessian.leadingDimension + j] += l2 }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

import RiskData
import RiskLinearAlgebra

/// The smooth part of the objective, `Σᵢ wᵢ·logloss + ½·l2·‖β‖²`, its gradient and Hessian, on the
/// working design matrix. Parameters θ = (β₀ … β_{q−1}, intercept) — the intercept last, when fitted.
///
/// With `aᵢ = wᵢ·(yᵢ·k + 1 − yᵢ)` and `bᵢ = wᵢ·yᵢ·k` (k = positive-class weight), the weighted loss of
/// a row is `aᵢ·softplus(ηᵢ) − bᵢ·ηᵢ`, its derivative `aᵢ·σ(ηᵢ) − bᵢ` and its curvature `aᵢ·σ(1 − σ)`.
/// One `gemv` gives η = Zβ, one transposed `gemv` gives Zᵀr; the Hessian is `syrk` of √h-scaled
/// row blocks. All buffers are allocated once; evaluations allocate nothing.
final class LogisticObjective {
    let rows: Int
    let featureCount: Int
    let parameterCount: Int
    let fitsIntercept: Bool
    let l2: Double
    let threadCount: Int
    /// Σ aᵢ: the total effective weight; gradients are reported divided by it.
    let totalWeight: Double
    let design: Matrix

    let a: UnsafeMutableBufferPointer<Double>
    let b: UnsafeMutableBufferPointer<Double>
    /// η at the last evaluated θ (intercept included).
    let eta: UnsafeMutableBufferPointer<Double>
    let residual: UnsafeMutableBufferPointer<Double>
    let curvature: UnsafeMutableBufferPointer<Double>
    private let blockLoss: UnsafeMutableBufferPointer<Double>
    private let blockResidual: UnsafeMutableBufferPointer<Double>
    private let hessianBlock: UnsafeMutableBufferPointer<Double>
    private let blockCount: Int
    private let hessianBlockRows: Int
    /// Rows are split into `groupCount` contiguous groups (a number that depends on the data only,
    /// never on the thread count). Each group's partial Zᵀr and Hessian are computed on any thread
    /// with single-threaded BLAS and summed in group order, so results are identical for every
    /// thread count while both cores work.
    private let groupCount: Int
    private let groupGradient: UnsafeMutableBufferPointer<Double>
    private let groupHessian: UnsafeMutableBufferPointer<Double>
    private let groupScratch: UnsafeMutableBufferPointer<Double>
    static let maximumGroupCount = 8

    init(design: Matrix, a: [Double], b: [Double], l2: Double, fitsIntercept: Bool, threadCount: Int) {
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
        self.a = buffer(rows)
        self.b = buffer(rows)
        _ = self.a.initialize(from: a)
        _ = self.b.initialize(from: b)
        eta = buffer(rows)
        residual = buffer(rows)
        curvature = buffer(rows)
        blockCount = (rows + DesignMatrix.blockRows - 1) / DesignMatrix.blockRows
        blockLoss = buffer(blockCount)
        blockResidual = buffer(blockCount)
        hessianBlockRows = min(max(rows, 1), DesignMatrix.blockRows)
        hessianBlock = buffer(hessianBlockRows * parameterCount)
        groupCount = max(1, min(blockCount, Self.maximumGroupCount))
        groupGradient = buffer(groupCount * max(design.columns, 1))
        groupHessian = buffer(groupCount * parameterCount * parameterCount)
        groupScratch = buffer(groupCount * hessianBlockRows * (parameterCount + 1))
        totalWeight = a.reduce(0, +)
    }

    deinit {
        for p in [a, b, eta, residual, curvature, blockLoss, blockResidual, hessianBlock, groupGradient, groupHessian,
                  groupScratch] { p.deallocate() }
    }

    /// Returns `Σ wᵢ·logloss + ½·l2·‖β‖²` at `theta` and writes its gradient; stores η, residuals and
    /// curvatures for `hessian(into:)`. - Complexity: O(rows × features), two `gemv`.
    func evaluate(_ theta: UnsafeMutableBufferPointer<Double>, gradient: UnsafeMutableBufferPointer<Double>) throws -> Double {
        let q = featureCount, rows = self.rows
        let intercept = fitsIntercept ? theta[q] : 0
        try forEachGroup { g, range in
            try design.withUnsafeBufferPointer { z in
                let view = try MatrixBuffer(UnsafeBufferPointer(rebasing: z[range.lowerBound...]), rows: range.count,
                                            columns: q, leadingDimension: rows, operation: "logistic objective")
                try BLAS.gemv(view, UnsafeBufferPointer(rebasing: theta[0..<q]), beta: 0,
                              UnsafeMutableBufferPointer(rebasing: eta[range]))
            }
        }
        Self.rowPass(rows: rows, blockCount: blockCount, threadCount: threadCount, intercept: intercept,
                     a: a, b: b, eta: eta, residual: residual, curvature: curvature,
                     blockLoss: blockLoss, blockResidual: blockResidual)
        var loss = 0.0, sumResidual = 0.0
        for block in 0..<blockCount {   // fixed order: independent of the thread count
            loss += blockLoss[block]
            sumResidual += blockResidual[block]
        }
        let groupGradient = self.groupGradient
        try forEachGroup { g, range in
            try design.withUnsafeBufferPointer { z in
                let view = try MatrixBuffer(UnsafeBufferPointer(rebasing: z[range.lowerBound...]), rows: range.count,
                                            columns: q, leadingDimension: rows, operation: "logistic gradient")
                try BLAS.gemv(transpose: true, view, UnsafeBufferPointer(rebasing: residual[range]), beta: 0,
                              UnsafeMutableBufferPointer(rebasing: groupGradient[(g * q)..<((g + 1) * q)]))
            }
        }
        for j in 0..<q {   // fixed group order: independent of the thread count
            var sum = 0.0
            for g in 0..<groupCount { sum += groupGradient[g * q + j] }
            gradient[j] = sum
        }
        var penalty = 0.0
        for j in 0..<q {
            penalty += theta[j] * theta[j]
            gradient[j] += l2 * theta[j]
        }
        if fitsIntercept { gradient[q] = sumResidual }
        return loss + 0.5 * l2 * penalty
    }

    /// Runs `body` for every row group on up to `threadCount` threads (BLAS itself single-threaded).
    private func forEachGroup(_ body: (_ group: Int, _ rows: Range<Int>) throws -> Void) throws {
        let count = groupCount, rows = self.rows
        guard rows > 0 else { return }
        var failures = [(any Error)?](repeating: nil, count: count)
        failures.withUnsafeMutableBufferPointer { failed in
            ParallelLoop.forEach(count: count, threadCount: threadCount) { g in
                let range = ParallelLoop.range(of: g, count: rows, chunkCount: count)
                do { try body(g, range) } catch { failed[g] = error }
            }
        }
        if let error = failures.compactMap({ $0 }).first { throw error }
    }

    /// Per row: η += intercept, loss, residual aσ − b and curvature aσ(1 − σ); per fixed block of rows:
    /// the loss and residual sums. Blocks run on up to `threadCount` threads.
    private static func rowPass(rows: Int, blockCount: Int, threadCount: Int, intercept: Double,
                                a: UnsafeMutableBufferPointer<Double>, b: UnsafeMutableBufferPointer<Double>,
                                eta: UnsafeMutableBufferPointer<Double>, residual: UnsafeMutableBufferPointer<Double>,
                                curvature: UnsafeMutableBufferPointer<Double>,
                                blockLoss: UnsafeMutableBufferPointer<Double>,
                                blockResidual: UnsafeMutableBufferPointer<Double>) {
        ParallelLoop.forEachChunk(count: blockCount, threadCount: threadCount) { _, blocks in
            for block in blocks {
                var loss = 0.0, sumResidual = 0.0
                let end = min(rows, (block + 1) * DesignMatrix.blockRows)
                for i in (block * DesignMatrix.blockRows)..<end {
                    let e = eta[i] + intercept
                    eta[i] = e
                    let p = LogisticMath.sigmoid(e)
                    loss += a[i] * LogisticMath.softplus(e) - b[i] * e
                    let r = a[i] * p - b[i]
                    residual[i] = r
                    sumResidual += r
                    curvature[i] = a[i] * p * (1 - p)
                }
                blockLoss[block] = loss
                blockResidual[block] = sumResidual
            }
        }
    }

    /// Writes the upper triangle of the Hessian `[Z 1]ᵀ·diag(h)·[Z 1] + l2·I_β` at the last evaluated θ.
    /// - Complexity: O(rows × parameters²) via `syrk` on blocks of √h-scaled rows.
    func hessian(into hessian: MutableMatrixBuffer) throws {
        let q = featureCount, m = parameterCount, blockRows = hessianBlockRows, rows = self.rows
        let groupHessian = self.groupHessian, groupScratch = self.groupScratch, curvature = self.curvature
        let fitsIntercept = self.fitsIntercept
        try forEachGroup { g, range in
            let scratch = UnsafeMutableBufferPointer(rebasing:
                groupScratch[(g * blockRows * (m + 1))..<((g + 1) * blockRows * (m + 1))])
            let root = UnsafeMutableBufferPointer(rebasing: scratch[(blockRows * m)...])   // √h of the block
            let target = try MutableMatrixBuffer(
                UnsafeMutableBufferPointer(rebasing: groupHessian[(g * m * m)..<((g + 1) * m * m)]),
                rows: m, columns: m, operation: "logistic Hessian")
            var start = range.lowerBound
            var first = true
            try design.withUnsafeBufferPointer { z in
                while start < range.upperBound {
                    let count = min(blockRows, range.upperBound - start)
                    for i in 0..<count { root[i] = curvature[start + i].squareRoot() }
                    for j in 0..<q {
                        let source = j * rows + start, column = j * blockRows
                        for i in 0..<count { scratch[column + i] = root[i] * z[source + i] }
                    }
                    if fitsIntercept {
                        for i in 0..<count { scratch[q * blockRows + i] = root[i] }
                    }
                    let view = try MatrixBuffer(UnsafeBufferPointer(rebasing: scratch[0..<(blockRows * m)]), rows: count,
                                                columns: m, leadingDimension: blockRows, operation: "logistic Hessian")
                    try BLAS.syrk(triangle: .upper, transpose: true, view, beta: first ? 0 : 1, target)
                    first = false
                    start += count
                }
            }
            if first {
                for j in 0..<m { for i in 0...j { target.base[j * m + i] = 0 } }
            }
        }
        for j in 0..<m {   // fixed group order: independent of the thread count
            for i in 0...j {
                var sum = 0.0
                for g in 0..<groupCount { sum += groupHessian[g * m * m + j * m + i] }
                hessian.base[j * hessian.leadingDimension + i] = sum
            }
        }
        for j in 0..<q { hessian.base[j * hessian.leadingDimension + j] += l2 }
    }
}

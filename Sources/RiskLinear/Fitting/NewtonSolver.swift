import RiskLinearAlgebra

/// Damped Newton/IRLS: solve `H·d = −g` by Cholesky (LAPACK `dpotrf`/`dpotrs`); when `H` is not
/// positive definite (e.g. collinear columns and no L2), add an increasing ridge `τ·I` until it is;
/// then backtrack along `d` until the Armijo condition holds.
///
/// With a sampled Hessian (`LogisticObjective.hessianStride > 1`, large data), the solver switches
/// to the exact Hessian for good as soon as a full step fails the Armijo test or an iteration
/// after the first shrinks the largest gradient component by less than 4×: the sample then misses
/// part of the curvature, and exact Newton is the fast and safe way on. The loss, gradient and
/// convergence test are exact in both modes.
///
/// Follows the damped-Newton scheme of Nocedal & Wright, *Numerical Optimization*, §3.4
/// ("Newton's method with Hessian modification") and §3.1 (backtracking), as scikit-learn's
/// `newton-cholesky` solver does (`sklearn/linear_model/_glm/_newton_solver.py`).
struct NewtonSolver {
    let maximumIterations: Int
    let gradientTolerance: Double
    let relativeLossTolerance: Double

    func minimize(_ objective: LogisticObjective, theta: Vector) throws -> SolverOutcome {
        let m = objective.parameterCount
        let gradient = Vector(m), trial = Vector(m), trialGradient = Vector(m), direction = Vector(m)
        var hessian = try Matrix(rows: m, columns: m)
        var factor = try Matrix(rows: m, columns: m)
        let scale = 1 / max(objective.totalWeight, .leastNormalMagnitude)
        var loss = try objective.evaluate(theta.buffer, gradient: gradient.buffer)
        var stall = LossStallDetector(tolerance: relativeLossTolerance)
        for iteration in 0..<maximumIterations {
            if gradient.maximumMagnitude * scale <= gradientTolerance {
                return SolverOutcome(iterations: iteration, converged: true, stopReason: "gradient norm below tolerance")
            }
            try hessian.withUnsafeMutableBufferPointer {
                try objective.hessian(into: MutableMatrixBuffer($0, rows: m, columns: m))
            }
            try solveDamped(hessian: hessian, factor: &factor, gradient: gradient, direction: direction)
            var slope = gradient.dot(direction)
            if !(slope < 0) {   // not a descent direction (numerically): fall back to steepest descent
                for i in 0..<m { direction[i] = -gradient[i] }
                slope = gradient.dot(direction)
            }
            var step = 1.0
            var accepted = false
            var trialLoss = loss
            let sampled = objective.hessianStride > 1
            for _ in 0..<60 {
                for i in 0..<m { trial[i] = theta[i] + step * direction[i] }
                trialLoss = try objective.evaluate(trial.buffer, gradient: trialGradient.buffer)
                if trialLoss <= loss + 1e-4 * step * slope { accepted = true; break }
                // Near the optimum a Newton step changes the loss by less than its rounding error, so
                // whether Armijo holds depends on the last bits of the BLAS kernel's sums (it differs
                // between CPUs). There, accept a step that shrinks Σ|gradient| instead, as
                // scikit-learn's newton-cholesky line search does (`_newton_solver.py`, step 2.2–2.3).
                if abs(trialLoss - loss) <= abs(loss) * 1e2 * Double.ulpOfOne,
                   trialGradient.absoluteSum < gradient.absoluteSum {
                    accepted = true
                    break
                }
                // A sampled Hessian that cannot take its full step misses curvature (e.g. a rare
                // column absent from the sample): do not backtrack on it, go exact.
                if sampled { break }
                step *= 0.5
            }
            if sampled, !accepted {
                objective.useExactHessian()
                _ = try objective.evaluate(theta.buffer, gradient: gradient.buffer)   // η and h back at θ
                continue
            }
            guard accepted else {
                try restore(objective, theta, gradient)
                return SolverOutcome(iterations: iteration, converged: false,
                                     stopReason: "line search could not decrease the loss (numerical precision reached)")
            }
            // A sampled Hessian should shrink the gradient by far more than this (the rate is about
            // √(columns / sample) for evenly spread data); when it does not, its sample misses
            // structure and exact Newton's quadratic convergence is the cheaper way on. Not judged
            // on the first step: from the starting point even exact Newton often shrinks it by < 4×.
            if sampled, iteration > 0, trialGradient.maximumMagnitude > 0.25 * gradient.maximumMagnitude {
                objective.useExactHessian()
            }
            theta.copy(from: trial)
            gradient.copy(from: trialGradient)
            let old = loss
            loss = trialLoss
            if stall.update(old: old, new: loss) {
                return SolverOutcome(iterations: iteration + 1, converged: true,
                                     stopReason: "relative loss change below tolerance")
            }
        }
        let converged = gradient.maximumMagnitude * scale <= gradientTolerance
        return SolverOutcome(iterations: maximumIterations, converged: converged,
                             stopReason: converged ? "gradient norm below tolerance" : "maximum iterations reached")
    }

    /// Solves `(H + τI)·d = −g` with the smallest τ in {0, 1e-10·max diag, ×10, …} that makes it positive definite.
    private func solveDamped(hessian: Matrix, factor: inout Matrix, gradient: Vector, direction: Vector) throws {
        let m = hessian.rows
        var largestDiagonal = 0.0
        for i in 0..<m { largestDiagonal = max(largestDiagonal, abs(hessian[i, i])) }
        var ridge = 0.0
        for _ in 0..<20 {
            hessian.withUnsafeBufferPointer { h in   // copy in place: no allocation
                factor.withUnsafeMutableBufferPointer { f in for i in 0..<(m * m) { f[i] = h[i] } }
            }
            for i in 0..<m { factor[i, i] += ridge }
            do {
                try LAPACK.choleskyFactor(&factor, triangle: .upper)
                try factor.withUnsafeBufferPointer { f in
                    for i in 0..<m { direction[i] = -gradient[i] }
                    try LAPACK.choleskySolve(factor: MatrixBuffer(f, rows: m, columns: m), triangle: .upper,
                                             MutableMatrixBuffer(direction.buffer, rows: m, columns: 1))
                }
                return
            } catch let error as LinearAlgebraError where error.code == .notPositiveDefinite {
                ridge = ridge == 0 ? max(1e-10 * largestDiagonal, 1e-12) : ridge * 10
            }
        }
        for i in 0..<m { direction[i] = -gradient[i] }   // give up on curvature: steepest descent
    }

    private func restore(_ objective: LogisticObjective, _ theta: Vector, _ gradient: Vector) throws {
        _ = try objective.evaluate(theta.buffer, gradient: gradient.buffer)
    }
}

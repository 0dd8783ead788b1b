/// L-BFGS, and its orthant-wise variant OWL-QN when `l1 > 0`.
///
/// L-BFGS: the two-loop recursion of Nocedal & Wright, *Numerical Optimization*, Algorithm 7.4,
/// with `m = 10` pairs and the initial scaling `γ = sᵀy / yᵀy`; a backtracking Armijo line search
/// (pairs with `sᵀy ≤ 0` are skipped, so the implicit Hessian stays positive definite).
/// OWL-QN (Andrew & Gao, 2007): the same recursion applied to the pseudo-gradient of
/// `f + l1·‖β‖₁`; the direction is zeroed where it disagrees in sign with the negative
/// pseudo-gradient, and every trial point is projected onto the orthant of the current iterate
/// (coordinates that would change sign become exactly 0, which is how lasso zeros appear).
/// The intercept (last parameter when fitted) is never penalised.
struct QuasiNewtonSolver {
    let maximumIterations: Int
    let gradientTolerance: Double
    let relativeLossTolerance: Double
    let l1: Double
    let memory = 10

    func minimize(_ objective: LogisticObjective, theta: Vector) throws -> SolverOutcome {
        let m = objective.parameterCount
        let penalised = objective.featureCount   // coordinates 0..<penalised carry the L1 term
        let gradient = Vector(m), pseudo = Vector(m), direction = Vector(m)
        let trial = Vector(m), trialGradient = Vector(m), work = Vector(m)
        let candidateS = Vector(m), candidateY = Vector(m)
        let pairsS = (0..<memory).map { _ in Vector(m) }, pairsY = (0..<memory).map { _ in Vector(m) }
        var rho = [Double](repeating: 0, count: memory), alpha = [Double](repeating: 0, count: memory)
        var stored = 0, newest = -1
        let scale = 1 / max(objective.totalWeight, .leastNormalMagnitude)

        func l1Norm(_ v: Vector) -> Double {
            var s = 0.0
            for j in 0..<penalised { s += abs(v[j]) }
            return s
        }
        func pseudoGradient(_ point: Vector, _ smooth: Vector, into out: Vector) {
            for j in 0..<m {
                let g = smooth[j]
                if l1 == 0 || j >= penalised { out[j] = g; continue }
                if point[j] > 0 { out[j] = g + l1 }
                else if point[j] < 0 { out[j] = g - l1 }
                else if g + l1 < 0 { out[j] = g + l1 }
                else if g - l1 > 0 { out[j] = g - l1 }
                else { out[j] = 0 }
            }
        }

        var loss = try objective.evaluate(theta.buffer, gradient: gradient.buffer) + l1 * l1Norm(theta)
        pseudoGradient(theta, gradient, into: pseudo)
        var stall = LossStallDetector(tolerance: relativeLossTolerance)
        for iteration in 0..<maximumIterations {
            if pseudo.maximumMagnitude * scale <= gradientTolerance {
                return SolverOutcome(iterations: iteration, converged: true, stopReason: "gradient norm below tolerance")
            }
            // Two-loop recursion: direction = −H·pseudo.
            work.copy(from: pseudo)
            var index = newest
            for _ in 0..<stored {
                alpha[index] = rho[index] * pairsS[index].dot(work)
                for i in 0..<m { work[i] -= alpha[index] * pairsY[index][i] }
                index = (index - 1 + memory) % memory
            }
            if stored > 0 {
                let gamma = pairsS[newest].dot(pairsY[newest]) / pairsY[newest].dot(pairsY[newest])
                for i in 0..<m { work[i] *= gamma }
            }
            index = (newest - stored + 1 + memory) % memory
            for _ in 0..<stored {
                let beta = rho[index] * pairsY[index].dot(work)
                for i in 0..<m { work[i] += pairsS[index][i] * (alpha[index] - beta) }
                index = (index + 1) % memory
            }
            for i in 0..<m { direction[i] = -work[i] }
            if l1 > 0 {
                for j in 0..<penalised where direction[j] * pseudo[j] >= 0 { direction[j] = 0 }
            }
            var slope = pseudo.dot(direction)
            if !(slope < 0) {   // lost descent: forget the curvature pairs and go downhill
                stored = 0
                for i in 0..<m { direction[i] = -pseudo[i] }
                slope = pseudo.dot(direction)
            }
            // First step without curvature information: a unit-length move.
            var step = stored == 0 ? min(1, 1 / max(direction.dot(direction).squareRoot(), .leastNormalMagnitude)) : 1
            var accepted = false
            var trialLoss = loss
            for _ in 0..<60 {
                for i in 0..<m { trial[i] = theta[i] + step * direction[i] }
                if l1 > 0 {
                    for j in 0..<penalised {
                        let orthant = theta[j] != 0 ? theta[j] : -pseudo[j]
                        if trial[j] * orthant <= 0 { trial[j] = 0 }
                    }
                }
                trialLoss = try objective.evaluate(trial.buffer, gradient: trialGradient.buffer) + l1 * l1Norm(trial)
                var decrease = 0.0
                for i in 0..<m { decrease += pseudo[i] * (trial[i] - theta[i]) }
                if trialLoss <= loss + 1e-4 * decrease { accepted = true; break }
                // Near the optimum the loss change drops below its rounding error (~ε·|f|) and Armijo
                // cannot see progress; accept then on the derivative along the direction instead — the
                // "approximate Wolfe" conditions of Hager & Zhang (2005, CG_DESCENT), σ = 0.9, δ = 1e-4.
                if l1 == 0, trialLoss <= loss + 1e-14 * abs(loss) {
                    var trialSlope = 0.0
                    for i in 0..<m { trialSlope += trialGradient[i] * direction[i] }
                    if trialSlope >= 0.9 * slope && trialSlope <= -(1 - 2e-4) * slope { accepted = true; break }
                }
                step *= 0.5
            }
            guard accepted else {
                _ = try objective.evaluate(theta.buffer, gradient: gradient.buffer)
                return SolverOutcome(iterations: iteration, converged: false,
                                     stopReason: "line search could not decrease the loss (numerical precision reached)")
            }
            // Curvature pair from the smooth gradients.
            for i in 0..<m {
                candidateS[i] = trial[i] - theta[i]
                candidateY[i] = trialGradient[i] - gradient[i]
            }
            let sy = candidateS.dot(candidateY)
            if sy > 1e-12 * candidateY.dot(candidateY) && sy > 0 {
                let slot = (newest + 1) % memory
                pairsS[slot].copy(from: candidateS)
                pairsY[slot].copy(from: candidateY)
                rho[slot] = 1 / sy
                newest = slot
                stored = min(stored + 1, memory)
            }
            theta.copy(from: trial)
            gradient.copy(from: trialGradient)
            pseudoGradient(theta, gradient, into: pseudo)
            let old = loss
            loss = trialLoss
            if stall.update(old: old, new: loss) {
                return SolverOutcome(iterations: iteration + 1, converged: true,
                                     stopReason: "relative loss change below tolerance")
            }
        }
        let converged = pseudo.maximumMagnitude * scale <= gradientTolerance
        return SolverOutcome(iterations: maximumIterations, converged: converged,
                             stopReason: converged ? "gradient norm below tolerance" : "maximum iterations reached")
    }
}

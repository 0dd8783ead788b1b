/// The optimiser `LogisticRegression` uses.
public enum LogisticSolver: String, Sendable, Hashable, Codable, CaseIterable {
    /// Newton/IRLS when there is no L1 penalty and at most `LogisticRegressionConfiguration.newtonColumnLimit`
    /// columns; L-BFGS for wider data; OWL-QN whenever `l1Regularization > 0`.
    case automatic
    /// Newton's method on the Hessian XᵀWX (BLAS `syrk`, LAPACK Cholesky), damped with an
    /// increasing ridge when the Hessian is not positive definite, with a backtracking line search.
    /// On large data (at least twice `max(65 536, 1 024 × (columns + 1))` rows) the Hessian is
    /// computed on a fixed, evenly spread sample of about that many rows and rescaled
    /// ("subsampled Newton"); the loss and gradient, and so the line search, the convergence
    /// test and the optimum, stay exact. O(n·p + min(n, sample)·p²) per iteration, few
    /// iterations. L2 only.
    case newton
    /// Limited-memory BFGS (10 pairs) with a backtracking line search; one `gemv` pair per
    /// evaluation, O(n·p) per iteration. L2 only.
    case lbfgs
    /// Orthant-wise limited-memory quasi-Newton (Andrew & Gao, 2007, "Scalable training of
    /// L1-regularized log-linear models"): L-BFGS on the orthant of the current iterate with a
    /// pseudo-gradient for the L1 term. Handles L1 and elastic net (and plain L2).
    case owlqn
}

/// Settings of a logistic regression fit.
///
/// ## Objective
/// With effective weights `wᵢ = sampleWeightᵢ · (yᵢ · positiveClassWeight + (1 − yᵢ))`, the fit minimises
///
///     Σᵢ wᵢ · logloss(yᵢ, b + xᵢᵀβ) + ½ · l2Regularization · ‖β‖² + l1Regularization · ‖β‖₁
///
/// where `logloss(y, η) = −y·log σ(η) − (1 − y)·log(1 − σ(η))` and the intercept `b` is not penalised.
/// Note the loss is a **sum** over rows, not a mean: the penalty's relative weight shrinks as rows are added.
/// When `standardize` is `true`, `β` in the penalty is the coefficient vector of the standardised
/// features `(x − mean) / standardDeviation` (population standard deviation); the model still reports
/// coefficients on the original scale.
///
/// ## Mapping to scikit-learn
/// scikit-learn's `LogisticRegression(C=C, l1_ratio=ρ)` minimises `C·Σ sᵢ·logloss + (1−ρ)/2·‖β‖² + ρ·‖β‖₁`;
/// dividing by `C`, it is this objective with `l2Regularization = (1 − ρ)/C`, `l1Regularization = ρ/C`
/// and `standardize = false` (so the default `C = 1`, L2 is `l2Regularization = 1`). With
/// `standardize = true` it matches `make_pipeline(StandardScaler(), LogisticRegression(...))`.
/// `class_weight={1: k}` is `positiveClassWeight = k`.
public struct LogisticRegressionConfiguration: Sendable, Hashable, Codable {
    /// Weight of the ridge penalty ½·‖β‖² (≥ 0). Default 1 (scikit-learn's `C = 1`).
    public var l2Regularization: Double
    /// Weight of the lasso penalty ‖β‖₁ (≥ 0). Default 0. Any value > 0 selects OWL-QN.
    public var l1Regularization: Double
    /// The optimiser. Default `.automatic`.
    public var solver: LogisticSolver
    /// Most optimiser iterations (≥ 1). Default 500. Reaching it without converging is reported.
    public var maximumIterations: Int
    /// Convergence when the largest absolute component of the (pseudo-)gradient of the objective,
    /// divided by the total effective weight Σ wᵢ (i.e. the gradient of the mean loss), is at most
    /// this (≥ 0). Default 1e-7.
    public var gradientTolerance: Double
    /// Convergence also when the objective's relative decrease `(f_old − f_new) / max(|f_new|, 1)`
    /// stays at most this for 3 consecutive iterations (≥ 0; 0 disables). Default 1e-12.
    public var relativeLossTolerance: Double
    /// Multiplies the weight of every example with label 1 (> 0). Default 1. Probabilities of a
    /// model trained with a weight ≠ 1 are shifted and need calibration.
    public var positiveClassWeight: Double
    /// Standardise features inside the fit (penalty on standardised coefficients). Default `true`.
    public var standardize: Bool
    /// Fit an unpenalised intercept. Default `true`.
    public var fitIntercept: Bool
    /// Threads for the row loops (≥ 1). OpenBLAS is kept single-threaded during the fit so that the
    /// model is bit-identical for every thread count.
    public var threadCount: Int

    /// Columns up to which `.automatic` picks Newton (the Hessian costs O(n·p²) per iteration).
    public static let newtonColumnLimit = 256

    /// Creates a configuration; every parameter has the documented default.
    public init(l2Regularization: Double = 1, l1Regularization: Double = 0, solver: LogisticSolver = .automatic,
                maximumIterations: Int = 500, gradientTolerance: Double = 1e-7,
                relativeLossTolerance: Double = 1e-12, positiveClassWeight: Double = 1,
                standardize: Bool = true, fitIntercept: Bool = true, threadCount: Int = 1) {
        self.l2Regularization = l2Regularization
        self.l1Regularization = l1Regularization
        self.solver = solver
        self.maximumIterations = maximumIterations
        self.gradientTolerance = gradientTolerance
        self.relativeLossTolerance = relativeLossTolerance
        self.positiveClassWeight = positiveClassWeight
        self.standardize = standardize
        self.fitIntercept = fitIntercept
        self.threadCount = threadCount
    }

    /// Checks every parameter's range.
    ///
    /// - Throws: `RiskLinearError` `.invalidParameter` naming the parameter, its value and the valid range.
    public func validate() throws {
        func bad(_ name: String, _ value: String, _ expected: String) -> RiskLinearError {
            RiskLinearError(.invalidParameter, "\(name) is \(value); expected \(expected).")
        }
        guard l2Regularization.isFinite, l2Regularization >= 0 else {
            throw bad("l2Regularization", "\(l2Regularization)", "a finite number ≥ 0")
        }
        guard l1Regularization.isFinite, l1Regularization >= 0 else {
            throw bad("l1Regularization", "\(l1Regularization)", "a finite number ≥ 0")
        }
        guard maximumIterations >= 1 else { throw bad("maximumIterations", "\(maximumIterations)", "≥ 1") }
        guard gradientTolerance.isFinite, gradientTolerance >= 0 else {
            throw bad("gradientTolerance", "\(gradientTolerance)", "a finite number ≥ 0")
        }
        guard relativeLossTolerance.isFinite, relativeLossTolerance >= 0 else {
            throw bad("relativeLossTolerance", "\(relativeLossTolerance)", "a finite number ≥ 0")
        }
        guard positiveClassWeight.isFinite, positiveClassWeight > 0 else {
            throw bad("positiveClassWeight", "\(positiveClassWeight)", "a finite number > 0")
        }
        guard threadCount >= 1 else { throw bad("threadCount", "\(threadCount)", "≥ 1") }
        if l1Regularization > 0, solver == .newton || solver == .lbfgs {
            throw RiskLinearError(
                .invalidParameter,
                "solver .\(solver.rawValue) cannot handle l1Regularization = \(l1Regularization) (the L1 term "
                    + "is not differentiable); use .owlqn or .automatic.")
        }
    }
}

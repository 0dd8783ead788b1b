/// What happened during a fit: never silently unconverged.
public struct LogisticTrainingReport: Sendable, Hashable, Codable {
    /// The solver actually used (`.automatic` resolved).
    public var solver: LogisticSolver
    /// Optimiser iterations taken.
    public var iterations: Int
    /// The objective (see `LogisticRegressionConfiguration`) at the returned coefficients.
    public var finalLoss: Double
    /// Largest absolute component of the (pseudo-)gradient divided by Σ wᵢ, at the returned coefficients.
    public var gradientNorm: Double
    /// `true` when a convergence criterion was met before `maximumIterations`.
    public var converged: Bool
    /// Why the optimiser stopped, in words.
    public var stopReason: String
    /// Things a data scientist should know: constant columns, separable data, no convergence.
    public var warnings: [String]
}

/// A fitted model and how the fit went.
public struct LogisticRegressionResult: Sendable, Hashable, Codable {
    public var model: LogisticModel
    public var report: LogisticTrainingReport
}

import RiskData
import RiskLinearAlgebra

/// Binary logistic regression trained on a `Dataset` (see `LogisticRegressionConfiguration` for
/// the exact objective and its scikit-learn mapping).
///
/// ```swift
/// let result = try LogisticRegression(configuration: .init(l2Regularization: 1)).fit(dataset)
/// let p = try result.model.probabilities(holdout.features)
/// ```
public struct LogisticRegression: Sendable {
    /// The settings used by `fit`.
    public var configuration: LogisticRegressionConfiguration

    public init(configuration: LogisticRegressionConfiguration = LogisticRegressionConfiguration()) {
        self.configuration = configuration
    }

    /// Fits the model.
    ///
    /// Standardisation (when configured) happens inside: the model's coefficients are on the
    /// original scale. Constant columns get coefficient 0 and a warning. Perfectly separable data
    /// converge (with any penalty > 0) and are reported with a warning. The report always says
    /// whether the optimiser converged.
    ///
    /// - Parameter dataset: Features (finite: NaN is rejected), labels in `0...1`, optional weights.
    /// - Returns: The model and a training report.
    /// - Throws: `RiskLinearError` `.invalidParameter` for a bad configuration, `.invalidValue`
    ///   naming the row (and column) of a non-finite feature or a label outside `0...1`,
    ///   `.insufficientData` for no rows or a class without weight, `.numericalFailure` if the
    ///   optimiser produced a non-finite coefficient.
    /// - Complexity: Newton: O(n·p + s·p²) per iteration (s: the Hessian sample, see
    ///   `LogisticSolver.newton`); L-BFGS/OWL-QN: O(n·p) per evaluation; one read of the features
    ///   per evaluation. Memory: O(n) work vectors; the features are not copied.
    public func fit(_ dataset: Dataset) throws -> LogisticRegressionResult {
        try fit(dataset, hessianSampleRows: Self.hessianSampleRows(columnCount: dataset.features.columnCount))
    }

    /// Rows the Newton solver samples for its Hessian (see `LogisticObjective`, "Sampled Hessian"):
    /// data with fewer than twice as many rows use the exact Hessian.
    static func hessianSampleRows(columnCount: Int) -> Int {
        return max(65_536, 1_024 * (columnCount + 1))
    }

    /// `fit` with the Hessian sample size given (`nil`: always the exact Hessian); tests use it to
    /// exercise the sampled path on small data.
    func fit(_ dataset: Dataset, hessianSampleRows: Int?) throws -> LogisticRegressionResult {
        let configuration = self.configuration
        try configuration.validate()
        let rows = dataset.rowCount
        guard rows > 0 else {
            throw RiskLinearError(.insufficientData, "the data set has no rows; logistic regression needs examples of both classes.")
        }
        if let bad = dataset.labels.firstIndex(where: { !($0 >= 0 && $0 <= 1) }) {
            throw RiskLinearError(
                .invalidValue,
                "label of row \(bad) is \(dataset.labels[bad]); logistic regression expects labels in 0…1 (1 = infraction).")
        }
        // Effective weights: a = w·(y·k + 1 − y), b = w·y·k.
        let k = configuration.positiveClassWeight
        var a = [Double](repeating: 0, count: rows), b = [Double](repeating: 0, count: rows)
        var positiveWeight = 0.0, negativeWeight = 0.0
        for i in 0..<rows {
            let w = Double(dataset.weights?[i] ?? 1), y = Double(dataset.labels[i])
            a[i] = w * (y * k + 1 - y)
            b[i] = w * y * k
            positiveWeight += b[i]
            negativeWeight += w * (1 - y)
        }
        guard positiveWeight > 0, negativeWeight > 0 else {
            throw RiskLinearError(
                .insufficientData,
                "the labels (by weight) hold only \(positiveWeight > 0 ? "positives" : "negatives"); logistic "
                    + "regression needs both classes with positive weight.")
        }

        let design = try DesignMatrix(dataset.features, standardize: configuration.standardize,
                                      center: configuration.fitIntercept, threadCount: configuration.threadCount)
        var warnings = design.constantColumns.map { column, value in
            "column \(dataset.features.schema.columns[column].name) is constant (\(value) in every row); its coefficient is 0."
        }
        // BLAS runs single-threaded here: OpenBLAS splits reductions (Xᵀr, XᵀWX) differently for
        // different thread counts, which changes the last bits of the model. The row passes run on
        // `threadCount` threads over fixed groups of 512-row panels instead, summed in group order,
        // so the fitted model is bit-identical for every `threadCount` (Docs/Architecture.md, "Determinism").
        // The process-wide setting is put back when the last overlapping fit ends (BLASThreads).
        BLASThreads.beginSingleThread()
        defer { BLASThreads.endSingleThread() }
        let solver = Self.resolve(configuration, featureCount: design.columns)
        let objective = LogisticObjective(design: design, a: a, b: b, l2: configuration.l2Regularization,
                                          fitsIntercept: configuration.fitIntercept,
                                          threadCount: configuration.threadCount,
                                          hessianSampleRows: solver == .newton ? hessianSampleRows : nil)
        let theta = Vector(objective.parameterCount)
        if configuration.fitIntercept {   // the optimum for β = 0 on centred features
            theta[objective.featureCount] = log(positiveWeight / negativeWeight)
        }
        let outcome: SolverOutcome
        switch solver {
        case .newton:
            outcome = try NewtonSolver(maximumIterations: configuration.maximumIterations,
                                       gradientTolerance: configuration.gradientTolerance,
                                       relativeLossTolerance: configuration.relativeLossTolerance)
                .minimize(objective, theta: theta)
        default:
            outcome = try QuasiNewtonSolver(maximumIterations: configuration.maximumIterations,
                                            gradientTolerance: configuration.gradientTolerance,
                                            relativeLossTolerance: configuration.relativeLossTolerance,
                                            l1: configuration.l1Regularization)
                .minimize(objective, theta: theta)
        }

        // Final state, for the report and the separability check.
        let gradient = Vector(objective.parameterCount)
        var finalLoss = try objective.evaluate(theta.buffer, gradient: gradient.buffer)
        var l1Norm = 0.0
        for j in 0..<objective.featureCount { l1Norm += abs(theta[j]) }
        finalLoss += configuration.l1Regularization * l1Norm
        let gradientNorm = Self.pseudoGradientNorm(theta, gradient, l1: configuration.l1Regularization,
                                                   penalised: objective.featureCount) / objective.totalWeight
        guard finalLoss.isFinite, (0..<theta.count).allSatisfy({ theta[$0].isFinite }) else {
            throw RiskLinearError(
                .numericalFailure,
                "the \(solver.rawValue) solver produced a non-finite loss or coefficient after \(outcome.iterations) "
                    + "iterations; try standardize = true or a larger l2Regularization.")
        }
        if Self.isPerfectlySeparated(objective, labels: dataset.labels) {
            let penalised = configuration.l2Regularization > 0 || configuration.l1Regularization > 0
            warnings.append(penalised
                ? "data are perfectly separable: coefficients grow until the penalty stops them."
                : "data are perfectly separable and there is no penalty: the loss has no minimum and coefficients "
                    + "grow until the optimiser stops; set l2Regularization > 0.")
        }
        if !outcome.converged {
            warnings.append(
                "the \(solver.rawValue) solver did not converge after \(outcome.iterations) iterations "
                    + "(\(outcome.stopReason); gradient norm \(gradientNorm), tolerance \(configuration.gradientTolerance)); "
                    + "raise maximumIterations, set standardize = true or raise l2Regularization.")
        }

        // Back to the original scale: βⱼ/sⱼ, intercept − Σ βⱼ·cⱼ/sⱼ.
        let columns = dataset.features.columnCount
        var coefficients = [Double](repeating: 0, count: columns)
        var intercept = configuration.fitIntercept ? theta[objective.featureCount] : 0
        for (k, j) in design.activeColumns.enumerated() {
            coefficients[j] = theta[k] / design.scales[k]
            intercept -= coefficients[j] * design.centers[k]
        }
        let model = try LogisticModel(intercept: intercept, coefficients: coefficients, featureMeans: design.means,
                                      featureSchema: dataset.features.schema)
        let report = LogisticTrainingReport(solver: solver, iterations: outcome.iterations, finalLoss: finalLoss,
                                            gradientNorm: gradientNorm, converged: outcome.converged,
                                            stopReason: outcome.stopReason, warnings: warnings)
        return LogisticRegressionResult(model: model, report: report)
    }

    static func resolve(_ configuration: LogisticRegressionConfiguration, featureCount: Int) -> LogisticSolver {
        switch configuration.solver {
        case .automatic:
            if configuration.l1Regularization > 0 { return .owlqn }
            return featureCount <= LogisticRegressionConfiguration.newtonColumnLimit ? .newton : .lbfgs
        case let solver:
            return solver
        }
    }

    static func pseudoGradientNorm(_ theta: Vector, _ gradient: Vector, l1: Double, penalised: Int) -> Double {
        var worst = 0.0
        for j in 0..<theta.count {
            var g = gradient[j]
            if l1 > 0, j < penalised {
                if theta[j] > 0 { g += l1 } else if theta[j] < 0 { g -= l1 } else { g = max(0, abs(g) - l1) }
            }
            worst = max(worst, abs(g))
        }
        return worst
    }

    /// `true` when every weighted row has a hard label and some threshold on the fitted scores puts
    /// every positive above every negative: the training data are linearly separable (along the
    /// fitted direction), so without a penalty the loss has no minimum.
    static func isPerfectlySeparated(_ objective: LogisticObjective, labels: [Float]) -> Bool {
        var lowestPositive = Double.infinity, highestNegative = -Double.infinity
        for i in 0..<objective.rows where objective.a[i] > 0 {
            let y = labels[i]
            guard y == 0 || y == 1 else { return false }
            if y == 1 { lowestPositive = min(lowestPositive, objective.eta[i]) }
            else { highestNegative = max(highestNegative, objective.eta[i]) }
        }
        return highestNegative < lowestPositive
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

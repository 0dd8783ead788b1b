import Foundation
import RiskData
import RiskDeclarations
import RiskExplain
import RiskFeatures
import RiskLinear
import RiskMetrics
import RiskModelBundle
import RiskTrees

/// What a scoring call returns besides the probability.
public struct ScoringOptions: Sendable, Hashable {
    /// Largest number of reasons per declaration (0 = none; explanations are then skipped entirely).
    public var reasonCount: Int
    /// Attach the full grouped explanation to every assessment.
    public var includeExplanation: Bool
    /// Smallest share of Σ|group contributions| a group needs to be a reason.
    public var minimumReasonShare: Double
    /// Threads for batch scoring (results do not depend on it).
    public var threadCount: Int
    /// Fill `RiskAssessment.warnings` (default). A caller that never reads the warnings (e.g. a CSV
    /// export without a warnings column) turns this off and saves building their sentences, which
    /// otherwise costs more than the rest of an unexplained assessment; the warnings are then `[]`.
    public var includeWarnings: Bool

    public init(reasonCount: Int = 3, includeExplanation: Bool = false, minimumReasonShare: Double = 0.05,
                threadCount: Int = ParallelLoop.processorCount, includeWarnings: Bool = true) {
        self.reasonCount = reasonCount
        self.includeExplanation = includeExplanation
        self.minimumReasonShare = minimumReasonShare
        self.threadCount = threadCount
        self.includeWarnings = includeWarnings
    }
}

/// Scores declarations with a model bundle. Immutable and `Sendable`: share one scorer across
/// threads and tasks; concurrent calls give exactly the results of serial calls.
///
/// ```swift
/// let scorer = try RiskScorer(bundle: ModelBundle.load(contentsOf: modelURL))
/// let assessment = try scorer.score(Declaration(id: "D1", values: ["hs_code": "870323", …]))
/// print(assessment.probability, assessment.lane, assessment.reasons.map(\.text))
/// ```
public struct RiskScorer: Sendable {
    /// The bundle this scorer applies.
    public let bundle: ModelBundle
    /// The model pass of every scoring call.
    let engine: ScoringEngine
    let grouping: FeatureGrouping
    /// The reason generator of the default `ScoringOptions`, built once (its catalogue check
    /// compares every code); `nil` when the bundle's catalogue lacks a code (then every call
    /// builds one and throws, as before).
    let defaultGenerator: ReasonGenerator?
    let checkedColumns: [(column: String, role: FieldRole)]
    /// The feature pipeline's tables, prepared once for every call of this scorer.
    let preparedTables: PreparedKernelTables
    /// The pipeline's side of the reason facts' look-ups, made once.
    let preparedFacts: ReasonFacts.Prepared

    /// Prepares a scorer: validates the bundle (`ModelBundle.validate()`, the same validation as
    /// loading and `riskctl inspect`, run once here) and builds the predictor and explainer from the
    /// validated models. O(model size).
    ///
    /// - Throws: `BundleError` when the bundle fails validation.
    public init(bundle: ModelBundle) throws {
        try bundle.validate()
        // Build every part in locals first, so that a throwing step never leaves `self` half-initialised.
        let model: ScoringEngine.Model
        switch bundle.model {
        case .boostedTrees(let trees):
            // A `BoostedTreesModel` is valid by construction: nothing to check again.
            model = .trees(BoostedTreesPredictor(model: trees), TreeExplainer(model: trees))
        case .logistic(let logistic):
            model = .logistic(logistic, try LinearExplainer(intercept: logistic.intercept,
                                                            coefficients: logistic.coefficients,
                                                            reference: logistic.featureMeans))
        }
        let defaults = ScoringOptions()
        let generator: ReasonGenerator?
        do {
            generator = try ReasonGenerator(catalog: bundle.reasons, maximumCount: defaults.reasonCount,
                                            minimumShare: defaults.minimumReasonShare)
        } catch {
            generator = nil
        }
        self.bundle = bundle
        engine = ScoringEngine(model: model, revenue: bundle.revenueModel.map { BoostedTreesPredictor(model: $0) },
                               schema: bundle.pipeline.schema(for: bundle.model.featureKind),
                               treeSchema: bundle.pipeline.schema(for: .trees))
        // The encoder always writes the pipeline's schema, which validation matched with the models:
        // their shape checks run once here, not on every call (they compare every column name).
        try engine.checkShapes()
        grouping = FeatureGrouping(schema: bundle.model.featureSchema)
        defaultGenerator = generator
        checkedColumns = bundle.schema.fields.filter { $0.role != .ignore }.map { ($0.column, $0.role) }
        preparedTables = PreparedKernelTables(bundle.pipeline)
        preparedFacts = ReasonFacts.Prepared(bundle.pipeline)
    }

    /// Loads a bundle file and prepares a scorer.
    public init(contentsOf url: URL) throws {
        try self.init(bundle: ModelBundle.load(contentsOf: url))
    }

    // MARK: - Scoring

    /// Scores one declaration (parsed through the bundle's schema exactly as a CSV row would be):
    /// a block of one row through the same code as a batch, on the calling thread.
    ///
    /// - Throws: `DeclarationError` naming the declaration id and field when a value cannot be parsed
    ///   (e.g. a non-number customs value); never returns NaN.
    /// - Complexity: O(trees × depth) for the score, plus O(trees × leaves × depth²) with reasons.
    public func score(_ declaration: Declaration, options: ScoringOptions = ScoringOptions()) throws -> RiskAssessment {
        // The bundle's schema was validated when the scorer was made (`bundle.validate()`).
        let table = try DeclarationTable(declarations: [declaration], schema: bundle.schema, schemaIsValidated: true)
        var single = options
        single.threadCount = 1
        return try assessments(table, options: single)[0]
    }

    /// Scores a batch in input order, in parallel; with a policy, also ranks and selects.
    ///
    /// - Throws: errors of the feature transform (shape mismatches), never NaN results.
    /// - Complexity: O(rows × per-row cost / threads).
    public func score(_ table: DeclarationTable, policy: TargetingPolicy? = nil,
                      options: ScoringOptions = ScoringOptions()) throws -> [RiskAssessment] {
        var assessments = try self.assessments(table, options: options)
        if let policy {
            var timer = StageTimer()
            let decisions = policy.select(
                probabilities: assessments.map(\.probability),
                expectedRevenue: engine.revenue == nil ? nil : assessments.map { $0.expectedRevenue! },
                rawScores: assessments.map(\.rawScore))
            for r in assessments.indices { assessments[r].decision = decisions[r] }
            timer.lap("policy")
        }
        return assessments
    }

    /// Probability × the revenue model's amount (it predicts log1p(revenue), clamped to [0, 700]
    /// so that `expm1` stays finite).
    static func expectedRevenue(probability: Double, logRevenue: Double) -> Double {
        probability * Foundation.expm1(max(0, min(logRevenue, 700)))
    }

    /// The generator for `options`: the one prepared in `init` when it fits (the default options),
    /// else a new one (which throws for an out-of-range `minimumReasonShare`, as it always has).
    func reasonGenerator(_ options: ScoringOptions) throws -> ReasonGenerator {
        if let defaultGenerator, defaultGenerator.maximumCount == max(0, options.reasonCount),
           defaultGenerator.minimumShare == options.minimumReasonShare {
            return defaultGenerator
        }
        return try ReasonGenerator(catalog: bundle.reasons, maximumCount: max(0, options.reasonCount),
                                   minimumShare: options.minimumReasonShare)
    }

    /// One assessment per row of `table`, in row order, without targeting decisions: the rows are
    /// encoded a block at a time, each block goes through the engine's one model pass, and its rows
    /// are assessed while the block is in the cache. Threads take runs of blocks; every row is
    /// computed by the same sequential code whatever the thread count, so the results are too.
    ///
    /// - Throws: `ScoringError` for a table without one id per row; the feature pipeline's and the
    ///   models' shape errors, before any row is scored.
    func assessments(_ table: DeclarationTable, options: ScoringOptions) throws -> [RiskAssessment] {
        let n = table.rowCount
        guard n > 0 else { return [] }
        guard table.ids.count == n else {
            throw ScoringError(.invalidDeclaration, "the table has \(n) rows but \(table.ids.count) ids; expected one "
                               + "id per row. Build tables with DeclarationReader or DeclarationTable(declarations:schema:).")
        }
        var timer = StageTimer()
        defer { timer.lap("score (reasons \(options.reasonCount), warnings \(options.includeWarnings))") }
        let generator = try reasonGenerator(options)
        let explain = options.reasonCount > 0 || options.includeExplanation
        // Blocks of the engine's size, or one block of every row when there are fewer (a single
        // declaration allocates buffers for one row, not for a full block).
        let engine = self.engine, featureCount = engine.featureCount, blockRows = min(n, engine.blockRowCount)
        let warnings = options.includeWarnings ? ScoringWarnings(self, table: table) : nil
        let ids = table.ids, lanes = bundle.lanes, calibration = bundle.calibration
        return try bundle.pipeline.withBlockEncoder(table, for: bundle.model.featureKind, prepared: preparedTables) {
            encoder in
            let blockCount = (n + blockRows - 1) / blockRows
            var failures = [(any Error)?](repeating: nil, count: blockCount)
            // Written in place: no optional wrapper per row and no second pass to unwrap it.
            let assessments = [RiskAssessment](unsafeUninitializedCapacity: n) { out, initializedCount in
                failures.withUnsafeMutableBufferPointer { failures in
                    ParallelLoop.forEachChunk(count: blockCount, threadCount: options.threadCount,
                                              minimumChunk: max(1, 2_048 / blockRows)) { _, blocks in
                        // Buffers reused for every block of the run.
                        let workspace = ScoringEngine.Workspace(engine, encoder: encoder, explain: explain,
                                                                rowCount: blockRows)
                        var contributions = [Double](repeating: 0, count: explain ? max(1, blockRows * featureCount) : 0)
                        var selector = ReasonSelector()
                        var facts = ReasonFacts(pipeline: bundle.pipeline, table: table, prepared: preparedFacts)
                        for block in blocks {
                            let rows = (block * blockRows)..<min(n, (block + 1) * blockRows)
                            let scores: ScoringEngine.BlockScores
                            do {
                                scores = try contributions.withUnsafeMutableBufferPointer { c in
                                    try engine.scoreBlock(encoder, rows: rows, workspace: workspace,
                                                          contributions: explain ? c.baseAddress! : nil)
                                }
                            } catch {
                                failures[block] = error
                                for r in rows {
                                    (out.baseAddress! + r).initialize(to: RiskAssessment(
                                        id: ids[r], probability: .nan, rawScore: .nan, expectedRevenue: nil,
                                        lane: .red, decision: nil, reasons: [], explanation: nil, warnings: []))
                                }
                                continue
                            }
                            contributions.withUnsafeBufferPointer { all in
                                for (k, r) in rows.enumerated() {
                                    let raw = scores.raw[k]
                                    let probability = calibration.calibrate(raw)
                                    var reasons: [Reason] = []
                                    var grouped: GroupedExplanation?
                                    if explain {
                                        (reasons, grouped) = self.reasons(
                                            UnsafeBufferPointer(rebasing: all[(k * featureCount)..<((k + 1) * featureCount)]),
                                            raw: raw, baseValue: engine.baseValue, row: r, table: table,
                                            options: options, generator: generator, selector: &selector,
                                            facts: &facts)
                                    }
                                    (out.baseAddress! + r).initialize(to: RiskAssessment(
                                        id: ids[r], probability: probability, rawScore: raw,
                                        expectedRevenue: scores.logRevenue.map {
                                            Self.expectedRevenue(probability: probability, logRevenue: $0[k])
                                        },
                                        lane: lanes.lane(for: probability), decision: nil, reasons: reasons,
                                        explanation: grouped, warnings: warnings?.sentences(row: r) ?? []))
                                }
                            }
                        }
                    }
                }
                initializedCount = n
            }
            if let failure = failures.lazy.compactMap({ $0 }).first { throw failure }
            return assessments
        }
    }

    /// The reasons of one row (and its grouped explanation with `includeExplanation`) from its
    /// contributions: one reason path whether or not the explanation is kept.
    func reasons(_ contributions: UnsafeBufferPointer<Double>, raw: Double, baseValue: Double, row r: Int,
                 table: DeclarationTable, options: ScoringOptions, generator: ReasonGenerator,
                 selector: inout ReasonSelector, facts: inout ReasonFacts)
        -> (reasons: [Reason], explanation: GroupedExplanation?) {
        var grouped: GroupedExplanation?
        if options.includeExplanation {
            let explanation = Explanation(baseValue: baseValue, contributions: Array(contributions), rawScore: raw)
            grouped = try? GroupedExplanation(explanation, grouping: grouping)
        }
        guard options.reasonCount > 0, contributions.count == grouping.featureCount else { return ([], grouped) }
        // Typed facts of the chosen groups only, formatted into the sentences. `reasonCount` is a
        // maximum: the generator may append an AEO reason beyond its `maximumCount`, which would
        // give `--reasons 3` four reasons.
        var reasons = generator.reasons(contributions: contributions, grouping: grouping, selector: &selector) {
            facts.facts(for: $0, row: r)
        }
        if reasons.count > options.reasonCount { reasons.removeLast(reasons.count - options.reasonCount) }
        return (reasons, grouped)
    }
}

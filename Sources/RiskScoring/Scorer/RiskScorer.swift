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
    let treePredictor: BoostedTreesPredictor?
    let treeExplainer: TreeExplainer?
    let linearExplainer: LinearExplainer?
    let revenuePredictor: BoostedTreesPredictor?
    let grouping: FeatureGrouping
    /// The reason generator of the default `ScoringOptions`, built once (its catalogue check
    /// compares every code); `nil` when the bundle's catalogue lacks a code (then every call
    /// builds one and throws, as before).
    let defaultGenerator: ReasonGenerator?
    let checkedColumns: [(column: String, role: FieldRole)]
    /// The feature pipeline's tables, prepared once for every transform of this scorer.
    let preparedTables: PreparedKernelTables
    /// The pipeline's side of the reason facts' look-ups, made once.
    let preparedFacts: ReasonFacts.Prepared

    /// Prepares a scorer: validates the bundle (`ModelBundle.validate()`, the same validation as
    /// loading and `riskctl inspect`, run once here) and builds the predictor and explainer from the
    /// validated models. O(model size).
    ///
    /// - Throws: `BundleError` when the bundle fails validation.
    public init(bundle: ModelBundle) throws {
        let validated = try bundle.validated()
        // Build every part in locals first, so that a throwing step never leaves `self` half-initialised.
        let predictor: BoostedTreesPredictor?
        let trees: TreeExplainer?
        let linear: LinearExplainer?
        switch bundle.model {
        case .boostedTrees:
            // `validated()` returns the validated trees of a boosted-trees model.
            predictor = BoostedTreesPredictor(model: validated.trees!)
            trees = TreeExplainer(model: validated.trees!)
            linear = nil
        case .logistic(let model):
            predictor = nil
            trees = nil
            linear = try LinearExplainer(intercept: model.intercept, coefficients: model.coefficients,
                                         reference: model.featureMeans)
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
        treePredictor = predictor
        treeExplainer = trees
        linearExplainer = linear
        revenuePredictor = validated.revenue.map { BoostedTreesPredictor(model: $0) }
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

    /// Scores one declaration (parsed through the bundle's schema exactly as a CSV row would be).
    ///
    /// - Throws: `DeclarationError` naming the declaration id and field when a value cannot be parsed
    ///   (e.g. a non-number customs value); never returns NaN.
    /// - Complexity: O(trees × depth) for the score, plus O(trees × leaves × depth²) with reasons.
    public func score(_ declaration: Declaration, options: ScoringOptions = ScoringOptions()) throws -> RiskAssessment {
        // The bundle's schema was validated when the scorer was made (`bundle.validate()`).
        let table = try DeclarationTable(declarations: [declaration], schema: bundle.schema, schemaIsValidated: true)
        var single = options
        single.threadCount = 1
        // The batch path minus its batch machinery: the trees walk the one row directly (same
        // trees, same order of additions, so the same Doubles as `rawScores`), no block buffers.
        let kind = bundle.model.featureKind
        let matrix = try bundle.pipeline.transform(table, for: kind, threadCount: 1, prepared: preparedTables)
        var row = [Float](repeating: 0, count: matrix.columnCount)
        row.withUnsafeMutableBufferPointer { matrix.copyRow(0, into: $0) }
        let raw: Double
        var fused: [Double]?
        switch bundle.model {
        case .boostedTrees:
            guard matrix.columnCount == treePredictor!.featureCount else {
                return try score(table, options: single)[0]  // the batch path throws the shape error
            }
            // Explaining a fully tabulated model: contributions and raw score in one pass (the same
            // Doubles as explaining and predicting separately), else the predictor here and the
            // explainer in `assessments`.
            if options.reasonCount > 0 || options.includeExplanation, let treeExplainer,
               matrix.columnCount == treeExplainer.featureCount {
                var contributions = [Double](repeating: 0, count: matrix.columnCount)
                let result = row.withUnsafeBufferPointer { x in
                    contributions.withUnsafeMutableBufferPointer { treeExplainer.explainScoringRow(x, into: $0) }
                }
                if let result { fused = contributions }
                raw = result?.rawScore ?? row.withUnsafeBufferPointer { treePredictor!.rawScore($0) }
            } else {
                raw = row.withUnsafeBufferPointer { treePredictor!.rawScore($0) }
            }
        case .logistic(let model):
            raw = try model.rawScores(matrix)[0]  // the fixed-order sum of a batch: bit-identical to it on any CPU
        }
        let probability = bundle.calibration.calibrate(raw)
        var expected: [Double]?
        if let revenuePredictor {
            var treesRow = row
            if kind != .trees {
                let treesMatrix = try bundle.pipeline.transform(table, for: .trees, threadCount: 1, prepared: preparedTables)
                treesRow = [Float](repeating: 0, count: treesMatrix.columnCount)
                treesRow.withUnsafeMutableBufferPointer { treesMatrix.copyRow(0, into: $0) }
            }
            guard treesRow.count == revenuePredictor.featureCount else { return try score(table, options: single)[0] }
            let logRevenue = treesRow.withUnsafeBufferPointer { revenuePredictor.rawScore($0) }
            expected = [Self.expectedRevenue(probability: probability, logRevenue: logRevenue)]
        }
        return try assessments(table, matrix: matrix, raw: [raw], probabilities: [probability], expected: expected,
                               decisions: nil, options: single, contributions: fused)[0]
    }

    /// Scores a batch in input order, in parallel; with a policy, also ranks and selects.
    ///
    /// - Throws: errors of the feature transform (shape mismatches), never NaN results.
    /// - Complexity: O(rows × per-row cost / threads).
    public func score(_ table: DeclarationTable, policy: TargetingPolicy? = nil,
                      options: ScoringOptions = ScoringOptions()) throws -> [RiskAssessment] {
        let n = table.rowCount
        guard n > 0 else { return [] }
        guard table.ids.count == n else {
            throw ScoringError(.invalidDeclaration, "the table has \(n) rows but \(table.ids.count) ids; expected one "
                               + "id per row. Build tables with DeclarationReader or DeclarationTable(declarations:schema:).")
        }
        var timer = StageTimer()
        let kind = bundle.model.featureKind
        let matrix = try bundle.pipeline.transform(table, for: kind, threadCount: options.threadCount,
                                                     prepared: preparedTables)
        timer.lap("transform")
        let raw: [Double]
        // With explanations, one pass over the trees gives every row's raw score and contributions
        // (`TreeExplainer.explainBlock`): the Doubles of `rawScores` and of `explain(_:into:)`.
        var contributions: [Double]?
        switch bundle.model {
        case .boostedTrees:
            if options.reasonCount > 0 || options.includeExplanation, let treeExplainer,
               matrix.columnCount == treeExplainer.featureCount {
                let explained = try treeExplainer.contributions(for: matrix, threadCount: options.threadCount)
                (raw, contributions) = (explained.rawScores, explained.contributions)
            } else {
                raw = try treePredictor!.rawScores(matrix, threadCount: options.threadCount)
            }
        case .logistic(let model):
            raw = try model.rawScores(matrix)
        }
        timer.lap("predict")
        let probabilities = raw.map { bundle.calibration.calibrate($0) }
        timer.lap("calibrate")
        var expected: [Double]?
        if let revenuePredictor {
            let treesMatrix = kind == .trees ? matrix
                : try bundle.pipeline.transform(table, for: .trees, threadCount: options.threadCount,
                                                prepared: preparedTables)
            let logRevenue = try revenuePredictor.rawScores(treesMatrix, threadCount: options.threadCount)
            expected = zip(probabilities, logRevenue).map { Self.expectedRevenue(probability: $0, logRevenue: $1) }
        }
        timer.lap("revenue")
        var decisions: [TargetingPolicy.Decision]?
        if let policy {
            let values = policy.rankBy == .expectedRevenue ? (expected ?? probabilities) : probabilities
            decisions = policy.select(values, tieBreakers: raw)
        }
        timer.lap("policy")
        defer { timer.lap("assessments (reasons \(options.reasonCount), warnings \(options.includeWarnings))") }
        return try assessments(table, matrix: matrix, raw: raw, probabilities: probabilities, expected: expected,
                               decisions: decisions, options: options, contributions: contributions)
    }

    /// Probability × the revenue model's amount (it predicts log1p(revenue), clamped to [0, 700]
    /// so that `expm1` stays finite). The one formula of the batch and the single-declaration paths.
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

    /// One assessment per row of `table` from its predictions, in row order, in parallel.
    /// `precomputed`: the tree explainer's row-major contributions of every row, when the caller
    /// computed them with the raw scores (else each row is explained here).
    func assessments(_ table: DeclarationTable, matrix: FeatureMatrix, raw: [Double], probabilities: [Double],
                     expected: [Double]?, decisions: [TargetingPolicy.Decision]?,
                     options: ScoringOptions, contributions precomputed: [Double]? = nil) throws -> [RiskAssessment] {
        let n = table.rowCount
        let generator = try reasonGenerator(options)
        let explain = options.reasonCount > 0 || options.includeExplanation
        let featureCount = matrix.columnCount
        let warningSources = options.includeWarnings ? self.warningSources(table) : []
        // The index pays one look-up per distinct string up front: worth it from a few rows on;
        // a single declaration asks the pipeline directly (the same pairs, fewer allocations).
        let unseen = options.includeWarnings && n >= 8 ? bundle.pipeline.unseenValueIndex(for: table) : nil
        let ids = table.ids, lanes = bundle.lanes
        // Written in place: no optional wrapper per row and no second pass to unwrap it.
        let assessments = [RiskAssessment](unsafeUninitializedCapacity: n) { out, initializedCount in
            ParallelLoop.forEachChunk(count: n, threadCount: options.threadCount, minimumChunk: 256) { _, range in
                // Buffers reused for every row of the chunk.
                var row = [Float](repeating: 0, count: explain ? featureCount : 0)
                var contributions = [Double](repeating: 0, count: explain ? featureCount : 0)
                var selector = ReasonSelector()
                var facts = ReasonFacts(pipeline: bundle.pipeline, table: table, prepared: preparedFacts)
                for r in range {
                    var reasons: [Reason] = []
                    var grouped: GroupedExplanation?
                    if explain {
                        let base: Double
                        if let precomputed, let treeExplainer {
                            let start = r * featureCount
                            contributions.withUnsafeMutableBufferPointer { c in
                                _ = c.update(fromContentsOf: precomputed[start..<(start + featureCount)])
                            }
                            base = treeExplainer.baseValue
                        } else {
                            row.withUnsafeMutableBufferPointer { matrix.copyRow(r, into: $0) }
                            base = row.withUnsafeBufferPointer { x in
                                contributions.withUnsafeMutableBufferPointer { c in
                                    self.treeExplainer?.explain(x, into: c) ?? self.linearExplainer!.explain(x, into: c)
                                }
                            }
                        }
                        // `reasonCount` is a maximum: the generator may append an AEO reason beyond
                        // its `maximumCount`, which would give `--reasons 3` four reasons.
                        if options.includeExplanation {
                            let explanation = Explanation(baseValue: base, contributions: contributions,
                                                          rawScore: raw[r])
                            grouped = try? GroupedExplanation(explanation, grouping: grouping)
                        }
                        if options.reasonCount > 0 && featureCount == grouping.featureCount {
                            reasons = contributions.withUnsafeBufferPointer { c in
                                generator.reasons(contributions: c, grouping: grouping, selector: &selector) {
                                    facts.facts(for: $0, row: r)
                                }
                            }
                            if reasons.count > options.reasonCount { reasons.removeLast(reasons.count - options.reasonCount) }
                        }
                    }
                    var rowWarnings: [String] = []
                    if options.includeWarnings {
                        rowWarnings = warnings(warningSources, row: r)
                        if let unseen {
                            if !unseen.isEmpty { appendUnseenWarnings(unseen, row: r, to: &rowWarnings) }
                        } else {
                            for (column, value) in bundle.pipeline.unseenValues(for: table, row: r) {
                                rowWarnings.append(Self.unseenWarning(column: column, value: value))
                            }
                        }
                    }
                    let probability = probabilities[r]
                    (out.baseAddress! + r).initialize(to: RiskAssessment(
                        id: ids[r], probability: probability, rawScore: raw[r],
                        expectedRevenue: expected?[r], lane: lanes.lane(for: probability),
                        decision: decisions?[r], reasons: reasons,
                        explanation: options.includeExplanation ? grouped : nil,
                        warnings: rowWarnings))
                }
            }
            initializedCount = n
        }
        return assessments
    }

    /// Appends the identifier and category values of row `r` never seen in training, each with how
    /// it was handled (the text `unseenValues(for:row:)` gave before the index; one allocation each).
    func appendUnseenWarnings(_ index: UnseenValueIndex, row r: Int, to out: inout [String]) {
        for (column, value) in index.values(row: r) {
            out.append(Self.unseenWarning(column: column, value: value))
        }
    }

    /// "importer_id \"IM1\" was not seen in training; scored with the training prior (no history)."
    static func unseenWarning(column: String, value: String) -> String {
        let tail = "\" was not seen in training; scored with the training prior (no history)."
        var text = ""
        text.reserveCapacity(column.utf8.count + value.utf8.count + tail.utf8.count + 2)
        text += column
        text += " \""
        text += value
        text += tail
        return text
    }

    /// A checked column of a batch, looked up once per batch rather than once per row.
    struct WarningSource {
        var column: String
        var role: FieldRole
        var numbers: [Double]?
        var codes: [Int32]?
    }

    func warningSources(_ table: DeclarationTable) -> [WarningSource] {
        checkedColumns.map { column, role in
            role.isNumeric ? WarningSource(column: column, role: role, numbers: table.numbers[column] ?? [], codes: nil)
                           : WarningSource(column: column, role: role, numbers: nil,
                                           codes: table.text[column]?.codes ?? [])
        }
    }

    /// Missing or unusable inputs of row `r`, each with how it was handled, in schema order.
    ///
    /// A quantity or customs value ≤ 0 leaves the ratios divided by it undefined; the feature
    /// pipeline scores those ratios as missing (Docs/FeatureEngineering.md), and the warning says so.
    func warnings(_ sources: [WarningSource], row r: Int) -> [String] {
        var out: [String] = []
        for source in sources {
            let column = source.column
            if let numbers = source.numbers {
                guard r < numbers.count else { continue }
                let value = numbers[r]
                if value.isNaN {
                    out.append(treePredictor != nil
                               ? "\(column) is missing; scored as missing (trees learned a direction for it)."
                               : "\(column) is missing; scored as missing (imputed with the training median).")
                } else if value <= 0, source.role == .quantity {
                    out.append("\(column) is \(value); the unit value is undefined and scored as missing.")
                } else if value <= 0, source.role == .customsValue {
                    out.append("\(column) is \(value); the tax and FOB ratios are undefined and scored as missing.")
                }
            } else if let codes = source.codes, r < codes.count, codes[r] < 0 {
                out.append("\(column) is missing; scored as an unseen value (the training prior).")
            }
        }
        return out
    }
}

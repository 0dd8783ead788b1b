import RiskData
import RiskMetrics

/// Trains gradient-boosted regression trees on a `Dataset` (histogram algorithm, LightGBM style).
///
/// ```swift
/// var configuration = BoostedTreesConfiguration()
/// configuration.iterationCount = 200
/// let result = try BoostedTrees(configuration: configuration).fit(training, validation: holdout)
/// let probabilities = try result.model.probabilities(holdout.features)
/// ```
///
/// Same data, configuration and `randomSeed` ⇒ a bit-identical model for every `threadCount`.
/// See Docs/Trees.md for the algorithm.
public struct BoostedTrees: Sendable {
    public var configuration: BoostedTreesConfiguration

    public init(configuration: BoostedTreesConfiguration = BoostedTreesConfiguration()) {
        self.configuration = configuration
    }

    /// Trains a model.
    ///
    /// - Parameters:
    ///   - training: Rows to learn from; labels 0/1 for `.logistic`, any finite value for `.squaredError`.
    ///     `weights` (if any) multiply each row's gradient and hessian.
    ///   - validation: Optional held-out rows with the same columns; enables early stopping
    ///     (`earlyStoppingRounds`) on `earlyStoppingMetric`, keeping the best round's trees.
    ///   - onEvent: Called on the calling thread after every round.
    /// - Returns: The model and a report (rounds run, best round, metric history).
    /// - Throws: `RiskTreesError` `.invalidParameter` for a bad configuration, `.invalidData` for
    ///   unusable data (no rows, a non-0/1 logistic label, one class, zero total weight), `.shapeMismatch`
    ///   when the validation columns differ.
    /// - Complexity: O(iterations × (rows × depth + Σ smaller-child rows × features)).
    /// Per-feature directions (`-1`, `0`, `1`) from constraints by name; empty when none applies.
    ///
    /// - Throws: `RiskTreesError` `.invalidParameter` for a name the schema lacks (the message lists
    ///   the numeric features) or a categorical feature.
    static func monotoneDirections(_ constraints: [String: Int], schema: FeatureSchema) throws -> [Int8] {
        guard constraints.values.contains(where: { $0 != 0 }) else { return [] }
        var directions = [Int8](repeating: 0, count: schema.columns.count)
        let index = Dictionary(schema.columns.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        let numeric = schema.columns.filter { $0.kind == .numeric }.map(\.name)
        for (name, direction) in constraints.sorted(by: { $0.key < $1.key }) where direction != 0 {
            guard let k = index[name] else {
                throw RiskTreesError(.invalidParameter, "monotone constraint names feature \"\(name)\", which the data "
                                     + "do not have. Numeric features: \(numeric.joined(separator: ", ")).")
            }
            guard schema.columns[k].kind == .numeric else {
                throw RiskTreesError(.invalidParameter, "monotone constraint names feature \"\(name)\", which is "
                                     + "categorical: its codes have no order. Constrain a numeric feature.")
            }
            directions[k] = Int8(direction)
        }
        return directions
    }

    public func fit(_ training: Dataset, validation: Dataset? = nil,
                    onEvent: ((TrainingEvent) -> Void)? = nil) throws -> BoostedTreesResult {
        let configuration = self.configuration
        try configuration.validate()
        let n = training.rowCount
        let featureCount = training.features.columnCount
        guard n > 0, featureCount > 0 else {
            throw RiskTreesError(.invalidData, "training set has \(n) rows and \(featureCount) features; "
                                 + "training needs at least one of each.")
        }
        guard n <= Int(UInt32.max) else {
            throw RiskTreesError(.invalidData, "training set has \(n) rows; at most \(UInt32.max) are supported.")
        }
        if let validation {
            guard validation.features.schema == training.features.schema else {
                throw RiskTreesError(.shapeMismatch, "validation set has columns \(validation.features.schema.names) "
                                     + "but training has \(training.features.schema.names); use the same schema.")
            }
        }
        let objective = configuration.objective
        if objective == .logistic {
            for dataset in [training] + (validation.map { [$0] } ?? []) {
                if let bad = dataset.labels.firstIndex(where: { $0 != 0 && $0 != 1 }) {
                    let name = dataset == training ? "training" : "validation"
                    throw RiskTreesError(.invalidData, "\(name) label of row \(bad) is \(dataset.labels[bad]); "
                                         + "the logistic objective needs 0 or 1.")
                }
            }
        }
        let weights = Self.rowWeights(training, configuration: configuration)
        var weightSum = 0.0, weightedLabelSum = 0.0
        for i in 0..<n {
            let weight = Double(weights?[i] ?? 1)
            weightSum += weight
            weightedLabelSum += weight * Double(training.labels[i])
        }
        guard weightSum > 0 else {
            throw RiskTreesError(.invalidData, "training weights sum to 0; at least one row needs a positive weight.")
        }
        let baseScore: Double
        switch objective {
        case .logistic:
            let prior = weightedLabelSum / weightSum
            guard prior > 0, prior < 1 else {
                throw RiskTreesError(.invalidData, "training labels hold only \(prior > 0 ? "positives" : "negatives");"
                                     + " the logistic objective needs both classes.")
            }
            baseScore = _logarithm(prior / (1 - prior))
        case .squaredError:
            baseScore = weightedLabelSum / weightSum
        }

        // Binning (edges from a seeded sample of the training rows), then the binned matrices.
        let threads = configuration.threadCount
        let mappers = makeBinMappers(for: training.features, binCount: configuration.binCount,
                                     sampleCount: configuration.binningSampleCount, seed: configuration.randomSeed,
                                     threadCount: threads)
        let binned = BinnedMatrix(training.features, mappers: mappers, threadCount: threads)
        let validationBinned = validation.map { BinnedMatrix($0.features, mappers: mappers, threadCount: threads) }
        let monotone = try Self.monotoneDirections(configuration.monotoneConstraints, schema: training.features.schema)
        let grower = TreeGrower(configuration: configuration, binned: binned, mappers: mappers, monotone: monotone)

        var scores = [Double](repeating: baseScore, count: n)
        var validationScores = [Double](repeating: baseScore, count: validation?.rowCount ?? 0)
        var gradients = [Float](repeating: 0, count: n), hessians = [Float](repeating: 0, count: n)
        var trees: [RegressionTree] = []
        var trainingLossHistory: [Double] = [], validationHistory: [Double] = []
        let metric: EarlyStoppingMetric? = validation == nil ? nil : configuration.earlyStoppingMetric
        var bestIteration = 0, bestMetric = Double.nan
        var stoppedEarly = false
        let allFeatures = Array(0..<featureCount)

        func report(loss: Double) {
            trainingLossHistory.append(loss / weightSum)
            let event = TrainingEvent(iteration: trainingLossHistory.count, trainingLoss: loss / weightSum,
                                      validationMetric: validationHistory.last)
            onEvent?(event)
        }

        for iteration in 0..<configuration.iterationCount {
            let loss = ObjectiveKernels.gradients(objective: objective, scores: scores, labels: training.labels,
                                                  weights: weights, gradients: &gradients, hessians: &hessians,
                                                  threadCount: threads)
            if iteration > 0 { report(loss: loss) }
            if stoppedEarly { break }
            var generator = SeededGenerator(seed: configuration.randomSeed ^ (0xA076_1D64_78BD_642F
                                                                              &* UInt64(iteration + 1)))
            let rows = configuration.rowSubsample < 1
                ? Self.sampleRows(count: n, fraction: configuration.rowSubsample, generator: &generator) : nil
            let features = configuration.columnSubsample < 1
                ? Self.sampleFeatures(count: featureCount, fraction: configuration.columnSubsample,
                                      generator: &generator) : allFeatures
            gradients.withUnsafeBufferPointer { g in
                hessians.withUnsafeBufferPointer { h in
                    grower.grow(rows: rows, features: features, gradients: g.baseAddress!, hessians: h.baseAddress!)
                }
            }
            let tree = try grower.exportTree()
            trees.append(tree)
            Self.addLeafValues(grower: grower, scores: &scores)
            if let rows {
                let outOfBag = Self.complement(of: rows, count: n)
                addBinnedTreeOutput(nodes: grower.nodes, binned: binned, rows: outOfBag, scores: &scores,
                                    threadCount: threads)
            }
            if let validation, let validationBinned, let metric {
                addBinnedTreeOutput(nodes: grower.nodes, binned: validationBinned, rows: nil,
                                    scores: &validationScores, threadCount: threads)
                let value = try Self.metricValue(metric, objective: objective, scores: validationScores,
                                                 dataset: validation)
                validationHistory.append(value)
                let improved = bestMetric.isNaN || (metric == .auc ? value > bestMetric : value < bestMetric)
                if improved {
                    bestMetric = value
                    bestIteration = trees.count
                } else if let rounds = configuration.earlyStoppingRounds, trees.count - bestIteration >= rounds {
                    stoppedEarly = trees.count < configuration.iterationCount
                }
            }
        }
        if trainingLossHistory.count < trees.count {
            report(loss: ObjectiveKernels.loss(objective: objective, scores: scores, labels: training.labels,
                                               weights: weights, threadCount: threads))
        }
        let iterationsRun = trees.count
        let keep = validation != nil && configuration.earlyStoppingRounds != nil ? bestIteration : iterationsRun
        let model = try BoostedTreesModel(trees: Array(trees.prefix(keep)), baseScore: baseScore, objective: objective,
                                      featureSchema: training.features.schema)
        let report = TrainingReport(iterationsRun: iterationsRun, bestIteration: keep, stoppedEarly: stoppedEarly,
                                    validationMetric: metric, trainingLossHistory: trainingLossHistory,
                                    validationMetricHistory: validationHistory)
        return BoostedTreesResult(model: model, report: report)
    }

    // MARK: - Steps

    /// Sample weight × `positiveClassWeight` for positives (logistic); `nil` when every weight is 1
    /// (no n-element array of ones).
    static func rowWeights(_ dataset: Dataset, configuration: BoostedTreesConfiguration) -> [Float]? {
        let reweightsPositives = configuration.objective == .logistic && configuration.positiveClassWeight != 1
        if dataset.weights == nil && !reweightsPositives { return nil }
        var weights = dataset.weights ?? [Float](repeating: 1, count: dataset.rowCount)
        if configuration.objective == .logistic && configuration.positiveClassWeight != 1 {
            let factor = Float(configuration.positiveClassWeight)
            for i in weights.indices where dataset.labels[i] == 1 { weights[i] *= factor }
        }
        return weights
    }

    /// Rows kept with probability `fraction` each (Bernoulli, seeded), increasing.
    static func sampleRows(count: Int, fraction: Double, generator: inout SeededGenerator) -> [UInt32] {
        var rows: [UInt32] = []
        rows.reserveCapacity(Int(Double(count) * fraction * 1.05) + 16)
        for i in 0..<count where generator.nextUnit() < fraction { rows.append(UInt32(truncatingIfNeeded: i)) }
        if rows.isEmpty { rows.append(UInt32(generator.nextInt(below: count))) }
        return rows
    }

    /// `max(1, round(fraction × count))` distinct features, seeded, increasing.
    static func sampleFeatures(count: Int, fraction: Double, generator: inout SeededGenerator) -> [Int] {
        var features = Array(0..<count)
        let keep = max(1, Int((fraction * Double(count)).rounded()))
        for i in 0..<keep { features.swapAt(i, i + generator.nextInt(below: count - i)) }
        return features.prefix(keep).sorted()
    }

    /// Rows of `0..<count` not in the increasing list `rows`.
    static func complement(of rows: [UInt32], count: Int) -> [UInt32] {
        var out: [UInt32] = []
        out.reserveCapacity(count - rows.count)
        var next = 0
        for i in 0..<count {
            if next < rows.count && Int(rows[next]) == i { next += 1 } else { out.append(UInt32(i)) }
        }
        return out
    }

    /// Adds each leaf's value to the scores of its rows (the rows the tree was grown on).
    static func addLeafValues(grower: TreeGrower, scores: inout [Double]) {
        let nodes = grower.nodes
        grower.partition.withUnsafeBufferPointer { partition in
            scores.withUnsafeMutableBufferPointer { out in
                for leaf in grower.leaves {
                    let value = nodes[leaf.node].value
                    for i in leaf.start..<(leaf.start + leaf.count) { out[Int(partition[i])] += value }
                }
            }
        }
    }

    static func metricValue(_ metric: EarlyStoppingMetric, objective: ObjectiveKind, scores: [Double],
                            dataset: Dataset) throws -> Double {
        switch metric {
        case .auc:
            do {
                return try rocAUC(scores: scores, labels: dataset.labels, weights: dataset.weights)
            } catch let error as MetricError {
                throw RiskTreesError(.invalidData, "validation AUC cannot be computed: \(error.message) "
                                     + "Use a validation set with both classes or earlyStoppingMetric log_loss.")
            }
        case .logLoss, .meanSquaredError:
            var loss = 0.0, weightSum = 0.0
            for i in scores.indices {
                let w = Double(dataset.weights?[i] ?? 1)
                let rowObjective: ObjectiveKind = metric == .logLoss ? .logistic : .squaredError
                let score = metric == .meanSquaredError && objective == .logistic
                    ? 1 / (1 + _exponential(-scores[i])) : scores[i]
                loss += w * ObjectiveKernels.rowLoss(objective: rowObjective, score: score,
                                                     label: Double(dataset.labels[i]))
                weightSum += w
            }
            return weightSum > 0 ? loss / weightSum : .nan
        }
    }
}

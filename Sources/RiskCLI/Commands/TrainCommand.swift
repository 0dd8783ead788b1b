import ArgumentParser
import CustomsRisk
import Foundation

/// `riskctl train`: declarations in, model bundle out.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a risk model on labelled declarations and write a model bundle.",
        discussion: """
            Without --valid, the latest 20% of declarations by date (or a seeded 20% when the schema has no \
            date) are held out. Its earlier half chooses the number of trees (early stopping) and fits the \
            calibration and lane thresholds; its later half measures the validation metrics. Then the feature \
            pipeline and the model are refit on all labelled declarations (training and --valid), with the \
            number of trees scaled by the row ratio. --no-refit ships the model fitted before the hold-out, \
            early-stopped, calibrated and measured on the whole hold-out. Defaults are tuned for customs data; \
            no flag is needed for a good first model.
            """)

    @OptionGroup var input: DeclarationInput
    @Option(name: .long, help: ArgumentHelp("Model family: gbt (boosted trees) or logistic.", valueName: "gbt|logistic"))
    var model: ModelFamily = .boostedTrees
    @Option(name: .long, help: ArgumentHelp("Validation declarations (same schema).", valueName: "file"))
    var valid: String?
    @Option(name: .long, help: ArgumentHelp("Where to write the model bundle.", valueName: "file"))
    var out: String
    @Flag(name: .long, help: "Replace an existing --out file.")
    var force = false
    @Option(name: .long, help: "Seed of every random choice.")
    var seed: UInt64 = 42
    @OptionGroup var threads: ThreadOptions
    @Flag(name: .long, help: "Pin the creation time so identical trainings give byte-identical bundles.")
    var reproducible = false
    @Option(name: .long, help: ArgumentHelp("Probability calibration.", valueName: "automatic|platt|isotonic|none"))
    var calibration: CalibrationMethod = .automatic
    @Flag(name: .customLong("no-refit"), help: "Ship the model fitted before the hold-out instead of refitting on all declarations.")
    var noRefit = false
    @Option(name: .customLong("propensity-clip"), help: ArgumentHelp(
        "Selected history: selection probabilities below this are raised to it before weighting by their inverse.",
        valueName: "probability"))
    var propensityClip: Double = 0.01
    @Flag(name: .customLong("no-propensity-weights"),
          help: "Selected history: count every inspected declaration once instead of weighting by inverse selection probability.")
    var noPropensityWeights = false

    // Boosted trees
    @Option(name: .long, help: "Boosting iterations (trees) at most.") var iterations: Int?
    @Option(name: .customLong("learning-rate"), help: "Shrinkage of each tree.") var learningRate: Double?
    @Option(name: .customLong("max-leaves"), help: "Leaves per tree at most.") var maxLeaves: Int?
    @Option(name: .customLong("max-depth"), help: "Tree depth at most (default: unlimited; 6 for symmetric trees).")
    var maxDepth: Int?
    @Option(name: .long, help: ArgumentHelp(
        "Tree growth: leaf-wise (best-first), depth-wise, or symmetric (oblivious: one question per level; "
            + "explains every declaration at prediction speed).", valueName: "leaf-wise|depth-wise|symmetric"))
    var growth: GrowthOption?
    @Option(name: .customLong("min-child-weight"), help: "Smallest hessian sum in a leaf.") var minChildWeight: Double?
    @Option(name: .customLong("min-samples-leaf"), help: "Fewest declarations in a leaf.") var minSamplesLeaf: Int?
    @Option(name: .long, help: "L2 penalty (trees: on leaf values; logistic: on coefficients).") var l2: Double?
    @Option(name: .long, help: "Histogram bins per feature (2…255).") var bins: Int?
    @Option(name: .customLong("early-stopping-rounds"), help: "Stop after this many rounds without improvement (0 = off).")
    var earlyStoppingRounds: Int?
    @Option(name: .customLong("row-subsample"), help: "Fraction of rows per tree.") var rowSubsample: Double?
    @Option(name: .customLong("column-subsample"), help: "Fraction of features per tree.") var columnSubsample: Double?
    @Option(name: .customLong("positive-weight"), help: "Weight of illicit declarations (probabilities stay calibrated).")
    var positiveWeight: Double?
    @Option(name: .long, help: ArgumentHelp(
        "Monotone constraints on features (trees): 1 = the risk never falls as the feature grows, -1 = never rises, "
            + "e.g. unit_value_log_ratio=-1,trader_tenure_days=-1. Names as `riskctl features` exports them.",
        valueName: "name=±1,…"))
    var monotone: String?
    // Logistic regression
    @Option(name: .long, help: "L1 penalty (logistic).") var l1: Double?
    @Option(name: .customLong("max-iterations"), help: "Solver iterations at most (logistic).") var maxIterations: Int?

    func validate() throws {
        if growth == .symmetric, let maxLeaves {
            throw ValidationError("--max-leaves \(maxLeaves) does not apply to --growth symmetric: a symmetric tree of "
                                  + "depth D has 2^D leaves. Give --max-depth instead (default 6).")
        }
        guard propensityClip > 0, propensityClip <= 1 else {
            throw ValidationError("--propensity-clip is \(propensityClip); expected a selection probability in (0, 1].")
        }
    }

    func run() throws {
        let outURL = URL(fileURLWithPath: out)
        let schemaURL = try input.schemaURL()
        // Every check of the output (never an input, --force to replace, a regular file in a writable
        // directory) runs before training, so a typo costs a second, not the run.
        try checkOutput(out, inputs: [input.dataURL, schemaURL] + (valid.map { [URL(fileURLWithPath: $0)] } ?? []),
                        force: force)
        let schema = try DeclarationSchema.load(contentsOf: schemaURL)
        let training = try input.read(schema: schema, requireLabel: true).table
        var validation: DeclarationTable?
        if let valid {
            var validInput = input
            validInput.data = valid
            validation = try validInput.read(schema: schema, requireLabel: true).table
        }
        let options = try trainingOptions()
        let progress = ProgressPrinter(total: model == .boostedTrees ? options.trees.iterationCount : 0)
        let outcome = try ModelTrainer(options: options).train(training, validation: validation) { event in
            progress.report(event)
        }
        progress.finish()
        for warning in outcome.warnings { printError("warning: \(warning)") }
        try outcome.bundle.write(to: outURL, overwrite: true)
        let r = outcome.validationReport, m = outcome.bundle.metadata
        print("model: \(outcome.bundle.model.kindName), \(m.iterations) iterations, "
              + "\(outcome.bundle.model.featureSchema.columns.count) features, trained on \(m.trainingRows) declarations")
        if let s = m.selection {
            print("selection: \(s.iterations) iterations on \(s.trainingRows) declarations, early-stopped and calibrated "
                  + "on \(s.stoppingRows) (\(s.stoppingSource)); refit iterations: \(s.iterationRule)")
            print("validation of the selection model on \(r.rows) declarations (\(r.positives) illicit) used neither for "
                  + "early stopping nor for calibration (\(m.validationSource)):")
        } else {
            print("validation (\(m.validationSource), \(r.rows) declarations, \(r.positives) illicit; also used for "
                  + "early stopping and calibration):")
        }
        if let h = m.selectedHistory {
            print("selected history: \(h.inspectedRows) inspected of \(h.historyRows) declarations; weighting: \(h.weighting)"
                  + (h.effectiveRows.map { String(format: "; effective rows %.0f, largest weight %.1f", $0, h.largestWeight ?? 1) } ?? ""))
        }
        print(r.textTable())
        print("wrote \(out)")
    }

    func trainingOptions() throws -> TrainingOptions {
        var o = TrainingOptions()
        o.family = model
        o.seed = seed
        o.threadCount = threads.threads
        o.reproducible = reproducible
        o.calibration = calibration
        o.refit = !noRefit
        o.propensityClip = propensityClip
        o.propensityWeighting = !noPropensityWeights
        var t = o.trees
        if let v = iterations { t.iterationCount = v }
        if let v = learningRate { t.learningRate = v }
        if let v = maxLeaves { t.maximumLeafCount = v }
        if let v = maxDepth { t.maximumDepth = v }
        if let v = growth { t.growthPolicy = v.policy }
        if let v = minChildWeight { t.minimumChildWeight = v }
        if let v = minSamplesLeaf { t.minimumSamplesPerLeaf = v }
        if let v = bins { t.binCount = v }
        if let v = earlyStoppingRounds { t.earlyStoppingRounds = v == 0 ? nil : v }
        if let v = rowSubsample { t.rowSubsample = v }
        if let v = columnSubsample { t.columnSubsample = v }
        if let v = positiveWeight { t.positiveClassWeight = v }
        if let monotone { t.monotoneConstraints = try Self.parseMonotone(monotone) }
        var l = o.logistic
        if let v = l2 { t.l2Regularization = v; l.l2Regularization = v }
        if let v = l1 { l.l1Regularization = v }
        if let v = maxIterations { l.maximumIterations = v }
        if let v = positiveWeight { l.positiveClassWeight = v }
        do {
            try t.validate()
            try l.validate()
        } catch {
            throw ValidationError(CommandFailure.describe(error))
        }
        o.trees = t
        o.logistic = l
        return o
    }
}

extension TrainCommand {
    /// `name=1,other=-1` → constraints by feature name. The last `=` of an item separates the name
    /// (feature names may hold spaces, as the user's numeric columns do).
    static func parseMonotone(_ text: String) throws -> [String: Int] {
        var constraints: [String: Int] = [:]
        for item in text.split(separator: ",") {
            guard let equals = item.lastIndex(of: "="), let direction = Int(item[item.index(after: equals)...]),
                  (-1...1).contains(direction), !item[..<equals].isEmpty else {
                throw ValidationError("--monotone item \"\(item)\" is not name=1, name=-1 or name=0, e.g. "
                                      + "unit_value_log_ratio=-1.")
            }
            let name = String(item[..<equals])
            guard constraints[name] == nil else {
                throw ValidationError("--monotone names feature \"\(name)\" twice; give each feature once.")
            }
            constraints[name] = direction
        }
        return constraints
    }
}

extension ModelFamily: ExpressibleByArgument {}
extension CalibrationMethod: ExpressibleByArgument {}

/// Training progress: a redrawn bar on a terminal, a plain line every 25 iterations otherwise.
final class ProgressPrinter: @unchecked Sendable {
    let total: Int
    let terminal = standardErrorIsTerminal
    private var drewBar = false

    init(total: Int) { self.total = total }

    func report(_ progress: TrainingProgress) {
        switch progress {
        case .stage(let text):
            finish()
            printError("• \(text)")
        case .iteration(let event):
            let i = event.iteration + 1
            let metric = event.validationMetric.map { " validation \(format($0))" } ?? ""
            if terminal {
                let width = 30
                let filled = total > 0 ? min(width, i * width / total) : 0
                let bar = String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled)
                FileHandle.standardError.write(Data("\r  [\(bar)] \(i)/\(total) train loss \(format(event.trainingLoss))\(metric)  ".utf8))
                drewBar = true
            } else if i == 1 || i % 25 == 0 {
                printError("  iteration \(i)/\(total) train loss \(format(event.trainingLoss))\(metric)")
            }
        }
    }

    func finish() {
        if drewBar {
            FileHandle.standardError.write(Data("\n".utf8))
            drewBar = false
        }
    }
}

/// `--growth` values (kebab-case on the command line).
enum GrowthOption: String, ExpressibleByArgument {
    case leafWise = "leaf-wise"
    case depthWise = "depth-wise"
    case symmetric

    var policy: GrowthPolicy {
        switch self {
        case .leafWise: .leafWise
        case .depthWise: .depthWise
        case .symmetric: .symmetric
        }
    }
}

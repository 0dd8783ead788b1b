import ArgumentParser
import CustomsRisk
import Foundation

/// `riskctl replay`: targeting replayed over a fully labelled history, period by period (Docs/Feedback.md).
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay targeting over a labelled history: score each period, select under a budget with "
            + "exploration, reveal only the selected outcomes, retrain; compare with an oracle and random.")

    @OptionGroup var input: DeclarationInput
    @Option(name: .long, help: ArgumentHelp("First replayed day (YYYY-MM-DD): earlier declarations train the first bundle.",
                                            valueName: "date"))
    var start: String
    @Option(name: .long, help: ArgumentHelp("Length of a period.", valueName: "day|week|month"))
    var period: ReplayPeriod = .week
    @Option(name: .long, help: ArgumentHelp("Share of each period's declarations inspected.", valueName: "share"))
    var budget: Double = 0.05
    @Option(name: .long, help: ArgumentHelp(
        "Share of the budget drawn at random from the declarations the model did not rank in; several "
            + "comma-separated shares replay each (e.g. 0,0.1,0.2).", valueName: "shares"))
    var exploration: String = "0.1"
    @Option(name: .customLong("retrain-every"), help: ArgumentHelp("Retrain after this many periods.", valueName: "n"))
    var retrainEvery: Int = 4
    @Option(name: .long, help: "Seed of the exploration draws, the random baseline and training.")
    var seed: UInt64 = 1
    @Flag(name: .customLong("no-oracle"), help: "Skip the oracle (a model retrained with every label revealed).")
    var noOracle = false
    @Option(name: .long, help: ArgumentHelp("Model family: gbt (boosted trees) or logistic.", valueName: "gbt|logistic"))
    var model: ModelFamily = .boostedTrees
    @Option(name: .long, help: "Boosting iterations (trees) at most, per training.") var iterations: Int?
    @OptionGroup var threads: ThreadOptions
    @Option(name: .long, help: ArgumentHelp("Where to write the replay as JSON.", valueName: "file"))
    var out: String
    @Option(name: .long, help: ArgumentHelp("Also write an HTML report with the charts over time.", valueName: "file"))
    var report: String?
    @Flag(name: .long, help: "Replace existing --out and --report files.")
    var force = false

    /// The exploration shares of `--exploration`.
    func explorationShares() throws -> [Double] {
        try exploration.split(separator: ",", omittingEmptySubsequences: false).map { part in
            let text = part.trimmingCharacters(in: .whitespaces)
            guard let share = Double(text), share >= 0, share < 1 else {
                throw ValidationError("--exploration has \"\(text)\"; expected shares of the budget in [0, 1), "
                                      + "comma-separated (e.g. 0,0.1).")
            }
            return share
        }
    }

    func startDay() throws -> Int32 {
        let day = Array(start.utf8).withUnsafeBufferPointer { ValueParsers.parseDate($0) }
        guard let day else {
            throw ValidationError("--start is \"\(start)\"; expected a date as YYYY-MM-DD.")
        }
        return day
    }

    func validate() throws {
        _ = try explorationShares()
        _ = try startDay()
        guard budget > 0, budget <= 1 else {
            throw ValidationError("--budget is \(budget); expected a share of each period's declarations in (0, 1].")
        }
        guard retrainEvery >= 1 else { throw ValidationError("--retrain-every is \(retrainEvery); expected 1 or more.") }
        if let iterations, iterations < 1 { throw ValidationError("--iterations is \(iterations); expected 1 or more.") }
    }

    func run() throws {
        let inputs = [input.dataURL]
        try checkOutput(out, inputs: inputs, force: force)
        if let report {
            try checkOutput(report, inputs: inputs + [URL(fileURLWithPath: out)], force: force)
        }
        let table = try input.read(requireLabel: true).table
        var configuration = ReplayConfiguration(start: try startDay())
        configuration.period = period
        configuration.budget = budget
        configuration.explorationShares = try explorationShares()
        configuration.retrainEvery = retrainEvery
        configuration.seed = seed
        configuration.includeOracle = !noOracle
        configuration.training.family = model
        configuration.training.seed = seed
        configuration.training.threadCount = threads.threads
        configuration.training.reproducible = true
        if let iterations { configuration.training.trees.iterationCount = iterations }
        let result = try TargetingReplay(configuration: configuration).run(table) { line in printError(line) }
        let document = ReplayDocument(result)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try AtomicFile.write(encoder.encode(document) + Data("\n".utf8), to: URL(fileURLWithPath: out), overwrite: true)
        if let report {
            try AtomicFile.write(Data(result.html(title: "Targeting replay of \(input.dataURL.lastPathComponent)").utf8),
                                 to: URL(fileURLWithPath: report), overwrite: true)
        }
        print("replay of \(result.random.totals.declarations) declarations in \(result.random.periods.count) "
              + "\(period.rawValue)s from \(start), budget \(budget), retrained every \(retrainEvery); first bundle "
              + "trained on \(result.initialTrainingRows) declarations")
        print(result.textTable())
        print("wrote \(out)" + (report.map { " and \($0)" } ?? ""))
    }
}

/// replay.json: the first exploration share's `periods` and `totals` at the top (the issue's
/// format), then every run, the oracle and the random baseline.
struct ReplayDocument: Encodable {
    var periods: [ReplayPeriodResult]
    var totals: ReplayTotals
    var exploration: Double?
    var result: ReplayResult

    init(_ result: ReplayResult) {
        periods = result.runs[0].periods
        totals = result.runs[0].totals
        exploration = result.runs[0].exploration
        self.result = result
    }

    enum CodingKeys: String, CodingKey {
        case periods, totals, exploration, runs, oracle, random, initialTrainingRows = "initial_training_rows",
             budget, period, retrainEvery = "retrain_every", seed
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(periods, forKey: .periods)
        try container.encode(totals, forKey: .totals)
        try container.encode(exploration, forKey: .exploration)
        try container.encode(result.runs, forKey: .runs)
        try container.encodeIfPresent(result.oracle, forKey: .oracle)
        try container.encode(result.random, forKey: .random)
        try container.encode(result.initialTrainingRows, forKey: .initialTrainingRows)
        try container.encode(result.budget, forKey: .budget)
        try container.encode(result.period, forKey: .period)
        try container.encode(result.retrainEvery, forKey: .retrainEvery)
        try container.encode(result.seed, forKey: .seed)
    }
}

extension ReplayPeriod: ExpressibleByArgument {}

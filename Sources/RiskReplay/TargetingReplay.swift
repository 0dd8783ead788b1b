import Foundation
import RiskData
import RiskDeclarations
import RiskMetrics
import RiskModelBundle
import RiskScoring
import RiskTraining

/// How long one replayed period lasts.
public enum ReplayPeriod: String, Sendable, Hashable, Codable, CaseIterable {
    case day, week, month
}

/// What a replay does: where it starts, how often it selects and retrains, and under which budget.
public struct ReplayConfiguration: Sendable, Hashable {
    /// The first replayed day (days since 1970-01-01): declarations before it train the first bundle.
    public var start: Int32
    public var period: ReplayPeriod = .week
    /// Share of each period's declarations inspected, in (0, 1].
    public var budget: Double = 0.05
    /// Exploration shares to compare, each in [0, 1): the share of the budget drawn at random from
    /// the declarations the model did not rank in. One replay runs per share.
    public var explorationShares: [Double] = [0.1]
    /// Retrain after every this many periods (≥ 1), on the declarations revealed so far.
    public var retrainEvery: Int = 4
    /// Seed of the exploration draws and the random baseline (training has its own in `training`).
    public var seed: UInt64 = 1
    /// How every bundle is trained (the first, the retrained and the oracle's).
    public var training = TrainingOptions()
    /// Also run the oracle: the same budget and schedule, retrained with every label revealed.
    public var includeOracle = true

    public init(start: Int32) { self.start = start }
}

/// One replayed period of one policy.
public struct ReplayPeriodResult: Sendable, Hashable, Codable {
    /// The period's first day, `YYYY-MM-DD`.
    public var start: String
    public var declarations: Int
    public var selected: Int
    /// Illicit declarations among the selected ones.
    public var illicitFound: Int
    /// Revenue recovered from the selected ones (0 without a revenue column).
    public var revenueFound: Double
    /// illicitFound / selected (0 when nothing was selected).
    public var precision: Double
    /// revenueFound / `revenue` (0 when the period has none).
    public var revenueShare: Double
    /// Revenue of every illicit declaration in the period, found or not.
    public var revenue: Double
    /// Illicit declarations in the period, found or not (what the replay knows and the policy did not).
    public var illicit: Int
    /// Whether the bundle was retrained after this period.
    public var retrained: Bool

    enum CodingKeys: String, CodingKey {
        case start, declarations, selected, illicitFound = "illicit_found", revenueFound = "revenue_found",
             precision, revenueShare = "revenue_share", revenue, illicit, retrained
    }
}

/// Totals of one policy over the whole replay.
public struct ReplayTotals: Sendable, Hashable, Codable {
    public var declarations: Int
    public var selected: Int
    public var illicitFound: Int
    /// Σ found / Σ selected.
    public var precision: Double
    /// Σ found / Σ illicit in the replayed periods.
    public var recall: Double
    /// Σ revenue found / Σ revenue in the replayed periods.
    public var revenueShare: Double
    /// The oracle's revenue share (a model retrained with every label revealed), when run.
    public var oracleRevenueShare: Double?
    /// The revenue share of the same budget drawn at random in each period (seeded).
    public var randomRevenueShare: Double

    enum CodingKeys: String, CodingKey {
        case declarations, selected, illicitFound = "illicit_found", precision, recall,
             revenueShare = "revenue_share", oracleRevenueShare = "oracle_revenue_share",
             randomRevenueShare = "random_revenue_share"
    }
}

/// One policy's replay: an exploration share, its periods and totals.
public struct ReplayRun: Sendable, Hashable, Codable {
    /// The exploration share (nil for the oracle and the random baseline).
    public var exploration: Double?
    public var periods: [ReplayPeriodResult]
    public var totals: ReplayTotals
}

/// The replay of every exploration share, the oracle and the random baseline.
public struct ReplayResult: Sendable, Hashable, Codable {
    /// One run per exploration share, in the order given.
    public var runs: [ReplayRun]
    /// The oracle: retrained with every label of the past revealed, exploitation only.
    public var oracle: ReplayRun?
    /// The budget drawn at random in each period.
    public var random: ReplayRun
    /// Declarations before the start that trained the first bundle.
    public var initialTrainingRows: Int
    public var budget: Double
    public var period: ReplayPeriod
    public var retrainEvery: Int
    public var seed: UInt64

    enum CodingKeys: String, CodingKey {
        case runs, oracle, random, initialTrainingRows = "initial_training_rows", budget, period,
             retrainEvery = "retrain_every", seed
    }
}

/// Replays targeting over a fully labelled history, period by period, as an administration would
/// live it (issue 17; after the DATE group's customs-selection simulation, Kim et al., "Active
/// Learning for Human-in-the-Loop Customs Inspection", IEEE TKDE 2022, and its public framework):
///
/// 1. the first bundle trains on every declaration before `start`;
/// 2. for each period: score its declarations, select under the budget — the model's top
///    (1 − exploration) × budget plus a uniform random draw of the rest, each with its selection
///    probability logged (`TargetingPolicy`) — and reveal the labels of the selected ones only;
/// 3. after every `retrainEvery` periods, retrain on the history revealed so far as a selected
///    history (declarations before `start` inspected with probability 1, the replayed ones with
///    their logged probabilities), so the trainer weights them by inverse selection probability and
///    the pipeline's trader/route/HS profiles learn the revealed outcomes.
///
/// The oracle runs the same schedule with every label of the past revealed (what perfect
/// information would buy), and the random baseline draws the budget uniformly in each period.
/// Deterministic: the same table and configuration give the same result, whatever the thread count.
public struct TargetingReplay: Sendable {
    public var configuration: ReplayConfiguration

    public init(configuration: ReplayConfiguration) { self.configuration = configuration }

    /// Column names the replay adds to the tables it trains on.
    static let inspectedColumn = "replay_inspected", probabilityColumn = "replay_selection_probability"

    /// Runs the replay.
    ///
    /// - Parameters:
    ///   - history: Declarations with a date and a label on every row (a fully labelled history; a
    ///     selected history with an `inspected` role is refused: its unseen outcomes cannot be revealed).
    ///   - progress: Called with a line per step.
    /// - Throws: `ReplayError` for an out-of-range setting, a row without date or label, too few
    ///   declarations before `start` or no declaration after it; any training error.
    /// - Complexity: one training per retrain per policy, one scoring pass per period per policy.
    public func run(_ history: DeclarationTable, progress: (@Sendable (String) -> Void)? = nil) throws -> ReplayResult {
        let c = configuration
        guard c.budget > 0, c.budget <= 1 else {
            throw ReplayError("budget is \(c.budget); expected a share of each period's declarations in (0, 1].")
        }
        guard c.retrainEvery >= 1 else {
            throw ReplayError("retrain every \(c.retrainEvery) periods; expected 1 or more.")
        }
        guard !c.explorationShares.isEmpty else { throw ReplayError("no exploration share given; expected at least one.") }
        for share in c.explorationShares where !(share >= 0 && share < 1) {
            throw ReplayError("exploration share is \(share); expected a share of the budget in [0, 1).")
        }
        guard history.schema.column(for: .inspected) == nil else {
            throw ReplayError("the data are a selected history (column \"\(history.schema.column(for: .inspected)!)\" has "
                              + "role inspected): a replay reveals outcomes the policy of the time never saw, so it "
                              + "needs a label on every declaration. Replay a fully labelled history.")
        }
        guard let dates = history.dates else {
            throw ReplayError("the schema has no date column; a replay walks the declarations period by period.")
        }
        guard let labels = history.labels else {
            throw ReplayError("the data have no label column; a replay needs the outcome of every declaration.")
        }
        for row in 0..<history.rowCount where dates[row] == nil || !(labels[row] == 0 || labels[row] == 1) {
            let line = history.sourceLines.map { "line \($0[row]), " } ?? ""
            let what = dates[row] == nil ? "has no date" : "has label \"\(labels[row])\"; expected 0 or 1"
            throw ReplayError("\(line)declaration \(history.ids[row]) \(what) (a replay needs a date and an outcome "
                              + "on every declaration).")
        }
        let initialRows = (0..<history.rowCount).filter { dates[$0]! < c.start }
        guard initialRows.count >= 50 else {
            throw ReplayError("only \(initialRows.count) declarations before the start \(CivilDate.format(daysSinceEpoch: c.start)); "
                              + "the first bundle needs a history to learn from. Choose a later --start.")
        }
        let periods = Self.periods(dates: dates.map { $0! }, start: c.start, period: c.period)
        guard !periods.isEmpty else {
            throw ReplayError("no declaration on or after the start \(CivilDate.format(daysSinceEpoch: c.start)); "
                              + "choose an earlier --start.")
        }
        let revenue = history.revenue

        var runs: [ReplayRun] = []
        for share in c.explorationShares {
            progress?("replay with exploration \(share)")
            runs.append(try replay(history, initialRows: initialRows, periods: periods, exploration: share,
                                   revealAll: false, progress: progress))
        }
        var oracle: ReplayRun?
        if c.includeOracle {
            progress?("oracle: retrained with every label revealed")
            oracle = try replay(history, initialRows: initialRows, periods: periods, exploration: 0, revealAll: true,
                                progress: progress)
        }
        // The random baseline: the budget drawn uniformly in each period.
        var randomPeriods: [ReplayPeriodResult] = []
        for (index, period) in periods.enumerated() {
            let count = Self.budgetCount(c.budget, period.rows.count)
            let order = Sampling.permutation(count: period.rows.count, seed: c.seed ^ 0x5EED_0000_0000_0000 ^ UInt64(index))
            var selected = [Bool](repeating: false, count: period.rows.count)
            for k in order.prefix(count) { selected[k] = true }
            randomPeriods.append(Self.periodResult(period, selected: selected, labels: labels, revenue: revenue,
                                                   retrained: false))
        }
        var random = ReplayRun(exploration: nil, periods: randomPeriods, totals: Self.totals(randomPeriods))
        let randomShare = random.totals.revenueShare
        random.totals.randomRevenueShare = randomShare
        for index in runs.indices {
            runs[index].totals.randomRevenueShare = randomShare
            runs[index].totals.oracleRevenueShare = oracle?.totals.revenueShare
        }
        if oracle != nil {
            oracle!.totals.randomRevenueShare = randomShare
            oracle!.totals.oracleRevenueShare = oracle!.totals.revenueShare
        }
        return ReplayResult(runs: runs, oracle: oracle, random: random, initialTrainingRows: initialRows.count,
                            budget: c.budget, period: c.period, retrainEvery: c.retrainEvery, seed: c.seed)
    }

    /// The declarations of one period, by row.
    struct Period {
        var start: Int32
        var rows: [Int]
    }

    /// Consecutive periods from `start` to the last date, skipping none (an empty period is kept
    /// so the chart's time axis stays even; it selects nothing).
    static func periods(dates: [Int32], start: Int32, period: ReplayPeriod) -> [Period] {
        guard let last = dates.max(), last >= start else { return [] }
        var bounds: [Int32] = [start]
        while bounds.last! <= last { bounds.append(bound(bounds.count, start: start, period: period)) }
        var result = zip(bounds, bounds.dropFirst()).map { Period(start: $0.0, rows: []) }
        for (row, date) in dates.enumerated() where date >= start {
            // The last bound ≤ date (bounds are sorted).
            var low = 0, high = bounds.count - 1
            while high - low > 1 {
                let middle = (low + high) / 2
                if bounds[middle] <= date { low = middle } else { high = middle }
            }
            result[low].rows.append(row)
        }
        return result
    }

    /// The first day of period `k` (0 = `start`): `k` days, weeks or calendar months later. A month
    /// keeps the start's day of the month, or the month's last day when it is shorter (a replay
    /// from 31 January has periods from 28 February, 31 March, 30 April…).
    static func bound(_ k: Int, start: Int32, period: ReplayPeriod) -> Int32 {
        switch period {
        case .day: return start + Int32(k)
        case .week: return start + 7 * Int32(k)
        case .month:
            let (year, month, day) = ValueParsers.civilFromDays(Int(start))
            let months = month - 1 + k
            let (boundYear, boundMonth) = (year + months / 12, months % 12 + 1)
            let clamped = min(day, ValueParsers.daysInMonth(year: boundYear, month: boundMonth))
            return Int32(ValueParsers.daysFromCivil(year: boundYear, month: boundMonth, day: clamped))
        }
    }

    /// Declarations a budget share allows among `count`: the count of `TargetingPolicy` and of the
    /// precision@k metrics (`TopSelection.selectedCount`), so every policy inspects the same number.
    static func budgetCount(_ budget: Double, _ count: Int) -> Int {
        count == 0 ? 0 : ((try? TopSelection.selectedCount(rowCount: count, rate: budget)) ?? count)
    }

    /// One policy's walk through the periods.
    func replay(_ history: DeclarationTable, initialRows: [Int], periods: [Period], exploration: Double,
                revealAll: Bool, progress: (@Sendable (String) -> Void)?) throws -> ReplayRun {
        let c = configuration
        let labels = history.labels!, revenue = history.revenue
        // What the administration knows: every declaration seen so far, whether it was inspected and
        // with which probability it was selected.
        var seenRows = initialRows
        var inspected = [Double](repeating: 1, count: initialRows.count)
        var probability = [Double](repeating: 1, count: initialRows.count)
        var scorer = try RiskScorer(bundle: train(history, rows: seenRows, inspected: inspected, probability: probability))
        var results: [ReplayPeriodResult] = []
        for (index, period) in periods.enumerated() {
            let table = history.selectingRows(period.rows)
            let policy = try TargetingPolicy(budget: .inspectionRate(c.budget), explorationShare: exploration,
                                             explorationSeed: c.seed ^ UInt64(index + 1) &* 0x9E37_79B9_7F4A_7C15)
            var selected = [Bool](repeating: false, count: period.rows.count)
            if !period.rows.isEmpty {
                let options = ScoringOptions(reasonCount: 0, threadCount: c.training.threadCount, includeWarnings: false)
                let assessments = try scorer.score(table, policy: policy, options: options)
                for (k, assessment) in assessments.enumerated() {
                    let decision = assessment.decision!
                    selected[k] = decision.selected
                    inspected.append(revealAll || decision.selected ? 1 : 0)
                    probability.append(revealAll ? 1 : decision.selectionProbability)
                }
                seenRows += period.rows
            }
            let retrain = (index + 1) % c.retrainEvery == 0 && index + 1 < periods.count
            if retrain {
                progress?("  retraining after period \(index + 1) of \(periods.count) "
                          + "(\(CivilDate.format(daysSinceEpoch: period.start)))")
                scorer = try RiskScorer(bundle: train(history, rows: seenRows, inspected: inspected,
                                                      probability: probability))
            }
            results.append(Self.periodResult(period, selected: selected, labels: labels, revenue: revenue,
                                             retrained: retrain))
        }
        return ReplayRun(exploration: revealAll ? nil : exploration, periods: results, totals: Self.totals(results))
    }

    /// Trains a bundle on `rows` of `history` as a selected history with the given inspections.
    func train(_ history: DeclarationTable, rows: [Int], inspected: [Double], probability: [Double]) throws -> ModelBundle {
        var table = history.selectingRows(rows)
        table.schema.fields += [.init(column: Self.inspectedColumn, role: .inspected),
                                .init(column: Self.probabilityColumn, role: .selectionProbability)]
        table.numbers[Self.inspectedColumn] = inspected
        table.numbers[Self.probabilityColumn] = probability
        let bundle = try ModelTrainer(options: configuration.training).train(table).bundle
        return bundle
    }

    static func periodResult(_ period: Period, selected: [Bool], labels: [Float], revenue: [Double]?,
                             retrained: Bool) -> ReplayPeriodResult {
        var chosen = 0, found = 0, illicit = 0
        var revenueFound = 0.0, revenueTotal = 0.0
        for (k, row) in period.rows.enumerated() {
            let isIllicit = labels[row] == 1
            let amount = isIllicit ? max(0, revenue?[row].finiteOrZero ?? 0) : 0
            if isIllicit { illicit += 1 }
            revenueTotal += amount
            if selected[k] {
                chosen += 1
                if isIllicit { found += 1 }
                revenueFound += amount
            }
        }
        return ReplayPeriodResult(start: CivilDate.format(daysSinceEpoch: period.start),
                                  declarations: period.rows.count, selected: chosen, illicitFound: found,
                                  revenueFound: revenueFound,
                                  precision: chosen > 0 ? Double(found) / Double(chosen) : 0,
                                  revenueShare: revenueTotal > 0 ? revenueFound / revenueTotal : 0,
                                  revenue: revenueTotal, illicit: illicit, retrained: retrained)
    }

    static func totals(_ periods: [ReplayPeriodResult]) -> ReplayTotals {
        let declarations = periods.reduce(0) { $0 + $1.declarations }
        let selected = periods.reduce(0) { $0 + $1.selected }
        let found = periods.reduce(0) { $0 + $1.illicitFound }
        let illicit = periods.reduce(0) { $0 + $1.illicit }
        let revenueFound = periods.reduce(0) { $0 + $1.revenueFound }
        let revenueTotal = periods.reduce(0) { $0 + $1.revenue }
        return ReplayTotals(declarations: declarations, selected: selected, illicitFound: found,
                            precision: selected > 0 ? Double(found) / Double(selected) : 0,
                            recall: illicit > 0 ? Double(found) / Double(illicit) : 0,
                            revenueShare: revenueTotal > 0 ? revenueFound / revenueTotal : 0,
                            oracleRevenueShare: nil, randomRevenueShare: 0)
    }
}

extension Double {
    fileprivate var finiteOrZero: Double { isFinite ? self : 0 }
}

/// Why a replay cannot run: the setting or the row, with the bad value and what was expected.
public struct ReplayError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

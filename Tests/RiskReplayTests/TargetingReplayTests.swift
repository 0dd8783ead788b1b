import CustomsRisk
import Foundation
@testable import RiskReplay
import Testing

/// Issue 17, item 4: the replay walks a labelled history period by period, selects under the
/// budget with exploration, reveals only the selected outcomes and retrains; deterministic by seed.
@Suite struct TargetingReplayTests {
    /// 6,000 generated declarations over 2025; the replay starts on 1 July.
    static let history: Result<DeclarationTable, any Error> = Result {
        try SyntheticDeclarations(rowCount: 6_000, seed: 21).table()
    }

    static func configuration(threads: Int = 2) -> ReplayConfiguration {
        var c = ReplayConfiguration(start: day("2025-07-01"))
        c.period = .month
        c.budget = 0.05
        c.explorationShares = [0, 0.2]
        c.retrainEvery = 3
        c.seed = 4
        c.training.seed = 4
        c.training.threadCount = threads
        c.training.reproducible = true
        c.training.trees.iterationCount = 15
        c.training.trees.maximumLeafCount = 8
        c.training.trees.earlyStoppingRounds = 5
        return c
    }

    static func day(_ text: String) -> Int32 {
        Array(text.utf8).withUnsafeBufferPointer { ValueParsers.parseDate($0)! }
    }

    static let result: Result<ReplayResult, any Error> = Result {
        try TargetingReplay(configuration: configuration()).run(history.get())
    }

    @Test func everyPeriodSelectsTheBudgetAndCountsWhatItFound() throws {
        let result = try Self.result.get()
        let history = try Self.history.get()
        let labels = history.labels!
        #expect(result.runs.map(\.exploration) == [0, 0.2])
        #expect(result.initialTrainingRows == history.dates!.filter { $0! < Self.day("2025-07-01") }.count)
        #expect(result.random.periods.map(\.start) == ["2025-07-01", "2025-08-01", "2025-09-01", "2025-10-01",
                                                       "2025-11-01", "2025-12-01"])
        let replayed = history.dates!.filter { $0! >= Self.day("2025-07-01") }.count
        for run in result.runs + [result.oracle!, result.random] {
            #expect(run.totals.declarations == replayed)
            for period in run.periods {
                #expect(period.selected == TargetingReplay.budgetCount(0.05, period.declarations))
                #expect(period.illicitFound <= min(period.selected, period.illicit))
                #expect(period.precision == Double(period.illicitFound) / Double(period.selected))
            }
            #expect(run.totals.illicitFound == run.periods.reduce(0) { $0 + $1.illicitFound })
        }
        // Every period's illicit count is the truth of its rows.
        let illicitAfterStart = zip(history.dates!, labels).filter { $0.0! >= Self.day("2025-07-01") && $0.1 == 1 }.count
        #expect(result.random.periods.reduce(0) { $0 + $1.illicit } == illicitAfterStart)
        // Retrained after periods 3 (and not after the last one).
        #expect(result.runs[0].periods.map(\.retrained) == [false, false, true, false, false, false])
        // The model finds far more than random; the totals carry the baselines.
        #expect(result.runs[0].totals.precision > 3 * result.random.totals.precision)
        #expect(result.runs[1].totals.randomRevenueShare == result.random.totals.revenueShare)
        #expect(result.runs[1].totals.oracleRevenueShare == result.oracle!.totals.revenueShare)
    }

    @Test func explorationTradesTodaysPrecisionForInformation() throws {
        let result = try Self.result.get()
        // With a fifth of the budget drawn at random, fewer illicit declarations are found now.
        #expect(result.runs[1].totals.illicitFound < result.runs[0].totals.illicitFound)
    }

    @Test func theSameSeedGivesTheSameReplayWhateverTheThreadCount() throws {
        let again = try TargetingReplay(configuration: Self.configuration(threads: 1)).run(Self.history.get())
        #expect(again == (try Self.result.get()))
    }

    @Test func monthlyPeriodsKeepTheStartDayOrTheMonthsLastDay() {
        let start = Self.day("2025-01-31")
        let bounds = (0..<4).map { CivilDate.format(daysSinceEpoch: TargetingReplay.bound($0, start: start, period: .month)) }
        #expect(bounds == ["2025-01-31", "2025-02-28", "2025-03-31", "2025-04-30"])
        #expect(TargetingReplay.bound(2, start: start, period: .week) == start + 14)
        let periods = TargetingReplay.periods(dates: [start - 1, start, start + 27, start + 28, start + 60],
                                              start: start, period: .month)
        #expect(periods.map(\.rows) == [[1, 2], [3], [4]])
    }

    @Test func badSettingsAndRowsAreNamed() throws {
        let history = try Self.history.get()
        func message(_ configure: (inout ReplayConfiguration) -> Void, table: DeclarationTable? = nil) -> String {
            var c = Self.configuration()
            configure(&c)
            do {
                _ = try TargetingReplay(configuration: c).run(table ?? history)
                return "no error"
            } catch {
                return "\(error)"
            }
        }
        #expect(message { $0.budget = 0 }.hasPrefix("budget is 0.0; expected"))
        #expect(message { $0.explorationShares = [1] }.hasPrefix("exploration share is 1.0; expected"))
        #expect(message { $0.retrainEvery = 0 }.hasPrefix("retrain every 0 periods"))
        #expect(message { $0.start = Self.day("2025-01-01") }.hasPrefix("only 0 declarations before the start 2025-01-01"))
        #expect(message { $0.start = Self.day("2026-06-01") }.hasPrefix("no declaration on or after the start 2026-06-01"))
        var unlabelled = history
        unlabelled.labels![7] = .nan
        #expect(message({ _ in }, table: unlabelled).contains("declaration \(history.ids[7]) has label \"nan\""))
        let bytes = try SyntheticDeclarations(rowCount: 300, seed: 2).selectedHistoryBytes(policy: .random, rate: 0.5)
        let selected = try DeclarationReader.read(bytes: bytes, source: "h.csv",
                                                  schema: SyntheticDeclarations.selectedHistorySchema).table
        #expect(message({ _ in }, table: selected).hasPrefix("the data are a selected history"))
    }

    @Test func theReportChartsEveryPolicy() throws {
        let html = try Self.result.get().html(title: "Replay <test>")
        #expect(html.contains("<title>Replay &lt;test&gt;</title>"))
        for name in ["exploration 0 %", "exploration 20 %", "oracle", "random", "Cumulative revenue share"] {
            #expect(html.contains(name), "\(name)")
        }
        #expect(html.components(separatedBy: "<svg").count == 4)
        #expect(!html.contains("<script"))
    }
}

import CustomsRisk
import Foundation
import Testing

/// `DriftMonitor` (issue 18): stable on later declarations of the same generated world, "act" on
/// planted undervaluation; the bundle carries and checks its reference histograms.
@Suite struct DriftMonitorTests {
    /// 12,000 generated declarations over 2025: the bundle learns the first half.
    static let parts: Result<(bundle: ModelBundle, later: DeclarationTable), any Error> = Result {
        let table = try SyntheticDeclarations(rowCount: 12_000, seed: 31).table()
        let july = Array("2025-07-01".utf8).withUnsafeBufferPointer { ValueParsers.parseDate($0)! }
        let early = table.dates!.indices.filter { table.dates![$0]! < july }
        let later = table.dates!.indices.filter { table.dates![$0]! >= july }
        var options = TrainingOptions()
        options.seed = 2
        options.threadCount = 2
        options.reproducible = true
        options.trees.iterationCount = 30
        options.trees.earlyStoppingRounds = nil
        let bundle = try ModelTrainer(options: options).train(table.selectingRows(early)).bundle
        return (bundle, table.selectingRows(later))
    }

    @Test func laterDeclarationsOfTheSameWorldAreStable() throws {
        let (bundle, later) = try Self.parts.get()
        let reference = try #require(bundle.reference)
        #expect(reference.features.count == bundle.pipeline.schema(for: .trees).columns.count)
        let window = try DriftMonitor(bundle: bundle).measure(later, threadCount: 2)
        #expect(window.status == .ok, "\(window.groups.filter { $0.value.status != .ok }) score \(window.scorePSI)")
        #expect(window.scorePSI < 0.1)
        #expect(window.rows == later.rowCount)
        #expect(window.lanes?["red"] != nil)
        // The calendar features move by construction and are reported apart.
        #expect(Set(window.clock.keys) == ["month", "trader_tenure_days"])
    }

    @Test func plantedUndervaluationIsAct() throws {
        let (bundle, later) = try Self.parts.get()
        var drifted = later
        for column in ["customs_value", "fob_value"] { drifted.numbers[column] = later.numbers[column]!.map { $0 * 0.5 } }
        let window = try DriftMonitor(bundle: bundle).measure(drifted, threadCount: 2)
        #expect(window.status == .act)
        #expect(window.scoreStatus == .act)
        #expect(window.groups["unit_value"]?.status == .act)
    }

    @Test func theReferenceSurvivesARoundTripAndABadOneIsRefused() throws {
        let (bundle, _) = try Self.parts.get()
        let decoded = try ModelBundle.decode(try bundle.encoded())
        #expect(decoded.reference == bundle.reference)
        var hostile = bundle
        let name = hostile.reference!.features.keys.sorted()[0]
        hostile.reference!.features[name]!.edges = [3, 2, 1]
        hostile.reference!.features[name]!.shares = [0.25, 0.25, 0.25, 0.25]
        let error = #expect(throws: BundleError.self) { try hostile.validate() }
        #expect(error?.message.hasPrefix("reference.\(name): bin edge 1 is 2.0; expected finite edges in ascending order") == true,
                "\(error?.message ?? "")")
        var older = bundle
        older.reference = nil
        #expect(throws: ScoringError.self) { try DriftMonitor(bundle: older) }
    }
}

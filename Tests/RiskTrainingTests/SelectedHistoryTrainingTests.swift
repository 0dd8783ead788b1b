import CustomsRisk
import Foundation
@testable import RiskTraining
import Testing

/// Issue 17, item 2: a selected history trains on its inspected rows, weighted by the inverse of
/// the probability with which the old policy selected them; measured against the true labels of a
/// fresh population (the generator knows them), not against the inspected rows.
@Suite struct SelectedHistoryTrainingTests {
    static func options(weighting: Bool) -> TrainingOptions {
        var options = RefitTrainingTests.options()
        options.propensityWeighting = weighting
        return options
    }

    /// A history of 40,000 declarations that the rules policy (route 4×, AEO ¼×) inspected at 20 %.
    static let history: Result<DeclarationTable, any Error> = Result {
        let bytes = try SyntheticDeclarations(rowCount: 40_000, seed: 5).selectedHistoryBytes(policy: .rules, rate: 0.2)
        return try DeclarationReader.read(bytes: bytes, source: "history.csv",
                                          schema: SyntheticDeclarations.selectedHistorySchema).table
    }

    /// Both fits scored on 30,000 fresh declarations whose every label is known.
    static let scored: Result<(weighted: [Double], plain: [Double], population: DeclarationTable), any Error> = Result {
        let history = try Self.history.get()
        let population = try SyntheticDeclarations(rowCount: 30_000, seed: 9).table()
        func probabilities(_ weighting: Bool) throws -> [Double] {
            let bundle = try ModelTrainer(options: options(weighting: weighting)).train(history).bundle
            return try RiskScorer(bundle: bundle).score(population, options: ScoringOptions(reasonCount: 0,
                                                                                          includeWarnings: false))
                .map(\.probability)
        }
        return (try probabilities(true), try probabilities(false), population)
    }

    @Test func weightsAreTheClippedInverseProbabilitiesNormalisedToMeanOne() {
        let weights = InspectedHistory.weights([0.5, 0.25, 0.001, 1], clip: 0.01)
        // 1/0.5, 1/0.25, 1/0.01 (clipped), 1/1 → 2, 4, 100, 1; mean 26.75.
        let expected: [Double] = [2, 4, 100, 1].map { $0 / 26.75 }
        for (w, e) in zip(weights, expected) { #expect(abs(Double(w) - e) < 1e-6) }
        #expect(abs(weights.reduce(0) { $0 + Double($1) } / 4 - 1) < 1e-6)
    }

    @Test func theBundleRecordsHowTheHistoryWasLearnedFrom() throws {
        let history = try Self.history.get()
        let outcome = try ModelTrainer(options: Self.options(weighting: true)).train(history)
        let record = try #require(outcome.bundle.metadata.selectedHistory)
        let inspected = history.numbers["inspected"]!.filter { $0 == 1 }.count
        #expect(record.historyRows == 40_000)
        #expect(record.inspectedRows == inspected)
        #expect(outcome.bundle.metadata.trainingRows == inspected)
        #expect(record.propensityClip == 0.01)
        #expect(record.weighting.hasPrefix("inverse selection probability"))
        #expect((record.effectiveRows ?? 0) > 0 && (record.effectiveRows ?? .infinity) < Double(inspected))
        #expect(outcome.warnings.first?.contains("selected history") == true)
        // A declaration being scored has neither column: the shipped schema ignores both.
        #expect(outcome.bundle.schema.fields.filter { $0.role.isSelectionRecord }.isEmpty)
        let plain = try ModelTrainer(options: Self.options(weighting: false)).train(history)
        #expect(plain.bundle.metadata.selectedHistory?.weighting.hasPrefix("none") == true)
        #expect(plain.bundle.metadata.selectedHistory?.propensityClip == nil)
    }

    /// The rules policy over-inspects indirect routes and under-inspects AEO traders, so the
    /// inspected rows are riskier than the population. Unweighted, the calibrator learns the
    /// inspected rows' rate; weighted, the population's. With `riskctl train` defaults on a 60,000-row
    /// seed-5 history and this population: mean probability 0.052 weighted vs 0.075 unweighted for a true rate of 0.054; on
    /// AEO declarations 0.0065 vs 0.025 for a true 0.0062. With these small test trees, unweighted
    /// misses the population rate by 0.014 and the AEO rate by 0.058 (checked by turning weighting off).
    @Test func weightedTrainingIsCalibratedOnThePopulationAndRanksNoWorse() throws {
        let (weighted, plain, population) = try Self.scored.get()
        let labels = population.labels!
        let aeo = population.numbers["aeo"]!
        func error(_ p: [Double], rows: [Int]) -> Double {
            abs(rows.reduce(0) { $0 + p[$1] } / Double(rows.count) - rows.reduce(0) { $0 + Double(labels[$1]) } / Double(rows.count))
        }
        let all = Array(labels.indices), aeoRows = labels.indices.filter { aeo[$0] == 1 }
        #expect(error(weighted, rows: all) < error(plain, rows: all))
        #expect(error(weighted, rows: aeoRows) < error(plain, rows: aeoRows))
        #expect(error(weighted, rows: all) < 0.01, "weighted mean probability off by \(error(weighted, rows: all))")
        let auc = (try rocAUC(scores: weighted, labels: labels), try rocAUC(scores: plain, labels: labels))
        #expect(auc.0 >= auc.1 - 0.01, "AUC weighted \(auc.0) vs unweighted \(auc.1)")
    }

    @Test func anInspectedRowWithoutASelectionProbabilityIsNamed() throws {
        let csv = """
        declaration_id,date,office,declarant_id,importer_id,seller_id,hs_code,origin_country,departure_country,\
        transport_mode,customs_value,fob_value,quantity,gross_weight,net_weight,taxes,duty_rate,aeo,illicit,revenue,\
        inspected,selection_probability,true_illicit
        D1,2024-01-01,O1,DC1,IM1,S1,870323,CN,CN,sea,100,90,1,1,1,8,0.08,N,0,0,1,0.2,0
        D2,2024-01-02,O1,DC1,IM1,S1,870323,CN,CN,sea,100,90,1,1,1,8,0.08,N,1,0,1,,1
        """
        let table = try DeclarationReader.read(bytes: Array(csv.utf8), source: "h.csv",
                                               schema: SyntheticDeclarations.selectedHistorySchema).table
        let error = #expect(throws: TrainingError.self) { try ModelTrainer(options: Self.options(weighting: true)).train(table) }
        #expect(error?.message.hasPrefix("line 3, declaration D2: selection_probability is \"nan\" on an inspected row") == true,
                "\(error?.message ?? "")")
    }

    @Test func aHistoryWithoutInspectionsIsRefused() throws {
        var table = try Self.history.get().selectingRows(Array(0..<200))
        table.numbers["inspected"] = Array(repeating: 0, count: 200)
        let error = #expect(throws: TrainingError.self) { try ModelTrainer(options: Self.options(weighting: true)).train(table) }
        #expect(error?.message.contains("no inspected declaration") == true)
    }
}

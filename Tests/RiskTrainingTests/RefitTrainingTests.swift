import CustomsRisk
import Foundation
@testable import RiskTraining
import Testing

/// Select, then refit (issue 15): the shipped pipeline and model learn from every labelled
/// declaration, the calibrator and lanes from predictions of a model that never trained on their
/// rows, and the reported metrics from rows used for neither.
@Suite struct RefitTrainingTests {
    static let rowCount = 3_000

    /// Small, fast trees with early stopping on (so that the iteration rule has something to scale).
    static func options(family: ModelFamily = .boostedTrees, refit: Bool = true, seed: UInt64 = 5) -> TrainingOptions {
        var options = TrainingOptions()
        options.family = family
        options.seed = seed
        options.threadCount = 2
        options.reproducible = true
        options.refit = refit
        options.trees.iterationCount = 40
        options.trees.maximumLeafCount = 8
        options.trees.minimumSamplesPerLeaf = 20
        options.trees.learningRate = 0.2
        options.trees.earlyStoppingRounds = 5
        options.logistic.maximumIterations = 30
        return options
    }

    static let table: Result<DeclarationTable, any Error> = Result {
        try SyntheticDeclarations(rowCount: rowCount, seed: 11).table()
    }

    /// Importer id → declarations in `rows` of `table`.
    static func importerCounts(_ table: DeclarationTable, rows: [Int]) -> [String: Int] {
        let importers = table.text["importer_id"]!
        var counts: [String: Int] = [:]
        for row in rows { if let id = importers[row] { counts[id, default: 0] += 1 } }
        return counts
    }

    /// The importer profile's declaration count that `bundle`'s pipeline gives every row of `table`.
    static func profileCounts(_ bundle: ModelBundle, _ table: DeclarationTable) throws -> [Double] {
        let matrix = try bundle.pipeline.transform(table, for: .trees, threadCount: 1)
        let names = matrix.schema.columns.map(\.name)
        let column = try #require(names.firstIndex(of: "importer_declaration_count"), "columns: \(names)")
        return (0..<table.rowCount).map { Double(matrix[$0, column]) }
    }

    @Test func refitProfilesCountTheLatestDeclarations() throws {
        let table = try Self.table.get()
        let refit = try ModelTrainer(options: Self.options()).train(table).bundle
        let kept = try ModelTrainer(options: Self.options(refit: false)).train(table).bundle
        let dates = try #require(table.dates)
        let byDate = (0..<table.rowCount).sorted { a, b in
            let da = dates[a] ?? Int32.min, db = dates[b] ?? Int32.min
            return da != db ? da < db : a < b
        }
        let holdout = Int((Double(table.rowCount) * 0.2).rounded())
        let all = Self.importerCounts(table, rows: Array(0..<table.rowCount))
        let earliest = Self.importerCounts(table, rows: Array(byDate.dropLast(holdout)))
        let importers = table.text["importer_id"]!
        let refitCounts = try Self.profileCounts(refit, table), keptCounts = try Self.profileCounts(kept, table)
        // Every declaration of the latest 20% counts in the refit's profile of its importer.
        var latestOnly = 0
        for row in byDate.suffix(holdout) {
            let id = try #require(importers[row])
            #expect(refitCounts[row] == Double(all[id]!), "row \(row), importer \(id)")
            #expect(keptCounts[row] == Double(earliest[id] ?? 0), "row \(row), importer \(id), --no-refit")
            if earliest[id] == nil { latestOnly += 1 }
        }
        #expect(refitCounts != keptCounts)
        #expect(refit.metadata.trainingRows == table.rowCount)
        #expect(kept.metadata.trainingRows == table.rowCount - holdout)
        _ = latestOnly
    }

    @Test(arguments: [ModelFamily.boostedTrees, .logistic])
    func metadataRecordsBothFits(family: ModelFamily) throws {
        let table = try Self.table.get()
        let bundle = try ModelTrainer(options: Self.options(family: family)).train(table).bundle
        let m = bundle.metadata
        let selection = try #require(m.selection)
        let holdout = Int((Double(table.rowCount) * 0.2).rounded())
        #expect(m.trainingRows == table.rowCount)
        #expect(selection.trainingRows == table.rowCount - holdout)
        #expect(selection.stoppingRows == holdout - holdout / 2)
        #expect(m.validationRows == holdout / 2)
        #expect(selection.stoppingSource == "latest 20% by date, earlier half by date")
        #expect(m.validationSource == "latest 20% by date, later half by date")
        #expect(m.configuration["refit"] == "on")
        #expect(m.calibrationSource?.contains("selection model") == true)
        if family == .boostedTrees {
            let expected = Int((Double(selection.iterations) * Double(table.rowCount)
                                / Double(selection.trainingRows)).rounded())
            #expect(selection.iterations < 40, "early stopping chose the count")
            #expect(m.iterations == expected)
            guard case .boostedTrees(let model) = bundle.model else { Issue.record("not trees"); return }
            #expect(model.trees.count == expected)
            #expect(m.configuration["iterations"] == "\(expected)")
        }
        // The new fields survive a write and a load.
        let loaded = try ModelBundle.decode(try bundle.encoded()).metadata
        #expect(loaded.selection == m.selection)
        #expect(loaded.calibrationSource == m.calibrationSource)
    }

    @Test func noRefitKeepsTheSelectionFit() throws {
        let table = try Self.table.get()
        let outcome = try ModelTrainer(options: Self.options(refit: false)).train(table)
        let m = outcome.bundle.metadata
        #expect(m.selection == nil)
        #expect(m.trainingRows == 2_400 && m.validationRows == 600)
        #expect(m.validationSource == "latest 20% by date")
        #expect(m.configuration["refit"] == "off")
        #expect(outcome.selectionTreesReport == nil)
        guard case .boostedTrees(let model) = outcome.bundle.model else { Issue.record("not trees"); return }
        #expect(model.trees.count == outcome.treesReport?.bestIteration)
    }

    /// The calibrator, the lanes and the reported metrics are exactly what a `--no-refit` training
    /// of the selection rows, validated on the stopping rows, gives: the calibrator is fitted on
    /// predictions for rows the predicting model never trained on, and the metrics come from the
    /// remaining rows.
    @Test(arguments: [ModelFamily.boostedTrees, .logistic])
    func calibratorRowsAreOutOfSample(family: ModelFamily) throws {
        let table = try Self.table.get()
        let trainer = ModelTrainer(options: Self.options(family: family))
        let refit = try trainer.train(table).bundle
        let (selectionTable, holdout, source) = try trainer.split(table, validation: nil, labels: table.labels!)
        let (stopping, evaluation, _, _) = try trainer.cutHoldout(holdout, source: source)
        #expect(Set(selectionTable.ids).isDisjoint(with: stopping.ids))
        #expect(Set(selectionTable.ids).isDisjoint(with: evaluation.ids))
        #expect(Set(stopping.ids).isDisjoint(with: evaluation.ids))
        #expect(selectionTable.rowCount + stopping.rowCount + evaluation.rowCount == table.rowCount)
        let latestStop = stopping.dates!.compactMap { $0 }.max()!, earliestEvaluation = evaluation.dates!.compactMap { $0 }.min()!
        #expect(latestStop <= earliestEvaluation, "the validation rows are the later ones")

        let selection = try ModelTrainer(options: Self.options(family: family, refit: false))
            .train(selectionTable, validation: stopping).bundle
        #expect(refit.calibration == selection.calibration)
        #expect(refit.lanes == selection.lanes)
        let scores = try RiskScorer(bundle: selection).score(evaluation, options: ScoringOptions(reasonCount: 0,
                                                                                                   threadCount: 1))
        let report = try EvaluationReport(probabilities: scores.map(\.probability), labels: evaluation.labels!,
                                          revenue: evaluation.revenue)
        #expect(refit.metadata.validation == report)
        #expect(refit.metadata.selection?.iterations == selection.metadata.iterations)
    }

    @Test func givenValidationFileIsRefitToo() throws {
        let table = try Self.table.get()
        let training = table.selectingRows(Array(0..<2_000)), validation = table.selectingRows(Array(2_000..<3_000))
        let bundle = try ModelTrainer(options: Self.options()).train(training, validation: validation).bundle
        let m = bundle.metadata
        #expect(m.trainingRows == 3_000)
        #expect(m.selection?.trainingRows == 2_000)
        #expect(m.selection?.stoppingRows == 500 && m.validationRows == 500)
        #expect(m.validationSource == "given validation file, later half by date")
    }

    @Test func tooSmallHoldoutSaysWhatToDo() throws {
        let table = try Self.table.get()
        let training = table.selectingRows(Array(0..<100)), validation = table.selectingRows([100])
        #expect(throws: TrainingError.self) { try ModelTrainer(options: Self.options()).train(training, validation: validation) }
        do {
            _ = try ModelTrainer(options: Self.options()).train(training, validation: validation)
        } catch let error as TrainingError {
            #expect(error.message == "the hold-out (given validation file) has 1 declaration(s): too few to keep some "
                    + "for early stopping and calibration and others for validation. Give more data, or train with "
                    + "--no-refit.")
        }
    }

    // MARK: - Appending tables

    /// Appending two parts of a table gives back the table's values row by row, whatever the
    /// vocabularies of the parts (each part keeps the whole vocabulary, so it is re-coded here).
    @Test(arguments: [0, 1, 1_234, 2_999, 3_000])
    func appendingPartsRestoresEveryValue(cut: Int) throws {
        let table = try Self.table.get()
        let head = Self.compacted(table.selectingRows(Array(0..<cut)))
        let tail = Self.compacted(table.selectingRows(Array(cut..<table.rowCount)))
        let joined = head.appending(tail)
        #expect(joined.rowCount == table.rowCount && joined.ids == table.ids)
        #expect(joined.dates == table.dates && joined.labels == table.labels)
        #expect(joined.revenue.map { $0.map(\.bitPattern) } == table.revenue.map { $0.map(\.bitPattern) })
        for (name, column) in table.text {
            let got = try #require(joined.text[name])
            #expect(Set(got.vocabulary).count == got.vocabulary.count, "\(name): one code per word")
            #expect((0..<table.rowCount).map { got[$0] } == (0..<table.rowCount).map { column[$0] }, "\(name)")
        }
        for (name, column) in table.numbers {
            #expect(joined.numbers[name]?.map(\.bitPattern) == column.map(\.bitPattern), "\(name)")
        }
        #expect(joined.sourceLines == nil)
    }

    /// `table` with each text vocabulary cut down to the words its rows use, in reverse order of
    /// first use, so that the parts' codes disagree.
    static func compacted(_ table: DeclarationTable) -> DeclarationTable {
        var out = table
        for (name, column) in table.text {
            var words: [String] = []
            var seen = Set<String>()
            for row in 0..<table.rowCount { if let w = column[row], seen.insert(w).inserted { words.append(w) } }
            words.reverse()
            let code = Dictionary(uniqueKeysWithValues: words.enumerated().map { ($1, Int32($0)) })
            out.text[name] = TextColumn(codes: (0..<table.rowCount).map { column[$0].map { code[$0]! } ?? -1 },
                                        vocabulary: words)
        }
        return out
    }
}

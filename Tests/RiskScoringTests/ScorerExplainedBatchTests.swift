import CustomsRisk
import Foundation
import Testing
@testable import RiskScoring
import RiskDeclarations
import RiskExplain
import RiskFeatures

/// `RiskScorer.score(_ table:)` with reasons or explanations encodes blocks of rows and takes raw
/// scores and contributions from one block pass over the trees (`ScoringEngine`, through
/// `TreeExplainer.explainBlock`) instead of transforming the whole table, predicting and explaining
/// each row. The oracle is that readable path: the whole-table transform, the predictor's raw
/// scores, `explain(_:into:)` row by row, then the scorer's reason writer and warnings. Every number
/// must match bit for bit (fingerprints compare bit patterns), for symmetric (tabulated) and
/// leaf-wise (kernel) bundles.
@Suite("RiskScorer explained batches")
struct ScorerExplainedBatchTests {
    /// Small bundles: symmetric trees (depth 4, with the symmetric revenue model) and leaf-wise
    /// trees of up to 24 leaves (more than ten distinct questions: explained by the kernel).
    static let bundles: [String: Result<ModelBundle, any Error>] = Dictionary(uniqueKeysWithValues:
        ["symmetric", "leafWise"].map { kind in
            (kind, Result {
                var options = HardeningFixtures.options(family: .boostedTrees, threadCount: 2)
                if kind == "symmetric" {
                    options.trees.growthPolicy = .symmetric
                    options.trees.maximumDepth = 4
                } else {
                    options.trees.maximumLeafCount = 24
                    options.trees.minimumSamplesPerLeaf = 5
                }
                return try ModelTrainer(options: options).train(try HardeningFixtures.table()).bundle
            })
        })

    /// The scorer's batch path without blocks: transform, predict, then explain each row.
    static func predictThenExplain(_ scorer: RiskScorer, _ table: DeclarationTable, options: ScoringOptions) throws
        -> [RiskAssessment] {
        guard case .trees(let predictor, let explainer) = scorer.engine.model else { throw CancellationError() }
        let matrix = try scorer.bundle.pipeline.transform(table, for: .trees, threadCount: options.threadCount)
        let raw = try predictor.rawScores(matrix, threadCount: options.threadCount)
        let logRevenue = try scorer.engine.revenue?.rawScores(matrix, threadCount: options.threadCount)
        let generator = try scorer.reasonGenerator(options)
        let warnings = ScoringWarnings(scorer, table: table)
        var selector = ReasonSelector()
        var facts = ReasonFacts(pipeline: scorer.bundle.pipeline, table: table)
        return (0..<table.rowCount).map { r in
            let x = matrix.row(r)
            var contributions = [Double](repeating: 0, count: x.count)
            let base = x.withUnsafeBufferPointer { x in
                contributions.withUnsafeMutableBufferPointer { explainer.explain(x, into: $0) }
            }
            let probability = scorer.bundle.calibration.calibrate(raw[r])
            let (reasons, grouped) = contributions.withUnsafeBufferPointer { c in
                scorer.reasons(c, raw: raw[r], baseValue: base, row: r, table: table, options: options,
                               generator: generator, selector: &selector, facts: &facts)
            }
            return RiskAssessment(
                id: table.ids[r], probability: probability, rawScore: raw[r],
                expectedRevenue: logRevenue.map { RiskScorer.expectedRevenue(probability: probability, logRevenue: $0[r]) },
                lane: scorer.bundle.lanes.lane(for: probability), decision: nil, reasons: reasons,
                explanation: grouped, warnings: options.includeWarnings ? warnings.sentences(row: r) : [])
        }
    }

    @Test(arguments: ["symmetric", "leafWise"], [1, 65, 700])
    func blockPassMatchesPredictThenExplain(kind: String, rowCount: Int) throws {
        let scorer = try RiskScorer(bundle: try Self.bundles[kind]!.get())
        #expect(scorer.engine.revenue != nil)
        guard case .trees(_, let explainer) = scorer.engine.model else { Issue.record("not trees"); return }
        if kind == "symmetric" {
            #expect(explainer.isFullyTabulated)
        } else {
            #expect(explainer.tabulatedTreeCount < explainer.treeExpectedValues.count, "some trees on the kernel")
        }
        let table = try HardeningFixtures.scoringTable(rowCount: rowCount, seed: UInt64(rowCount), schema: scorer.bundle.schema)
        for (reasons, explanation) in [(3, false), (2, true), (0, true)] {
            for threads in [1, 2] {
                let options = ScoringOptions(reasonCount: reasons, includeExplanation: explanation, threadCount: threads)
                let fused = try scorer.score(table, options: options)
                let reference = try Self.predictThenExplain(scorer, table, options: options)
                #expect(fused.count == rowCount)
                #expect(fused.map(HardeningFixtures.fingerprint) == reference.map(HardeningFixtures.fingerprint),
                        "\(kind), \(rowCount) rows, reasons \(reasons), explanation \(explanation), \(threads) threads")
                if reasons > 0 { #expect(fused.contains { !$0.reasons.isEmpty }, "some reasons to compare") }
            }
        }
    }

    /// One declaration at a time (`score(_ declaration:)`, a block of one, which explains a fully
    /// tabulated model with `explainScoringRow`) against the same rows predicted then explained.
    @Test(arguments: ["symmetric", "leafWise"])
    func singleDeclarationsMatchPredictThenExplain(kind: String) throws {
        let scorer = try RiskScorer(bundle: try Self.bundles[kind]!.get())
        let table = try HardeningFixtures.scoringTable(rowCount: 120, seed: 31, schema: scorer.bundle.schema)
        // The same rows as `Declaration`s, field by field from the same CSV.
        let scanner = CSVScanner(bytes: SyntheticDeclarations(rowCount: 120, seed: 31).csvBytes(), sourceName: "batch.csv")
        _ = try scanner.nextRecord()
        let header = (0..<scanner.fieldCount).map { scanner.fieldString($0) }
        var declarations: [Declaration] = []
        while try scanner.nextRecord() {
            var values: [String: String] = [:]
            for k in 0..<scanner.fieldCount { values[header[k]] = scanner.fieldString(k) }
            declarations.append(Declaration(id: values[scorer.bundle.schema.id]!, values: values))
        }
        #expect(declarations.count == table.rowCount)
        for (reasons, explanation) in [(3, false), (2, true)] {
            let options = ScoringOptions(reasonCount: reasons, includeExplanation: explanation, threadCount: 1)
            let reference = try Self.predictThenExplain(scorer, table, options: options)
            for (row, declaration) in declarations.enumerated() {
                let single = try scorer.score(declaration, options: options)
                #expect(HardeningFixtures.fingerprint(single) == HardeningFixtures.fingerprint(reference[row]),
                        "\(kind), row \(row), reasons \(reasons), explanation \(explanation)")
            }
        }
    }

    /// The per-row warning count every `riskctl score` summarises is the number of sentences the
    /// same routine writes, row by row (missing, non-positive and unseen values all occur here).
    @Test func warningCountsAreTheSentenceCounts() throws {
        let scorer = try RiskScorer(bundle: try Self.bundles["leafWise"]!.get())
        var table = try HardeningFixtures.scoringTable(rowCount: 700, seed: 77, schema: scorer.bundle.schema)
        if var quantity = table.numbers["quantity"] {
            for r in stride(from: 0, to: quantity.count, by: 11) { quantity[r] = r % 2 == 0 ? 0 : .nan }
            table.numbers["quantity"] = quantity
        }
        let warnings = ScoringWarnings(scorer, table: table)
        var total = 0
        for r in 0..<table.rowCount {
            #expect(warnings.count(row: r) == warnings.sentences(row: r).count, "row \(r)")
            total += warnings.count(row: r)
        }
        #expect(total > 64)
    }
}

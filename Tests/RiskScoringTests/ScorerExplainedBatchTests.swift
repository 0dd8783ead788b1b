import CustomsRisk
import Foundation
import Testing
@testable import RiskScoring
import RiskDeclarations

/// `RiskScorer.score(_ table:)` with reasons or explanations takes raw scores and contributions
/// from one block pass over the trees (`TreeExplainer.explainBlock`) instead of a predict pass
/// plus a per-row explanation. The oracle is that old path, kept here verbatim: the predictor's
/// raw scores, then `assessments` explaining each row itself. Every number must match bit for bit
/// (fingerprints compare bit patterns), for symmetric (tabulated) and leaf-wise (kernel) bundles.
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

    /// The scorer's batch path as it was before the block pass (predict, then explain per row).
    static func predictThenExplain(_ scorer: RiskScorer, _ table: DeclarationTable, options: ScoringOptions) throws
        -> [RiskAssessment] {
        let matrix = try scorer.bundle.pipeline.transform(table, for: scorer.bundle.model.featureKind,
                                                          threadCount: options.threadCount)
        let raw = try scorer.treePredictor!.rawScores(matrix, threadCount: options.threadCount)
        let probabilities = raw.map { scorer.bundle.calibration.calibrate($0) }
        var expected: [Double]?
        if let revenuePredictor = scorer.revenuePredictor {
            let logRevenue = try revenuePredictor.rawScores(matrix, threadCount: options.threadCount)
            expected = zip(probabilities, logRevenue).map { RiskScorer.expectedRevenue(probability: $0, logRevenue: $1) }
        }
        return try scorer.assessments(table, matrix: matrix, raw: raw, probabilities: probabilities,
                                      expected: expected, decisions: nil, options: options)
    }

    @Test(arguments: ["symmetric", "leafWise"], [1, 65, 700])
    func blockPassMatchesPredictThenExplain(kind: String, rowCount: Int) throws {
        let scorer = try RiskScorer(bundle: try Self.bundles[kind]!.get())
        #expect(scorer.revenuePredictor != nil)
        if kind == "symmetric" {
            #expect(scorer.treeExplainer!.isFullyTabulated)
        } else {
            #expect(scorer.treeExplainer!.tabulatedTreeCount < scorer.treeExplainer!.treeExpectedValues.count,
                    "some trees on the kernel")
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

    /// One declaration at a time (`score(_ declaration:)`, which explains a fully tabulated model
    /// with `explainScoringRow`) against the same rows in the old predict-then-explain batch.
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
}

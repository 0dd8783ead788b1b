import RiskData
import RiskDeclarations
import Testing
@testable import RiskFeatures

/// The planted signal of `DeclarationFactory.synthetic` comes out of the features.
@Suite struct SignalTests {
    @Test(arguments: [181] as [UInt64])
    func undervaluedDeclarationsHaveAStronglyNegativeUnitValueRatio(seed: UInt64) throws {
        let (training, _) = DeclarationFactory.synthetic(rowCount: 8_000, seed: seed)
        let (scoring, truth) = DeclarationFactory.synthetic(rowCount: 4_000, seed: seed + 100)
        let fit = try FeaturePipeline().fit(training)
        let trees = try fit.pipeline.transform(scoring, for: .trees)
        let column = trees.schema.names.firstIndex(of: "unit_value_log_ratio")!
        let ratios = (0..<scoring.rowCount).map { Double(trees[$0, column]) }
        let under = scoring.rowCount.indices(where: truth.undervalued).map { ratios[$0] }
        let normal = scoring.rowCount.indices(where: truth.undervalued.map { !$0 }).map { ratios[$0] }
        let underMean = under.reduce(0, +) / Double(under.count)
        let normalMean = normal.reduce(0, +) / Double(normal.count)
        // Undervalued rows declare 20% of the price: ln 0.2 ≈ −1.61, blurred by the 25% price noise and
        // by the reference medians (which contain 5% undervalued rows).
        #expect(underMean < -1.3, "\(underMean)")
        #expect(abs(normalMean) < 0.15, "\(normalMean)")
        let auc = rankAUC(scores: ratios.map { -$0 }, labels: truth.undervalued.map { $0 ? 1 : 0 })
        #expect(auc > 0.95, "\(auc)")
    }

    @Test(arguments: [191] as [UInt64])
    func importerProfilesRecoverRiskyImporters(seed: UInt64) throws {
        let (training, _) = DeclarationFactory.synthetic(rowCount: 8_000, seed: seed)
        let fit = try FeaturePipeline().fit(training)
        let column = fit.treesMatrix.schema.names.firstIndex(of: "importer_illicit_rate")!
        let outOfFold = (0..<training.rowCount).map { Double(fit.treesMatrix[$0, column]) }
        let auc = rankAUC(scores: outOfFold, labels: training.labels!)
        #expect(auc > 0.6, "\(auc)")
        let (scoring, truth) = DeclarationFactory.synthetic(rowCount: 3_000, seed: seed + 1)
        let scored = try fit.pipeline.transform(scoring, for: .trees)
        let held = (0..<scoring.rowCount).map { Double(scored[$0, column]) }
        #expect(rankAUC(scores: held, labels: truth.riskyImporter.map { $0 ? 1 : 0 }) > 0.75)
    }
}

extension Int {
    /// Indices `0..<self` where `mask` is true.
    func indices(where mask: [Bool]) -> [Int] { (0..<self).filter { mask[$0] } }
}

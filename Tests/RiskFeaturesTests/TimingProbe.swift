import Testing
import Foundation
@testable import RiskFeatures
@Test func timingProbe() throws {
    var t = Date()
    let (table, _) = DeclarationFactory.synthetic(rowCount: 50_000, seed: 1)
    print("gen", Date().timeIntervalSince(t)); t = Date()
    let fit = try FeaturePipeline(configuration: .init(threadCount: 1)).fit(table)
    print("fit", Date().timeIntervalSince(t)); t = Date()
    _ = try fit.pipeline.transform(table, for: .trees, threadCount: 1)
    print("transform", Date().timeIntervalSince(t)); t = Date()
    let scores = (0..<table.rowCount).map { Double(fit.treesMatrix[$0, 20]) }
    _ = rankAUC(scores: scores, labels: table.labels!)
    print("auc", Date().timeIntervalSince(t)); t = Date()
}

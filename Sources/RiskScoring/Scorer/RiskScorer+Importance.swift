import RiskData
import RiskDeclarations
import RiskExplain

extension RiskScorer {
    /// Global importance: mean |contribution| (log-odds) per declaration-field group over `table`,
    /// largest first.
    ///
    /// - Complexity: one exact explanation per row.
    public func importance(of table: DeclarationTable, threadCount: Int = ParallelLoop.processorCount) throws
        -> [Importance] {
        let matrix = try bundle.pipeline.transform(table, for: bundle.model.featureKind, threadCount: threadCount)
        let contributions: ContributionMatrix
        if let treeExplainer {
            contributions = try treeExplainer.contributions(for: matrix, threadCount: threadCount)
        } else {
            contributions = try linearExplainer!.contributions(for: matrix, threadCount: threadCount)
        }
        return try GlobalImportance.byGroup(contributions, schema: bundle.model.featureSchema)
    }
}

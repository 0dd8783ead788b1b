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
        switch engine.model {
        case .trees(_, let explainer): contributions = try explainer.contributions(for: matrix, threadCount: threadCount)
        case .logistic(_, let explainer): contributions = try explainer.contributions(for: matrix, threadCount: threadCount)
        }
        return try GlobalImportance.byGroup(contributions, schema: bundle.model.featureSchema)
    }
}

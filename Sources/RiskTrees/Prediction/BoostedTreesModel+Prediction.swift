import RiskData

extension BoostedTreesModel {
    /// Raw scores of every row of `matrix`, in parallel over rows on `threadCount` threads.
    ///
    /// - Throws: `RiskTreesError` `.shapeMismatch` when the matrix has the wrong number of columns.
    /// - Complexity: O(rows × trees × depth) plus O(nodes) to lay the forest out.
    public func rawScores(_ matrix: FeatureMatrix, threadCount: Int = ParallelLoop.processorCount) throws -> [Double] {
        try BoostedTreesPredictor(model: self).rawScores(matrix, threadCount: threadCount)
    }

    /// Probabilities (`.logistic`) or predictions (`.squaredError`) of every row of `matrix`.
    ///
    /// - Throws: `RiskTreesError` `.shapeMismatch` when the matrix has the wrong number of columns.
    public func probabilities(_ matrix: FeatureMatrix, threadCount: Int = ParallelLoop.processorCount) throws
        -> [Double] {
        try BoostedTreesPredictor(model: self).predictions(matrix, threadCount: threadCount)
    }

    /// Feature importance: Σ split gain or number of splits per feature, over all trees.
    ///
    /// - Returns: One value per feature, in schema order.
    /// - Complexity: O(total nodes).
    public func featureImportance(_ kind: FeatureImportanceKind) -> [Double] {
        var importance = [Double](repeating: 0, count: featureCount)
        for tree in trees {
            for node in 0..<tree.nodeCount where !tree.isLeaf(node) {
                importance[Int(tree.splitFeature[node])] += kind == .gain ? tree.gain[node] : 1
            }
        }
        return importance
    }
}

/// What feature importance measures.
public enum FeatureImportanceKind: String, Sendable, Hashable, Codable {
    /// Total loss reduction of the feature's splits.
    case gain
    /// Number of splits on the feature.
    case splitCount = "split_count"
}

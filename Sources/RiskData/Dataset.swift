/// Features plus what supervised training needs: labels, optional sample weights and revenue.
public struct Dataset: Sendable, Hashable, Codable {
    /// One row per example.
    public var features: FeatureMatrix
    /// `1` for a confirmed infraction, `0` otherwise (or a real target for regression objectives).
    public var labels: [Float]
    /// Optional non-negative sample weights (nil = all 1).
    public var weights: [Float]?
    /// Optional revenue recovered per example (extra duty), used by revenue metrics.
    public var revenue: [Double]?

    /// Creates a data set, checking that every array has one entry per row.
    ///
    /// - Throws: `RiskDataError` `.shapeMismatch` for a wrong length, `.invalidValue` for a
    ///   non-finite label or a negative / non-finite weight (naming the row).
    public init(features: FeatureMatrix, labels: [Float], weights: [Float]? = nil, revenue: [Double]? = nil) throws {
        let n = features.rowCount
        guard labels.count == n else {
            throw RiskDataError(.shapeMismatch, "labels has \(labels.count) entries; the feature matrix has \(n) rows.")
        }
        if let w = weights, w.count != n {
            throw RiskDataError(.shapeMismatch, "weights has \(w.count) entries; the feature matrix has \(n) rows.")
        }
        if let r = revenue, r.count != n {
            throw RiskDataError(.shapeMismatch, "revenue has \(r.count) entries; the feature matrix has \(n) rows.")
        }
        if let bad = labels.firstIndex(where: { !$0.isFinite }) {
            throw RiskDataError(.invalidValue, "label of row \(bad) is \(labels[bad]); expected a finite number.")
        }
        if let w = weights, let bad = w.firstIndex(where: { !$0.isFinite || $0 < 0 }) {
            throw RiskDataError(.invalidValue, "weight of row \(bad) is \(w[bad]); expected a finite number ≥ 0.")
        }
        self.features = features
        self.labels = labels
        self.weights = weights
        self.revenue = revenue
    }

    /// Number of rows.
    public var rowCount: Int { features.rowCount }

    /// A new data set holding the given rows, in the given order.
    public func selectingRows(_ rows: [Int]) -> Dataset {
        // Lengths are consistent by construction.
        try! Dataset(features: features.selectingRows(rows),
                     labels: rows.map { labels[$0] },
                     weights: weights.map { w in rows.map { w[$0] } },
                     revenue: revenue.map { r in rows.map { r[$0] } })
    }
}

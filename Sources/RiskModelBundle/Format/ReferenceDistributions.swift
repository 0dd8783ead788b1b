import RiskData
import RiskMetrics

/// What the training declarations looked like, kept in the bundle so that `riskctl monitor` can
/// tell when the declarations being scored no longer look like them (Docs/Operations.md).
public struct ReferenceDistributions: Sendable, Hashable, Codable {
    /// Declarations the histograms describe.
    public var rows: Int
    /// Which declarations and which transform, in words.
    public var source: String
    /// One histogram per column of the pipeline's trees matrix, by column name.
    public var features: [String: ReferenceHistogram]
    /// The histogram of the model's raw score on the same declarations.
    public var score: ReferenceHistogram

    public init(rows: Int, source: String, features: [String: ReferenceHistogram], score: ReferenceHistogram) {
        self.rows = rows
        self.source = source
        self.features = features
        self.score = score
    }

    /// The histograms of every column of `matrix` and of `rawScores`.
    ///
    /// - Complexity: O(rows × columns × log rows).
    public init(matrix: FeatureMatrix, rawScores: [Double], source: String) {
        var features: [String: ReferenceHistogram] = [:]
        for (j, name) in matrix.schema.names.enumerated() {
            features[name] = ReferenceHistogram(values: (0..<matrix.rowCount).map { Double(matrix[$0, j]) })
        }
        self.init(rows: matrix.rowCount, source: source, features: features,
                  score: ReferenceHistogram(values: rawScores))
    }

    /// Checks every histogram and that the features are those of `schema`.
    ///
    /// - Throws: `BundleError` `.invalidContent` naming the histogram and the bad value.
    func validate(schema: FeatureSchema) throws {
        guard Set(features.keys) == Set(schema.names) else {
            throw BundleError(.invalidContent, "reference: its \(features.count) feature histograms are not the "
                              + "pipeline's \(schema.names.count) trees features.")
        }
        for (name, histogram) in features.sorted(by: { $0.key < $1.key }) + [("score", score)] {
            do {
                try histogram.validate()
            } catch let error as MetricError {
                throw BundleError(.invalidContent, "reference.\(name): \(error.message)")
            }
        }
    }
}

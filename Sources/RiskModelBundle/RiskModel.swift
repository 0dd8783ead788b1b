import RiskData
import RiskFeatures
import RiskLinear
import RiskTrees

/// The model inside a bundle: boosted trees or logistic regression.
///
/// JSON: `{"kind": "boosted_trees", "boosted_trees": {…}}` or `{"kind": "logistic", "logistic": {…}}`.
public enum RiskModel: Sendable, Hashable, Codable {
    case boostedTrees(BoostedTreesModel)
    case logistic(LogisticModel)

    /// The feature matrix this model reads.
    public var featureKind: FeatureMatrixKind {
        switch self {
        case .boostedTrees: .trees
        case .logistic: .linear
        }
    }

    /// `boosted_trees` or `logistic`.
    public var kindName: String {
        switch self {
        case .boostedTrees: "boosted_trees"
        case .logistic: "logistic"
        }
    }

    /// The schema of the features the model expects.
    public var featureSchema: FeatureSchema {
        switch self {
        case .boostedTrees(let m): m.featureSchema
        case .logistic(let m): m.featureSchema
        }
    }

    private enum CodingKeys: String, CodingKey {
        case kind
        case boostedTrees = "boosted_trees"
        case logistic
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try c.decode(String.self, forKey: .kind)
        switch kind {
        case "boosted_trees": self = .boostedTrees(try c.decode(BoostedTreesModel.self, forKey: .boostedTrees))
        case "logistic": self = .logistic(try c.decode(LogisticModel.self, forKey: .logistic))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .kind, in: c,
                debugDescription: "unknown model kind \"\(kind)\"; expected \"boosted_trees\" or \"logistic\"")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kindName, forKey: .kind)
        switch self {
        case .boostedTrees(let m): try c.encode(m, forKey: .boostedTrees)
        case .logistic(let m): try c.encode(m, forKey: .logistic)
        }
    }
}

/// The probability calibration a scoring bundle applies to a model's output.
///
/// Encoded as one JSON object with a `kind` string and the calibrator's own keys:
/// `{"kind": "none"}`, `{"kind": "platt", "slope": …, "intercept": …, "targets": "smoothed"}`,
/// `{"kind": "isotonic", "thresholds": […], "values": […]}`. Decoding validates every number and
/// rejects an unknown `kind` with a message naming it.
public enum Calibration: Sendable, Hashable, Codable {
    /// No calibration: ``calibrate(_:)`` returns its input unchanged.
    case none
    /// Platt scaling of a raw score.
    case platt(PlattCalibrator)
    /// Isotonic regression of a score.
    case isotonic(IsotonicCalibrator)

    /// `"none"`, `"platt"` or `"isotonic"`.
    public var kind: String {
        switch self {
        case .none: "none"
        case .platt: "platt"
        case .isotonic: "isotonic"
        }
    }

    /// Maps the score the calibrator was fitted on to a probability (`.none` returns `score`).
    public func calibrate(_ score: Double) -> Double {
        switch self {
        case .none: score
        case .platt(let calibrator): calibrator.calibrate(score)
        case .isotonic(let calibrator): calibrator.calibrate(score)
        }
    }

    enum KindKey: String, CodingKey { case kind }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: KindKey.self)
        let kind = try container.decode(String.self, forKey: .kind)
        switch kind {
        case "none": self = .none
        case "platt": self = .platt(try PlattCalibrator(from: decoder))
        case "isotonic": self = .isotonic(try IsotonicCalibrator(from: decoder))
        default:
            throw DecodingError.dataCorruptedError(forKey: .kind, in: container, debugDescription:
                "Calibration kind \"\(kind)\" is unknown; expected \"none\", \"platt\" or \"isotonic\". "
                + "The model may come from a newer version of CustomsRisk.")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: KindKey.self)
        try container.encode(kind, forKey: .kind)
        switch self {
        case .none: break
        case .platt(let calibrator): try calibrator.encode(to: encoder)
        case .isotonic(let calibrator): try calibrator.encode(to: encoder)
        }
    }
}

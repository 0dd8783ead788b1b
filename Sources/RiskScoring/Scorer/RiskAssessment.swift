import RiskExplain
import RiskModelBundle

/// The risk of one declaration, as a clearance system consumes it.
public struct RiskAssessment: Sendable, Hashable, Codable {
    /// The declaration id.
    public var id: String
    /// Calibrated probability that the declaration is illicit.
    public var probability: Double
    /// The model's raw score (log-odds); explanations add up to it.
    public var rawScore: Double
    /// Probability × expected recoverable revenue if illicit, when the bundle has a revenue model.
    public var expectedRevenue: Double?
    /// Lane from the bundle's thresholds.
    public var lane: Lane
    /// The targeting decision, when the batch was scored under a `TargetingPolicy`.
    public var decision: TargetingPolicy.Decision?
    /// Top reasons, risk-increasing first (empty when not requested).
    public var reasons: [Reason]
    /// The full grouped explanation, when requested.
    public var explanation: GroupedExplanation?
    /// Input fields that were missing and how they were handled (scored as missing / as the training prior).
    public var warnings: [String]

    public init(id: String, probability: Double, rawScore: Double, expectedRevenue: Double?, lane: Lane,
                decision: TargetingPolicy.Decision?, reasons: [Reason], explanation: GroupedExplanation?,
                warnings: [String]) {
        self.id = id
        self.probability = probability
        self.rawScore = rawScore
        self.expectedRevenue = expectedRevenue
        self.lane = lane
        self.decision = decision
        self.reasons = reasons
        self.explanation = explanation
        self.warnings = warnings
    }
}

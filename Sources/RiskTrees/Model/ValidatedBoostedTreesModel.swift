/// A `BoostedTreesModel` that passed `BoostedTreesModel.validated(limits:)`: every structural
/// invariant and every bound of its `limits` holds.
///
/// Only `validated(limits:)` makes one, so holding one is the proof: `BoostedTreesPredictor` and
/// `TreeExplainer` are built from it and check nothing again (one validation, run once).
public struct ValidatedBoostedTreesModel: Sendable {
    /// The model.
    public let model: BoostedTreesModel
    /// The limits it was checked against.
    public let limits: ModelLimits
    /// Depth of the deepest leaf over all trees (≤ `limits.maximumDepth`).
    public let maximumDepth: Int

    init(model: BoostedTreesModel, limits: ModelLimits, maximumDepth: Int) {
        self.model = model
        self.limits = limits
        self.maximumDepth = maximumDepth
    }
}

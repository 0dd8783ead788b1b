import RiskFeatures

/// Turns a declaration's feature contributions and facts into the few reasons an officer reads.
///
/// Selection (`ReasonSelector`): groups whose share `|value| / Σ|values|` is at least
/// `minimumShare` are candidates; risk-increasing ones come first (largest value first), then
/// risk-lowering ones (most negative first), ties by group name; the first `maximumCount` are
/// kept. The `aeo` group is not a candidate: when its contribution is negative and the facts do
/// not say the importer is not an AEO, it is appended as the mitigating `AEO_TRUSTED` reason,
/// whatever its share.
///
/// Group → code (catalogue 1.0): `unit_value` → `UNIT_VALUE_LOW` (ratio to reference ≤ 1 or
/// unknown) / `UNIT_VALUE_HIGH` (> 1); `importer_history` → `IMPORTER_HISTORY`; `declarant_history`
/// → `DECLARANT_HISTORY`; `route` → `ROUTE_TRANSSHIPMENT`; `trader_tenure` → `NEW_TRADER`;
/// `hs_code` → `HS_RISK`; `origin` → `ORIGIN_RISK`; `office` → `OFFICE_RISK`; `tax` → `TAX_RATIO`;
/// `declared_value` → `DECLARED_VALUE`; `entity:<column>` → `ENTITY_HISTORY`; `aeo` → `AEO_TRUSTED`;
/// anything else → `FIELD_PATTERN`.
///
/// Sentences (`SentenceWriter`) state the declaration's facts when known and fall back to shorter
/// sentences when a fact is missing (never "nil"). See Docs/Explanations.md for every template.
public struct ReasonGenerator: Sendable {
    /// The catalogue the codes come from.
    public let catalog: ReasonCodeCatalog
    /// Most reasons returned (the AEO mitigating reason may come on top).
    public let maximumCount: Int
    /// Smallest share of Σ|group values| a group needs to become a reason.
    public let minimumShare: Double

    /// Creates a generator.
    ///
    /// - Parameters:
    ///   - catalog: Must contain every code listed above (`ReasonCodeCatalog.standard` does).
    ///   - maximumCount: At least 0; default 3.
    ///   - minimumShare: In `0...1`; default 0.05 (5% of Σ|contributions|).
    /// - Throws: `RiskExplainError` `.invalidParameter` for a missing code or an out-of-range parameter.
    public init(catalog: ReasonCodeCatalog = .standard, maximumCount: Int = 3, minimumShare: Double = 0.05) throws {
        guard maximumCount >= 0 else {
            throw RiskExplainError(.invalidParameter, "maximumCount is \(maximumCount); expected 0 or more reasons.")
        }
        guard minimumShare >= 0, minimumShare <= 1 else {
            throw RiskExplainError(.invalidParameter, "minimumShare is \(minimumShare); expected a share in 0...1, "
                                   + "e.g. 0.05 for 5% of the total absolute contribution.")
        }
        for code in ReasonCodeCatalog.standard.codes where catalog[code.code] == nil {
            throw RiskExplainError(.invalidParameter, "Reason-code catalogue \(catalog.version) has no code "
                                   + "\(code.code), which the generator uses. Add it or use ReasonCodeCatalog.standard.")
        }
        self.catalog = catalog
        self.maximumCount = maximumCount
        self.minimumShare = minimumShare
    }

    /// The reasons for one declaration from its feature contributions: the one reason path, for
    /// batches, single declarations and grouped explanations alike.
    ///
    /// `selector` chooses the groups (`ReasonSelector`); the first `maximumCount` candidates
    /// become reasons, each with its sentence (`SentenceWriter`) from the facts `facts` returns
    /// for its group. A direct shipment's route reason is coded `ORIGIN_RISK`: with the origin's
    /// own reason it would name the same risk twice, so the second is skipped and the next
    /// candidate takes its place. When the `aeo` group's value is negative and the facts do not
    /// say the importer is not an AEO, the mitigating `AEO_TRUSTED` reason is appended, whatever
    /// its share (so there may be `maximumCount + 1` reasons).
    ///
    /// - Parameters:
    ///   - contributions: One value per feature of `grouping`.
    ///   - grouping: The model's feature grouping.
    ///   - selector: Buffers reused across calls (one per thread).
    ///   - facts: The declaration's facts for a group (`ReasonFacts.facts(for:row:)`); called only
    ///     for the groups whose sentences are written.
    /// - Complexity: O(features + groups²); nothing is allocated but the reasons and their sentences.
    package func reasons(contributions: UnsafeBufferPointer<Double>, grouping: FeatureGrouping,
                         selector: inout ReasonSelector, facts: (FeatureGroup) -> GroupFacts) -> [Reason] {
        guard let total = selector.select(contributions: contributions, grouping: grouping,
                                          minimumShare: minimumShare) else { return [] }
        // One candidate beyond the count: a direct shipment's route reason may repeat ORIGIN_RISK and be skipped.
        let selectedCount = min(selector.candidates.count, maximumCount + 1)
        let aeoIndex = grouping.aeoIndex
        let mitigating = aeoIndex.map { selector.sums[$0] < 0 } ?? false
        guard (selectedCount > 0 && maximumCount > 0) || mitigating else { return [] }
        let groups = grouping.groups
        var reasons: [Reason] = []
        reasons.reserveCapacity(min(selectedCount, maximumCount) + (mitigating ? 1 : 0))
        var hasOriginRisk = false
        for k in 0..<selectedCount where reasons.count < maximumCount {
            let i = selector.candidates[k]
            let group = groups[i]
            if hasOriginRisk, group == .origin { continue }  // ORIGIN_RISK again: skipped
            let value = selector.sums[i]
            let (code, text) = SentenceWriter.sentence(group: group, value: value, facts: facts(group))
            if code == .originRisk {
                if hasOriginRisk { continue }
                hasOriginRisk = true
            }
            reasons.append(Reason(code: code.code, text: text, value: value, group: group, share: abs(value) / total))
        }
        if let aeoIndex, mitigating {
            let aeoFacts = facts(.aeo)
            if aeoFacts.aeo != false {
                let value = selector.sums[aeoIndex]
                let (code, text) = SentenceWriter.sentence(group: .aeo, value: value, facts: aeoFacts)
                reasons.append(Reason(code: code.code, text: text, value: value, group: .aeo,
                                      share: abs(value) / total))
            }
        }
        return reasons
    }
}

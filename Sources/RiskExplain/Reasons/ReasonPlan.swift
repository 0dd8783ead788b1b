import RiskData

/// The groups of a `FeatureGrouping` resolved once for the reason generator: what each group's
/// sentence is about and where its name sorts, so that choosing reasons and writing their
/// sentences compares no strings per declaration.
package struct ReasonPlan: Sendable, Hashable {
    /// What a group's reason is about (the `switch` of `ReasonGenerator.factSentence`).
    package enum Kind: Sendable, Hashable {
        case unitValue, importerHistory, declarantHistory, hsCode, origin, office, route
        case traderTenure, tax, declaredValue, aeo
        /// `entity:<column>`, with the column.
        case entity(String)
        /// Any other group, with the field name its sentence prints (`categorical:`/`numeric:` dropped).
        case field(String)
    }

    /// One kind per group, in `FeatureGrouping.groups` order.
    package let kinds: [Kind]
    /// Each group's position in the groups sorted by name: `rank[i] < rank[j]` ⇔ `name[i] < name[j]`
    /// (names are distinct, so the ranks are).
    package let ranks: [Int32]
    /// The index of the `aeo` group, if any.
    package let aeoIndex: Int?
    /// Whether the typed path must defer to the dictionary path for this grouping: when an entity
    /// column is named like an evidence key (e.g. an entity column "office", whose sentence then
    /// reads that fact of the dictionary), or when names repeat (a decoded grouping; ties by name
    /// are then not a strict order).
    package let usesDictionaryPath: Bool

    /// Resolves `groups` (distinct names).
    package init(groups: [String]) {
        var kinds: [Kind] = []
        kinds.reserveCapacity(groups.count)
        var aeoIndex: Int?
        var needsDictionary = false
        for (index, group) in groups.enumerated() {
            let kind = Self.kind(of: group)
            if kind == .aeo, aeoIndex == nil { aeoIndex = index }
            if case .entity(let column) = kind, Self.evidenceKeys.contains(column) { needsDictionary = true }
            kinds.append(kind)
        }
        var ranks = [Int32](repeating: 0, count: groups.count)
        for (rank, index) in groups.indices.sorted(by: { groups[$0] < groups[$1] }).enumerated() {
            ranks[index] = Int32(rank)
        }
        self.kinds = kinds
        self.ranks = ranks
        self.aeoIndex = aeoIndex
        self.usesDictionaryPath = needsDictionary || Set(groups).count != groups.count
    }

    /// The kind of `group`, as `ReasonGenerator.factSentence` tells them apart.
    static func kind(of group: String) -> Kind {
        switch group {
        case FeatureGroup.unitValue: return .unitValue
        case FeatureGroup.importerHistory: return .importerHistory
        case FeatureGroup.declarantHistory: return .declarantHistory
        case FeatureGroup.hsCode: return .hsCode
        case FeatureGroup.origin: return .origin
        case FeatureGroup.office: return .office
        case FeatureGroup.route: return .route
        case FeatureGroup.traderTenure: return .traderTenure
        case FeatureGroup.tax: return .tax
        case FeatureGroup.declaredValue: return .declaredValue
        case FeatureGroup.aeo: return .aeo
        default:
            let entityPrefix = "entity:"
            if group.hasPrefix(entityPrefix) { return .entity(String(group.dropFirst(entityPrefix.count))) }
            for prefix in ["categorical:", "numeric:"] where group.hasPrefix(prefix) {
                return .field(String(group.dropFirst(prefix.count)))
            }
            return .field(group)
        }
    }

    /// Every key `FittedFeaturePipeline.evidence(for:row:wanting:)` may set.
    static let evidenceKeys: Set<String> = [
        EvidenceKey.hsCode, EvidenceKey.origin, EvidenceKey.departure, EvidenceKey.declaredUnitValue,
        EvidenceKey.referenceUnitValue, EvidenceKey.unitValueRatio, EvidenceKey.referenceLevel, EvidenceKey.importer,
        EvidenceKey.importerPastCount, EvidenceKey.importerPastIllicit, EvidenceKey.declarant,
        EvidenceKey.declarantPastCount, EvidenceKey.declarantPastIllicit, EvidenceKey.hsIllicitRate,
        EvidenceKey.originIllicitRate, EvidenceKey.routeIllicitRate, EvidenceKey.office, EvidenceKey.officeIllicitRate,
        EvidenceKey.traderTenureDays, EvidenceKey.aeo, EvidenceKey.taxRatio, EvidenceKey.declaredValue,
    ]
}

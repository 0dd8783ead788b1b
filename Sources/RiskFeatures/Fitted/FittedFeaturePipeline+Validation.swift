import RiskData
import RiskDeclarations

extension FittedFeaturePipeline {
    /// Checks every table and index that `transform(_:for:)` and `ReasonFacts` read, so that a
    /// damaged or hostile bundle is refused with a message instead of crashing the scorer.
    ///
    /// A fitted pipeline made by `FeaturePipeline.fit` always passes. Checked:
    /// - the configuration (`FeaturePipelineConfiguration.validate()`); the prior is in `0...1`, the
    ///   prior revenue is not infinite;
    /// - the trees schema has one column per trees slot, the linear schema one per linear plan entry;
    /// - every slot's field, levels, profile and numeric column index is in range;
    /// - every per-code table (categorical levels, profile counts / label sums / rates / revenues,
    ///   first dates of importers) has exactly one entry per code of its field's vocabulary;
    /// - categorical levels name at least the "other" level and map codes into their names;
    /// - profiles are finite (counts ≥ 0), reference statistics finite with a positive scale;
    /// - route codes index the route vocabulary; linear plan sources are trees columns, scales are
    ///   finite and positive, medians and means finite.
    ///
    /// - Throws: `RiskFeaturesError` `.invalidConfiguration` whose message starts with
    ///   `pipeline: ` and names the table, the index and the valid range.
    /// - Complexity: O(size of the fitted tables).
    public func validate() throws {
        func fail(_ text: String) -> RiskFeaturesError {
            RiskFeaturesError(.invalidConfiguration, "pipeline: " + text)
        }
        do {
            try configuration.validate()
        } catch let error as RiskFeaturesError {
            throw fail("configuration: " + error.message)
        }
        guard prior.isFinite, (0...1).contains(prior) else {
            throw fail("prior is \(prior); expected the training illicit rate in 0...1.")
        }
        guard !priorRevenue.isInfinite else {
            throw fail("priorRevenue is \(priorRevenue); expected a finite mean revenue.")
        }
        guard treeSchema.columns.count == treeSlots.count else {
            throw fail("the trees schema has \(treeSchema.columns.count) columns but there are \(treeSlots.count) "
                       + "trees slots; expected one column per slot.")
        }
        guard linearSchema.columns.count == linearPlan.count else {
            throw fail("the linear schema has \(linearSchema.columns.count) columns but the linear plan has "
                       + "\(linearPlan.count) entries; expected one column per entry.")
        }

        // Key fields and the number of codes each can take.
        let codeCounts = keyFields.map { vocabularies[$0.space]?.count ?? 0 }
        func checkField(_ field: Int, _ what: String) throws {
            guard (0..<keyFields.count).contains(field) else {
                throw fail("\(what) names key field \(field); expected an index in 0..<\(keyFields.count).")
            }
        }
        func checkLength(_ count: Int, field: Int, _ what: String) throws {
            let expected = codeCounts[field]
            guard count == expected else {
                throw fail("\(what) has \(count) entries but field \"\(keyFields[field].space)\" has \(expected) "
                           + "codes; expected one entry per code.")
            }
        }

        // Categorical levels.
        for (index, levels) in categoricalLevels.enumerated() {
            guard !levels.names.isEmpty else {
                throw fail("categoricalLevels[\(index)] has no level names; expected at least the \"other\" level.")
            }
            if let bad = levels.levelOfCode.firstIndex(where: { !(0..<Int32(levels.names.count)).contains($0) }) {
                throw fail("categoricalLevels[\(index)].levelOfCode[\(bad)] is \(levels.levelOfCode[bad]); "
                           + "expected a level in 0..<\(levels.names.count).")
            }
        }

        // Profiles.
        guard profiles.count == profiledFields.count else {
            throw fail("there are \(profiles.count) profiles for \(profiledFields.count) profiled fields; expected "
                       + "one profile per field.")
        }
        for (index, field) in profiledFields.enumerated() {
            try checkField(field, "profiledFields[\(index)]")
            let profile = profiles[index]
            try checkLength(profile.count.count, field: field, "profiles[\(index)].count")
            try checkLength(profile.labelSum.count, field: field, "profiles[\(index)].labelSum")
            try checkLength(profile.rate.count, field: field, "profiles[\(index)].rate")
            if let revenueSum = profile.revenueSum, !revenueSum.isEmpty {
                try checkLength(revenueSum.count, field: field, "profiles[\(index)].revenueSum")
            }
            if let meanRevenue = profile.meanRevenue, !meanRevenue.isEmpty {
                try checkLength(meanRevenue.count, field: field, "profiles[\(index)].meanRevenue")
            }
            if let bad = profile.count.firstIndex(where: { !$0.isFinite || $0 < 0 }) {
                throw fail("profiles[\(index)].count[\(bad)] is \(profile.count[bad]); expected a finite count ≥ 0.")
            }
            if let bad = profile.rate.firstIndex(where: { !$0.isFinite }) {
                throw fail("profiles[\(index)].rate[\(bad)] is \(profile.rate[bad]); expected a finite rate.")
            }
        }

        // First dates of importers, indexed by importer code.
        if let importer = keyFields.firstIndex(of: .importer) {
            try checkLength(importerFirstDate.count, field: importer, "importerFirstDate")
        }

        // Route codes.
        if let route = keyFields.firstIndex(of: .route) {
            let count = codeCounts[route]
            if let bad = routePairs.first(where: { !(0..<Int32(count)).contains($0.value) }) {
                throw fail("route pair \(bad.key) has code \(bad.value); expected a code in 0..<\(count) "
                           + "(the route vocabulary).")
            }
        }

        // Reference statistics.
        for (name, reference) in [("referencePerKilogram", referencePerKilogram),
                                  ("referencePerUnit", referencePerUnit)] {
            let all = Array(reference.pairs.values) + Array(reference.hs6.values) + Array(reference.hs4.values)
                + Array(reference.hs2.values) + (reference.global.map { [$0] } ?? [])
            if let bad = all.first(where: { !$0.median.isFinite || !$0.scale.isFinite || $0.scale <= 0 }) {
                throw fail("\(name) has a group with median \(bad.median) and scale \(bad.scale); expected a "
                           + "finite median and a finite scale > 0.")
            }
        }

        // Trees slots.
        for (column, slot) in treeSlots.enumerated() {
            let what = "trees slot \(column) (\(treeSchema.columns[column].name))"
            switch slot {
            case .code(let field, let levels):
                try checkField(field, what)
                guard (0..<categoricalLevels.count).contains(levels) else {
                    throw fail("\(what) names categorical levels \(levels); expected an index in "
                               + "0..<\(categoricalLevels.count).")
                }
                try checkLength(categoricalLevels[levels].levelOfCode.count, field: field,
                                "categoricalLevels[\(levels)].levelOfCode")
            case .rate(let profile), .meanRevenue(let profile), .count(let profile):
                guard (0..<profiles.count).contains(profile) else {
                    throw fail("\(what) names profile \(profile); expected an index in 0..<\(profiles.count).")
                }
            case .numeric(let index):
                guard (0..<roles.numerics.count).contains(index) else {
                    throw fail("\(what) names numeric column \(index); expected an index in "
                               + "0..<\(roles.numerics.count).")
                }
            default:
                break
            }
        }

        // Linear plan.
        for (column, plan) in linearPlan.enumerated() {
            let what = "linear column \(column) (\(linearSchema.columns[column].name))"
            switch plan {
            case .standardizedLogOdds(let source, let median, let mean, let scale),
                 .standardized(let source, _, let median, let mean, let scale):
                guard (0..<treeSlots.count).contains(source) else {
                    throw fail("\(what) reads trees column \(source); expected an index in 0..<\(treeSlots.count).")
                }
                guard median.isFinite, mean.isFinite, scale.isFinite, scale > 0 else {
                    throw fail("\(what) has median \(median), mean \(mean) and scale \(scale); expected finite "
                               + "numbers and a scale > 0.")
                }
            case .missingIndicator(let source):
                guard (0..<treeSlots.count).contains(source) else {
                    throw fail("\(what) reads trees column \(source); expected an index in 0..<\(treeSlots.count).")
                }
            case .oneHot(let field, _):
                try checkField(field, what)
            }
        }
    }
}

/// Robust centre and spread of ln(unit value) in one reference group.
package struct ReferenceStatistic: Sendable, Hashable, Codable {
    /// Training rows in the group.
    package var count: Int
    /// Median of ln(unit value).
    package var median: Double
    /// `max(1.4826 · MAD, 0.05)` of ln(unit value): a robust standard deviation, floored so a
    /// group of identical prices does not turn every small deviation into a huge z.
    package var scale: Double

    /// Median and MAD of `values` (non-empty; reordered in place).
    package static func of(_ values: inout [Double]) -> ReferenceStatistic {
        let median = Numerics.median(selecting: &values)
        var deviations = values.map { abs($0 - median) }
        let mad = Numerics.median(selecting: &deviations)
        return ReferenceStatistic(count: values.count, median: median,
                                  scale: max(1.4826 * mad, Numerics.minimumReferenceScale))
    }
}

/// Which group a reference price came from (the value of the `unit_value_reference_level` column).
package enum ReferenceLevel: Int, Sendable, CaseIterable {
    case hs6Origin = 0, hs6, hs4, hs2, global

    /// Display text for reasons.
    package var title: String {
        switch self {
        case .hs6Origin: "HS6 × origin"
        case .hs6: "HS6"
        case .hs4: "HS4"
        case .hs2: "HS2"
        case .global: "all goods"
        }
    }
}

/// Reference unit values learned from training, with back-off HS6×origin → HS6 → HS4 → HS2 → all goods.
///
/// Only groups with at least `minimumReferenceGroupRows` training rows are stored, so a lookup
/// takes the most specific stored group. The all-goods group is used whenever it has any row.
/// Medians are taken of ln(unit value), which is the log of the median for an odd count
/// (for an even count, the geometric mean of the two middle prices).
package struct UnitValueReference: Sendable, Hashable, Codable {
    @SortedEncoding package var pairs: [Int64: ReferenceStatistic]
    @SortedEncoding package var hs6: [Int32: ReferenceStatistic]
    @SortedEncoding package var hs4: [Int32: ReferenceStatistic]
    @SortedEncoding package var hs2: [Int32: ReferenceStatistic]
    package var global: ReferenceStatistic?

    /// The most specific sufficient group for a row's codes (−1 = missing).
    @inline(__always)
    package func lookup(hs6 code6: Int32, hs4 code4: Int32, hs2 code2: Int32, origin: Int32)
        -> (statistic: ReferenceStatistic, level: ReferenceLevel)? {
        if code6 >= 0, origin >= 0, let s = pairs[KeyText.pair(code6, origin)] { return (s, .hs6Origin) }
        if code6 >= 0, let s = hs6[code6] { return (s, .hs6) }
        if code4 >= 0, let s = hs4[code4] { return (s, .hs4) }
        if code2 >= 0, let s = hs2[code2] { return (s, .hs2) }
        if let s = global { return (s, .global) }
        return nil
    }

    /// Learns the reference groups.
    ///
    /// - Parameters:
    ///   - logValues: ln(unit value) per row; NaN for rows without a usable unit value.
    ///   - hs6, hs4, hs2, origin: fitted codes per row (−1 = missing).
    ///   - minimumRows: Smallest group kept.
    /// - Complexity: O(*n* log *n*).
    package static func fit(logValues: [Double], hs6: [Int32], hs4: [Int32], hs2: [Int32], origin: [Int32],
                            minimumRows: Int) -> UnitValueReference {
        var pairGroups: [Int64: [Double]] = [:]
        var groups6: [Int32: [Double]] = [:]
        var groups4: [Int32: [Double]] = [:]
        var groups2: [Int32: [Double]] = [:]
        var all: [Double] = []
        for row in logValues.indices {
            let value = logValues[row]
            guard !value.isNaN else { continue }
            all.append(value)
            if !hs6.isEmpty {
                if hs6[row] >= 0 {
                    groups6[hs6[row], default: []].append(value)
                    if !origin.isEmpty, origin[row] >= 0 {
                        pairGroups[KeyText.pair(hs6[row], origin[row]), default: []].append(value)
                    }
                }
                if hs4[row] >= 0 { groups4[hs4[row], default: []].append(value) }
                if hs2[row] >= 0 { groups2[hs2[row], default: []].append(value) }
            }
        }
        func summarise<Key>(_ groups: [Key: [Double]]) -> [Key: ReferenceStatistic] {
            var out: [Key: ReferenceStatistic] = [:]
            for (key, values) in groups where values.count >= minimumRows {
                var values = values
                out[key] = ReferenceStatistic.of(&values)
            }
            return out
        }
        return UnitValueReference(pairs: summarise(pairGroups), hs6: summarise(groups6), hs4: summarise(groups4),
                                  hs2: summarise(groups2), global: all.isEmpty ? nil : ReferenceStatistic.of(&all))
    }
}

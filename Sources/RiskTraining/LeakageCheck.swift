import Foundation
import RiskData
import RiskMetrics

/// Loud warnings when the data look too good to be true: a validation AUC of at least
/// `aucThreshold`, or one feature that alone separates the classes (issue 15). Customs outcomes
/// are never that predictable from what is known when a declaration is lodged; the usual cause is a
/// column filled in after inspection (a second outcome, a penalty, a case number).
enum LeakageCheck {
    /// Validation AUC from which training warns.
    static let aucThreshold = 0.99
    /// Share of each class a one-feature rule must get right to count as separating.
    static let separationThreshold = 0.99
    /// Rows a feature value needs before its majority label counts in the value rule.
    static let minimumSupport = 10

    /// The warning for a validation AUC of `auc`, or nil below `aucThreshold`.
    static func aucWarning(_ auc: Double, rows: Int) -> String? {
        guard auc >= aucThreshold else { return nil }
        return "LEAKAGE? the validation AUC is \(format(auc)) on \(rows) declarations (≥ \(aucThreshold)): customs "
            + "outcomes are never this predictable. Look for a column filled in after inspection (riskctl schema "
            + "infer flags them) and mark it \"ignore\" in the schema."
    }

    /// One warning per feature of `matrix` that alone separates `labels`: its AUC is at least
    /// `separationThreshold` (or at most 1 − it; a missing value counts as the lowest), or a rule
    /// "exact value → majority label" over values seen `minimumSupport` times gets that share of
    /// each class right.
    ///
    /// - Complexity: O(*columns* × *n* log *n*).
    static func separatingFeatureWarnings(_ matrix: FeatureMatrix, labels: [Float]) -> [String] {
        let illicit = labels.filter { $0 > 0.5 }.count, licit = labels.count - illicit
        guard illicit >= minimumSupport, licit >= minimumSupport else { return [] }
        var warnings: [String] = []
        for (column, feature) in matrix.schema.columns.enumerated() {
            let values = matrix.withUnsafeColumn(column) { Array($0) }
            let present = values.filter { !$0.isNaN }
            let lowest = Double(present.min() ?? 0) - 1
            let scores = values.map { $0.isNaN ? lowest : Double($0) }
            guard let auc = try? rocAUC(scores: scores, labels: labels) else { continue }
            var evidence: String?
            if max(auc, 1 - auc) >= separationThreshold {
                evidence = "AUC \(format(auc)) alone"
            } else if let (illicitShare, licitShare) = valueRule(values, labels: labels, illicit: illicit, licit: licit),
                      illicitShare >= separationThreshold, licitShare >= separationThreshold {
                evidence = "its values sort \(percent(illicitShare)) of the illicit and \(percent(licitShare)) of the "
                    + "licit declarations"
            }
            if let evidence {
                warnings.append("LEAKAGE? feature \"\(feature.name)\"\(userColumn(feature).map { " (column \"\($0)\")" } ?? "")"
                                + " alone separates the classes on the \(labels.count) "
                                + "training declarations (\(evidence)). If its column is filled in after inspection, "
                                + "mark it \"ignore\" in the schema and train again.")
            }
        }
        return warnings
    }

    /// Shares of illicit and licit rows that "value → majority label" gets right (values seen fewer
    /// than `minimumSupport` times count as wrong), or nil for more than 1,000 distinct values.
    static func valueRule(_ values: [Float], labels: [Float], illicit: Int, licit: Int) -> (Double, Double)? {
        var counts: [UInt32: (licit: Int, illicit: Int)] = [:]
        for (value, label) in zip(values, labels) {
            let key = value.isNaN ? Float.nan.bitPattern : (value == 0 ? 0 : value.bitPattern)
            var c = counts[key] ?? (0, 0)
            if label > 0.5 { c.illicit += 1 } else { c.licit += 1 }
            counts[key] = c
            if counts.count > 1_000 { return nil }
        }
        var rightIllicit = 0, rightLicit = 0
        for c in counts.values where c.licit + c.illicit >= minimumSupport {
            if c.illicit > c.licit { rightIllicit += c.illicit } else { rightLicit += c.licit }
        }
        return (Double(rightIllicit) / Double(illicit), Double(rightLicit) / Double(licit))
    }

    /// The user's column behind a feature of a column-named group (`categorical:Review Status`,
    /// `numeric:…`, `entity:…`), or nil for features the pipeline derives from several columns.
    static func userColumn(_ feature: FeatureColumn) -> String? {
        let group = feature.group
        for prefix in ["categorical:", "numeric:", "entity:"] where group.hasPrefix(prefix) {
            return String(group.dropFirst(prefix.count))
        }
        return nil
    }

    static func format(_ x: Double) -> String { String(format: "%.4f", x) }
    static func percent(_ x: Double) -> String { String(format: "%.1f %%", 100 * x) }
}

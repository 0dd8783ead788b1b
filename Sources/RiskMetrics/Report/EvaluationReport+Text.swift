import Foundation

extension EvaluationReport {
    /// A plain-text rendering for a terminal: the summary metrics, precision / recall / lift /
    /// revenue at each inspection rate, and the calibration table. Lift appears only when
    /// ``details`` is present (not after decoding).
    public func textTable() -> String {
        var lines: [String] = []
        let rate = rows > 0 ? 100 * Double(positives) / Double(rows) : 0
        lines.append("Evaluation of \(rows) rows, \(positives) positives (\(fixed(rate, 2)) %)")
        lines.append("")
        lines.append(pad("ROC AUC", 24) + fixed(auc, 4))
        lines.append(pad("PR AUC (avg precision)", 24) + fixed(prAUC, 4))
        lines.append(pad("Log loss", 24) + fixed(logLoss, 4))
        lines.append(pad("Brier score", 24) + fixed(brier, 4))
        lines.append("")
        var header = pad("Inspection rate", 17) + pad("Precision", 11, right: true) + pad("Recall", 9, right: true)
        if details != nil { header += pad("Lift", 8, right: true) }
        if revenueAt != nil { header += pad("Revenue", 9, right: true) }
        lines.append(header)
        for (index, percent) in Self.inspectionRatesPercent.enumerated() {
            let key = String(percent)
            var line = pad("\(percent) %", 17) + pad(fixed(precisionAt[key] ?? .nan, 4), 11, right: true)
                + pad(fixed(recallAt[key] ?? .nan, 4), 9, right: true)
            if let details, index < details.targeting.count {
                line += pad(fixed(details.targeting[index].lift, 2), 8, right: true)
            }
            if let revenueAt { line += pad(fixed(revenueAt[key] ?? .nan, 4), 9, right: true) }
            lines.append(line)
        }
        lines.append("")
        lines.append("Calibration (\(calibration.bins.count) bins of predicted probability)")
        lines.append(pad("Predicted", 13) + pad("Rows", 9, right: true) + pad("Mean predicted", 16, right: true)
                     + pad("Observed", 10, right: true))
        for bin in calibration.bins {
            let range = fixed(bin.lowerBound, 2) + "–" + fixed(bin.upperBound, 2)
            lines.append(pad(range, 13) + pad(String(bin.count), 9, right: true)
                         + pad(bin.meanPredicted.map { fixed($0, 4) } ?? "–", 16, right: true)
                         + pad(bin.observedRate.map { fixed($0, 4) } ?? "–", 10, right: true))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// `value` with `digits` decimals ("nan" for NaN).
func fixed(_ value: Double, _ digits: Int) -> String {
    guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
    return String(format: "%.\(digits)f", value)
}

/// `text` padded with spaces to `width` characters (on the left when `right`).
func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
    let padding = String(repeating: " ", count: max(0, width - text.count))
    return right ? padding + text : text + padding
}

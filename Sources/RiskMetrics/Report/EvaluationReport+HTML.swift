extension EvaluationReport {
    /// A self-contained HTML page: the summary, the targeting table, and four inline SVG charts —
    /// ROC, precision–recall, lift / revenue capture and calibration (reliability). No scripts, no
    /// external files, no network; `title` and all text are HTML-escaped.
    ///
    /// - Parameter title: The page title and heading (plain text).
    /// - Returns: A complete HTML5 document.
    public func html(title: String) -> String {
        html(title: title, identity: [], tables: [])
    }

    /// The page of ``html(title:)`` with what the caller knows beyond the scores: the model's identity
    /// (name–value pairs shown first, e.g. the bundle's checksum and training period) and extra tables
    /// (lanes, segments, population estimates) shown after the targeting table.
    ///
    /// - Parameters:
    ///   - title: The page title and heading (plain text).
    ///   - identity: Name–value pairs describing the model (plain text, escaped).
    ///   - tables: Extra tables, in order (plain text, escaped).
    /// - Returns: A complete HTML5 document.
    public func html(title: String, identity: [(name: String, value: String)], tables: [ReportTable]) -> String {
        let escapedTitle = htmlEscaped(title)
        var body = ""
        body += "<h1>\(escapedTitle)</h1>\n"
        if !identity.isEmpty {
            body += "<h2>Model</h2>\n<table class=\"summary\">\n"
            for (name, value) in identity {
                body += "<tr><th>\(htmlEscaped(name))</th><td class=\"text\">\(htmlEscaped(value))</td></tr>\n"
            }
            body += "</table>\n<h2>Results</h2>\n"
        }
        body += "<table class=\"summary\">\n"
        for (name, value) in [("Rows", String(rows)), ("Positives", String(positives)),
                              ("ROC AUC", fixed(auc, 4)), ("PR AUC (average precision)", fixed(prAUC, 4)),
                              ("Log loss", fixed(logLoss, 4)), ("Brier score", fixed(brier, 4))] {
            body += "<tr><th>\(name)</th><td>\(value)</td></tr>\n"
        }
        body += "</table>\n"

        body += "<h2>Targeting</h2>\n<table>\n<tr><th>Inspection rate</th><th>Precision</th><th>Recall</th>"
        if details != nil { body += "<th>Lift</th>" }
        if revenueAt != nil { body += "<th>Revenue captured</th>" }
        body += "</tr>\n"
        for (index, percent) in Self.inspectionRatesPercent.enumerated() {
            let key = String(percent)
            body += "<tr><td>\(percent) %</td><td>\(fixed(precisionAt[key] ?? .nan, 4))</td>"
                + "<td>\(fixed(recallAt[key] ?? .nan, 4))</td>"
            if let details, index < details.targeting.count {
                body += "<td>\(fixed(details.targeting[index].lift, 2))</td>"
            }
            if let revenueAt { body += "<td>\(fixed(revenueAt[key] ?? .nan, 4))</td>" }
            body += "</tr>\n"
        }
        body += "</table>\n"

        for table in tables { body += table.html() }

        body += "<h2>Charts</h2>\n<div class=\"charts\">\n"
        for chart in charts() { body += chart.svg() + "\n" }
        body += "</div>\n"

        body += "<h2>Calibration</h2>\n<table>\n<tr><th>Predicted</th><th>Rows</th><th>Mean predicted</th>"
            + "<th>Observed rate</th></tr>\n"
        for bin in calibration.bins {
            body += "<tr><td>\(fixed(bin.lowerBound, 2))–\(fixed(bin.upperBound, 2))</td><td>\(bin.count)</td>"
                + "<td>\(bin.meanPredicted.map { fixed($0, 4) } ?? "–")</td>"
                + "<td>\(bin.observedRate.map { fixed($0, 4) } ?? "–")</td></tr>\n"
        }
        body += "</table>\n"

        return htmlDocument(title: title, body: body)
    }

    /// The charts, in order: ROC, precision–recall, capture, capture zoomed to 0–20 %, calibration.
    func charts() -> [SVGChart] {
        var roc = SVGChart(title: "ROC curve (AUC \(fixed(auc, 3)))", xLabel: "False positive rate",
                           yLabel: "True positive rate")
        var precisionRecall = SVGChart(title: "Precision–recall (AP \(fixed(prAUC, 3)))", xLabel: "Recall",
                                       yLabel: "Precision")
        var capture = SVGChart(title: "Lift / revenue capture", xLabel: "Inspection rate",
                               yLabel: "Share captured")
        var zoomed = SVGChart(title: "Capture at the budgets that matter (0–20 %)", xLabel: "Inspection rate",
                              yLabel: "Share captured")
        zoomed.xMaximum = 0.2
        zoomed.diagonal = true
        var reliability = SVGChart(title: "Calibration (reliability)", xLabel: "Mean predicted probability",
                                   yLabel: "Observed rate")
        roc.diagonal = true
        precisionRecall.legendAtTop = true
        capture.diagonal = true
        reliability.diagonal = true
        if let details {
            roc.series.append(.init(name: "model", color: "#1f77b4",
                                    points: details.roc.map { ($0.falsePositiveRate, $0.truePositiveRate) }))
            precisionRecall.series.append(.init(name: "model", color: "#1f77b4",
                                                points: details.precisionRecall.map { ($0.recall, $0.precision) }))
            precisionRecall.series.append(.init(name: "random (\(fixed(details.positiveRate, 3)))", color: "#999999",
                                                points: [(0, details.positiveRate), (1, details.positiveRate)],
                                                dashed: true))
            let start = [(0.0, 0.0)]
            capture.series.append(.init(name: "positives found", color: "#1f77b4",
                                        points: start + details.capture.map { ($0.rate, $0.recall) }))
            if details.capture.first?.revenueCapture != nil {
                capture.series.append(.init(name: "revenue captured", color: "#2ca02c",
                                            points: start + details.capture.map { ($0.rate, $0.revenueCapture ?? 0) }))
            }
            zoomed.series = capture.series.map { line in
                var kept = line
                kept.points = line.points.filter { $0.0 <= zoomed.xMaximum * (1 + 1e-9) }
                return kept
            }
        } else {
            for chart in [0, 1, 2] {
                let note = "curve not available (report decoded from JSON)"
                if chart == 0 { roc.note = note } else if chart == 1 { precisionRecall.note = note } else { capture.note = note }
            }
            zoomed.note = "curve not available (report decoded from JSON)"
        }
        let calibrated = calibration.bins.compactMap { bin -> (Double, Double)? in
            guard let predicted = bin.meanPredicted, let observed = bin.observedRate else { return nil }
            return (predicted, observed)
        }
        reliability.series.append(.init(name: "model", color: "#d62728", points: calibrated, markers: true))
        return [roc, precisionRecall, capture, zoomed, reliability]
    }
}

/// A line chart on the unit square, rendered as inline SVG.
package struct SVGChart {
    package struct Series {
        package var name: String
        package var color: String
        package var points: [(Double, Double)]
        package var dashed = false
        package var markers = false

        package init(name: String, color: String, points: [(Double, Double)], dashed: Bool = false,
                     markers: Bool = false) {
            self.name = name
            self.color = color
            self.points = points
            self.dashed = dashed
            self.markers = markers
        }
    }

    package var title: String
    package var xLabel: String
    package var yLabel: String
    package var series: [Series] = []
    package var diagonal = false
    package var note: String?
    /// Legend in the top-right corner (else bottom-right, below a rising curve).
    package var legendAtTop = false
    /// The x axis runs from 0 to this (1: the unit square; 0.2 zooms on small budgets).
    package var xMaximum = 1.0
    /// The y axis runs from 0 to this (1: the unit square).
    package var yMaximum = 1.0
    /// The text of the x tick at a value (default: the value, 1 or 2 decimals), e.g. a date.
    package var xTickText: (@Sendable (Double) -> String)?

    package init(title: String, xLabel: String, yLabel: String) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
    }

    static let width = 380.0, height = 340.0
    static let left = 52.0, right = 16.0, top = 30.0, bottom = 46.0

    private func x(_ value: Double) -> Double {
        Self.left + min(1, max(0, value / xMaximum)) * (Self.width - Self.left - Self.right)
    }

    private func y(_ value: Double) -> Double {
        Self.height - Self.bottom - min(1, max(0, value / yMaximum)) * (Self.height - Self.top - Self.bottom)
    }

    private func number(_ value: Double) -> String { fixed(value, 1) }

    package func svg() -> String {
        let w = Self.width, h = Self.height
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(w))\" height=\"\(Int(h))\" "
            + "viewBox=\"0 0 \(Int(w)) \(Int(h))\" role=\"img\" aria-label=\"\(htmlEscaped(title))\">\n"
        s += "<text x=\"\(number(w / 2))\" y=\"18\" text-anchor=\"middle\" font-size=\"14\" "
            + "font-weight=\"bold\">\(htmlEscaped(title))</text>\n"
        for (step, tick) in stride(from: 0.0, through: 1.0001, by: 0.2).enumerated() {
            let xTick = Double(step) * 0.2 * xMaximum
            s += "<line x1=\"\(number(x(xTick)))\" y1=\"\(number(y(0)))\" x2=\"\(number(x(xTick)))\" "
                + "y2=\"\(number(y(yMaximum)))\" stroke=\"#eee\"/>\n"
            let yTick = tick * yMaximum
            s += "<line x1=\"\(number(x(0)))\" y1=\"\(number(y(yTick)))\" x2=\"\(number(x(xMaximum)))\" "
                + "y2=\"\(number(y(yTick)))\" stroke=\"#eee\"/>\n"
            s += "<text x=\"\(number(x(xTick)))\" y=\"\(number(y(0) + 16))\" text-anchor=\"middle\" "
                + "font-size=\"11\">\(htmlEscaped(xTickText?(xTick) ?? fixed(xTick, xMaximum < 1 ? 2 : 1)))</text>\n"
            s += "<text x=\"\(number(x(0) - 6))\" y=\"\(number(y(yTick) + 4))\" text-anchor=\"end\" "
                + "font-size=\"11\">\(fixed(yTick, yMaximum < 1 ? 2 : 1))</text>\n"
        }
        s += "<rect x=\"\(number(x(0)))\" y=\"\(number(y(yMaximum)))\" width=\"\(number(x(xMaximum) - x(0)))\" "
            + "height=\"\(number(y(0) - y(yMaximum)))\" fill=\"none\" stroke=\"#444\"/>\n"
        s += "<text x=\"\(number((x(0) + x(xMaximum)) / 2))\" y=\"\(number(h - 8))\" text-anchor=\"middle\" "
            + "font-size=\"12\">\(htmlEscaped(xLabel))</text>\n"
        s += "<text x=\"14\" y=\"\(number((y(0) + y(yMaximum)) / 2))\" text-anchor=\"middle\" font-size=\"12\" "
            + "transform=\"rotate(-90 14 \(number((y(0) + y(yMaximum)) / 2)))\">\(htmlEscaped(yLabel))</text>\n"
        if diagonal {
            s += "<line x1=\"\(number(x(0)))\" y1=\"\(number(y(0)))\" x2=\"\(number(x(xMaximum)))\" "
                + "y2=\"\(number(y(xMaximum)))\" stroke=\"#999\" stroke-dasharray=\"4 4\"/>\n"
        }
        for (index, line) in series.enumerated() {
            let path = line.points.map { "\(number(x($0.0))),\(number(y($0.1)))" }.joined(separator: " ")
            let dash = line.dashed ? " stroke-dasharray=\"4 4\"" : ""
            if !line.points.isEmpty {
                s += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(line.color)\" stroke-width=\"2\"\(dash)/>\n"
            }
            if line.markers {
                for point in line.points {
                    s += "<circle cx=\"\(number(x(point.0)))\" cy=\"\(number(y(point.1)))\" r=\"3.5\" "
                        + "fill=\"\(line.color)\"/>\n"
                }
            }
            let legendY = legendAtTop ? y(yMaximum) + 16 + 16 * Double(index)
                : y(0) - 10 - 16 * Double(series.count - 1 - index)
            let legendX = x(xMaximum) - 150
            s += "<line x1=\"\(number(legendX))\" y1=\"\(number(legendY - 4))\" x2=\"\(number(legendX + 18))\" "
                + "y2=\"\(number(legendY - 4))\" stroke=\"\(line.color)\" stroke-width=\"2\"\(dash)/>\n"
            s += "<text x=\"\(number(legendX + 22))\" y=\"\(number(legendY))\" font-size=\"11\">"
                + "\(htmlEscaped(line.name))</text>\n"
        }
        if let note {
            s += "<text x=\"\(number((x(0) + x(xMaximum)) / 2))\" y=\"\(number((y(0) + y(yMaximum)) / 2))\" "
                + "text-anchor=\"middle\" font-size=\"12\" fill=\"#888\">\(htmlEscaped(note))</text>\n"
        }
        s += "</svg>"
        return s
    }
}

/// A complete HTML5 page around `body` (already HTML) with the reports' style sheet: no scripts, no
/// external files, no network.
package func htmlDocument(title: String, body: String) -> String {
    return """
    <!DOCTYPE html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <title>\(htmlEscaped(title))</title>
    <style>
    body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
    table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
    th, td { border: 1px solid #ccc; padding: 0.25em 0.75em; text-align: right; }
    th { background: #f3f3f3; text-align: left; }
    td.text { text-align: left; }
    p.note { color: #555; max-width: 60em; }
    .charts { display: flex; flex-wrap: wrap; gap: 1.5em; }
    svg { background: #fff; border: 1px solid #ddd; }
    </style>
    </head>
    <body>
    \(body)</body>
    </html>

    """
}

/// `text` with `&`, `<`, `>`, `"` and `'` replaced by character references.
package func htmlEscaped(_ text: String) -> String {
    var result = ""
    result.reserveCapacity(text.count)
    for character in text {
        switch character {
        case "&": result += "&amp;"
        case "<": result += "&lt;"
        case ">": result += "&gt;"
        case "\"": result += "&quot;"
        case "'": result += "&#39;"
        default: result.append(character)
        }
    }
    return result
}

/// A table an ``EvaluationReport`` page shows beside its own (lanes, segments, population estimates).
public struct ReportTable: Sendable, Hashable {
    /// The heading above the table.
    public var title: String
    /// A sentence under the heading saying how to read it, or nil.
    public var note: String?
    /// Column headings.
    public var header: [String]
    /// Rows of cells (plain text); a row shorter than the header is padded with empty cells.
    public var rows: [[String]]

    public init(title: String, note: String? = nil, header: [String], rows: [[String]]) {
        self.title = title
        self.note = note
        self.header = header
        self.rows = rows
    }

    package func html() -> String {
        var out = "<h2>\(htmlEscaped(title))</h2>\n"
        if let note { out += "<p class=\"note\">\(htmlEscaped(note))</p>\n" }
        out += "<table>\n<tr>" + header.map { "<th>\(htmlEscaped($0))</th>" }.joined() + "</tr>\n"
        for row in rows {
            let cells = row + Array(repeating: "", count: max(0, header.count - row.count))
            out += "<tr>" + cells.enumerated().map { index, cell in
                index == 0 ? "<td class=\"text\">\(htmlEscaped(cell))</td>" : "<td>\(htmlEscaped(cell))</td>"
            }.joined() + "</tr>\n"
        }
        return out + "</table>\n"
    }
}

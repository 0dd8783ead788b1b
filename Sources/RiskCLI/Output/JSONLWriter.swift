import CustomsRisk
import Foundation

/// `riskctl score --format jsonl`: one JSON object per declaration and line, keys sorted
/// (`jsonLine`), written in pieces of about 1 MiB.
enum JSONLWriter {
    /// Writes `assessments`, one line each, in order.
    ///
    /// - Throws: What encoding or `file` throws (a failed write names the file).
    static func write(_ assessments: [RiskAssessment], to file: SequentialFileWriter) throws {
        var buffer = [UInt8]()
        buffer.reserveCapacity(1 << 20)
        for a in assessments {
            buffer.append(contentsOf: (try jsonLine(ScoredLine(a)) + "\n").utf8)
            if buffer.count >= 1 << 20 {
                try file.write(buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        try file.write(buffer)
    }
}

/// One JSON Lines record of `riskctl score --format jsonl`.
struct ScoredLine: Encodable {
    var id: String
    var probability: Double
    var raw_score: Double
    var rank: Int
    var lane: String
    var selected: Bool
    var selection_probability: Double
    var expected_revenue: Double?
    var reasons: [ReasonLine]
    var warnings: [String]

    init(_ a: RiskAssessment) {
        id = a.id
        probability = a.probability
        raw_score = a.rawScore
        rank = a.decision?.rank ?? 0
        lane = a.lane.rawValue
        selected = a.decision?.selected ?? false
        selection_probability = a.decision?.selectionProbability ?? 0
        expected_revenue = a.expectedRevenue
        reasons = a.reasons.map(ReasonLine.init)
        warnings = a.warnings
    }
}

struct ReasonLine: Encodable {
    var code: String
    var text: String
    var value: Double
    init(_ r: Reason) {
        code = r.code
        text = r.text
        value = r.value
    }
}

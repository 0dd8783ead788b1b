import CustomsRisk
import Foundation

/// The CSV of `riskctl features`: header `id,<column names>[,label]`, one line per row, missing
/// values as empty fields, numbers in Swift's shortest round-trip form (`Float.description`), text
/// fields as `ScoreCSVWriter.appendField` writes them (RFC 4180 quoting, `CSVFormulaGuard`).
enum FeatureMatrixCSV {
    /// The CSV bytes of `matrix` with one id (and label, when given) per row.
    ///
    /// - Complexity: O(rows × columns).
    static func bytes(_ matrix: FeatureMatrix, ids: [String], labels: [Float]?) -> [UInt8] {
        let n = matrix.rowCount
        precondition(ids.count == n && (labels?.count ?? n) == n, "one id and one label per matrix row")
        var out: [UInt8] = []
        out.reserveCapacity((n + 1) * (matrix.columnCount + 2) * 8)
        func value(_ x: Float) {
            if !x.isNaN { out.append(contentsOf: x.description.utf8) }
        }
        ScoreCSVWriter.appendField("id", to: &out)
        for name in matrix.schema.names {
            out.append(UInt8(ascii: ","))
            ScoreCSVWriter.appendField(name, to: &out)
        }
        if labels != nil { out.append(contentsOf: ",label".utf8) }
        out.append(UInt8(ascii: "\n"))
        matrix.withUnsafeValues { values in
            for row in 0..<n {
                ScoreCSVWriter.appendField(ids[row], to: &out)
                for column in 0..<matrix.columnCount {
                    out.append(UInt8(ascii: ","))
                    value(values[column * n + row])
                }
                if let labels {
                    out.append(UInt8(ascii: ","))
                    value(labels[row])
                }
                out.append(UInt8(ascii: "\n"))
            }
        }
        return out
    }

    /// Writes `bytes(matrix, ids:, labels:)` to `path` atomically (`AtomicFile`).
    ///
    /// - Throws: `RiskDataError` naming the file (it exists without `overwrite`; it is a link, FIFO or
    ///   device; its directory is missing or not writable; the write failed).
    static func write(_ matrix: FeatureMatrix, ids: [String], labels: [Float]?, to path: String,
                      overwrite: Bool) throws {
        try AtomicFile.write(Data(bytes(matrix, ids: ids, labels: labels)), to: URL(fileURLWithPath: path),
                             overwrite: overwrite)
    }
}

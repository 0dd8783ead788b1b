import Foundation
import RiskData

extension FittedFeaturePipeline {
    /// The CSV text of a feature matrix: header `id,<column names>[,label]`, one line per row,
    /// missing values as empty fields, numbers in Swift's shortest round-trip form.
    ///
    /// - Parameters:
    ///   - matrix: Any feature matrix (typically from `transform` or a `FeaturePipelineFit`).
    ///   - ids: One declaration id per row.
    ///   - labels: One label per row, or nil to leave the column out.
    /// - Throws: `RiskFeaturesError` `.shapeMismatch` when `ids` or `labels` has the wrong length.
    /// - Complexity: O(rows × columns).
    public static func csvText(_ matrix: FeatureMatrix, ids: [String], labels: [Float]?) throws -> String {
        String(decoding: try csvBytes(matrix, ids: ids, labels: labels), as: UTF8.self)
    }

    /// Writes `csvText(matrix, ids:, labels:)` to `url` (for `riskctl features`) atomically
    /// (`AtomicFile`: a temporary file renamed into place).
    ///
    /// - Parameter overwrite: Replace an existing file (default `false`).
    /// - Throws: `RiskFeaturesError` `.shapeMismatch` (see `csvText`) or `.writeFailed` with the
    ///   message of `AtomicFile` naming the file (it exists without `overwrite`; it is a link, FIFO or
    ///   device; its directory is missing or not writable; the write failed).
    public static func writeCSV(_ matrix: FeatureMatrix, ids: [String], labels: [Float]?, to url: URL,
                                overwrite: Bool = false) throws {
        let bytes = try csvBytes(matrix, ids: ids, labels: labels)
        do {
            try AtomicFile.write(Data(bytes), to: url, overwrite: overwrite)
        } catch let error as RiskDataError {
            throw RiskFeaturesError(.writeFailed, error.message)
        }
    }

    static func csvBytes(_ matrix: FeatureMatrix, ids: [String], labels: [Float]?) throws -> [UInt8] {
        let n = matrix.rowCount
        guard ids.count == n else {
            throw RiskFeaturesError(.shapeMismatch, "ids has \(ids.count) entries; the feature matrix has \(n) rows. "
                + "Pass one id per row.")
        }
        if let labels, labels.count != n {
            throw RiskFeaturesError(.shapeMismatch, "labels has \(labels.count) entries; the feature matrix has "
                + "\(n) rows. Pass one label per row, or nil.")
        }
        var out: [UInt8] = []
        out.reserveCapacity((n + 1) * (matrix.columnCount + 2) * 8)
        // Text cells follow `CSVFormulaGuard` (a leading = + - @ tab or CR gets a ' before it).
        func field(_ text: String) {
            let guarded = text.utf8.first.map(CSVFormulaGuard.guards(firstByte:)) ?? false
            if text.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"")
                || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }) {
                out.append(UInt8(ascii: "\""))
                if guarded { out.append(CSVFormulaGuard.prefix) }
                for byte in text.utf8 {
                    if byte == UInt8(ascii: "\"") { out.append(byte) }
                    out.append(byte)
                }
                out.append(UInt8(ascii: "\""))
            } else {
                if guarded { out.append(CSVFormulaGuard.prefix) }
                out.append(contentsOf: text.utf8)
            }
        }
        func value(_ x: Float) {
            if !x.isNaN { out.append(contentsOf: x.description.utf8) }
        }
        field("id")
        for name in matrix.schema.names {
            out.append(UInt8(ascii: ","))
            field(name)
        }
        if labels != nil { out.append(contentsOf: ",label".utf8) }
        out.append(UInt8(ascii: "\n"))
        matrix.withUnsafeValues { values in
            for row in 0..<n {
                field(ids[row])
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
}

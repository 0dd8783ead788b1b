import CustomsRisk
import Foundation
import RiskDeclarations

/// Reads a numeric feature-matrix CSV (as written by `riskctl features`): a header, an optional
/// `id` column, an optional `label` column, every other column a number (empty = missing).
enum NumericMatrixCSV {
    struct Loaded {
        var matrix: FeatureMatrix
        var labels: [Float]
    }

    static func read(_ path: String) throws -> Loaded {
        let scanner = try CSVScanner(path: path, sourceName: URL(fileURLWithPath: path).lastPathComponent)
        guard try scanner.nextRecord() else { throw CommandFailure("\(path) is empty; expected a header row.") }
        let header = (0..<scanner.fieldCount).map { scanner.fieldString($0) }
        guard let labelColumn = header.firstIndex(of: "label") else {
            throw CommandFailure("\(path) has no \"label\" column; columns are: \(header.joined(separator: ", ")).")
        }
        let idColumn = header.firstIndex(of: "id")
        let featureColumns = header.indices.filter { $0 != labelColumn && $0 != idColumn }
        var columns = [[Float]](repeating: [], count: featureColumns.count)
        var labels: [Float] = []
        while try scanner.nextRecord() {
            guard scanner.fieldCount == header.count else {
                throw CommandFailure("\(path), line \(scanner.recordLine): \(scanner.fieldCount) fields; the header has \(header.count).")
            }
            for (k, c) in featureColumns.enumerated() {
                let raw = ValueParsers.trimmed(scanner.field(c))
                if raw.isEmpty {
                    columns[k].append(.nan)
                } else if let v = ValueParsers.parseDouble(raw) {
                    columns[k].append(Float(v))
                } else {
                    throw CommandFailure("\(path), line \(scanner.recordLine), column \"\(header[c])\": "
                                         + "\"\(scanner.fieldString(c))\" is not a number.")
                }
            }
            guard let label = ValueParsers.parseDouble(ValueParsers.trimmed(scanner.field(labelColumn))) else {
                throw CommandFailure("\(path), line \(scanner.recordLine), column \"label\": "
                                     + "\"\(scanner.fieldString(labelColumn))\" is not a number.")
            }
            labels.append(Float(label))
        }
        let schema = FeatureSchema(columns: featureColumns.map { FeatureColumn(name: header[$0]) })
        // Concatenate column by column into an exactly sized buffer, releasing each column once copied:
        // peak memory ≈ 2× the matrix (`flatMap` grew its result by doubling, ≈ 3× at the end).
        var values: [Float] = []
        values.reserveCapacity(labels.count * columns.count)
        for k in columns.indices {
            values.append(contentsOf: columns[k])
            columns[k] = []
        }
        let matrix = try FeatureMatrix(rowCount: labels.count, schema: schema, values: values)
        return Loaded(matrix: matrix, labels: labels)
    }
}

import RiskData
import RiskDeclarations

/// Builds `DeclarationTable`s in memory for the feature tests (the CSV reader is tested elsewhere).
enum DeclarationFactory {
    /// The schema every generated table uses.
    static let schema = DeclarationSchema(
        id: "declaration_id", date: "date", label: "illicit", revenue: "revenue",
        fields: [
            .init(column: "hs_code", role: .hsCode),
            .init(column: "importer_id", role: .importer),
            .init(column: "declarant_id", role: .declarant),
            .init(column: "origin", role: .originCountry),
            .init(column: "departure", role: .departureCountry),
            .init(column: "office", role: .office),
            .init(column: "cif_value", role: .customsValue),
            .init(column: "fob_value", role: .fobValue),
            .init(column: "quantity", role: .quantity),
            .init(column: "gross_kg", role: .grossWeight),
            .init(column: "net_kg", role: .netWeight),
            .init(column: "taxes", role: .taxes),
            .init(column: "aeo", role: .aeoFlag),
            .init(column: "seller", role: .entity),
            .init(column: "transport_mode", role: .categorical),
            .init(column: "duty_rate", role: .numeric),
            .init(column: "notes", role: .ignore),
        ])

    static let textColumns = ["hs_code", "importer_id", "declarant_id", "origin", "departure", "office", "seller",
                              "transport_mode"]
    static let numberColumns = ["cif_value", "fob_value", "quantity", "gross_kg", "net_kg", "taxes", "aeo",
                                "duty_rate"]

    /// One declaration as loose values (nil = missing).
    struct Row {
        var id: String
        var date: Int32?
        var label: Float = 0
        var revenue: Double = 0
        var text: [String: String] = [:]
        var numbers: [String: Double] = [:]
    }

    /// Dictionary-encodes `rows` into a table (vocabulary in order of first appearance).
    static func table(_ rows: [Row], schema: DeclarationSchema = schema, withLabels: Bool = true) -> DeclarationTable {
        var text: [String: TextColumn] = [:]
        for column in textColumns where schema.fields.contains(where: { $0.column == column }) {
            var vocabulary: [String] = []
            var index: [String: Int32] = [:]
            var codes: [Int32] = []
            for row in rows {
                guard let value = row.text[column] else { codes.append(-1); continue }
                if let code = index[value] { codes.append(code); continue }
                index[value] = Int32(vocabulary.count)
                codes.append(Int32(vocabulary.count))
                vocabulary.append(value)
            }
            text[column] = TextColumn(codes: codes, vocabulary: vocabulary)
        }
        var numbers: [String: [Double]] = [:]
        for column in numberColumns where schema.fields.contains(where: { $0.column == column }) {
            numbers[column] = rows.map { $0.numbers[column] ?? .nan }
        }
        return DeclarationTable(schema: schema, rowCount: rows.count, ids: rows.map(\.id),
                                dates: schema.date == nil ? nil : rows.map(\.date),
                                labels: withLabels ? rows.map(\.label) : nil,
                                revenue: withLabels ? rows.map(\.revenue) : nil, text: text, numbers: numbers)
    }

    /// The rows of a table back as loose values.
    static func rows(of table: DeclarationTable) -> [Row] {
        (0..<table.rowCount).map { r in
            var row = Row(id: table.ids[r], date: table.dates?[r] ?? nil, label: table.labels?[r] ?? 0,
                          revenue: table.revenue?[r] ?? 0)
            for (column, values) in table.text { if let v = values[r] { row.text[column] = v } }
            for (column, values) in table.numbers where !values[r].isNaN { row.numbers[column] = values[r] }
            return row
        }
    }

    /// A new table of the given rows, re-encoded from scratch (as a separately read file would be).
    static func selecting(_ table: DeclarationTable, rows indices: [Int]) -> DeclarationTable {
        let all = rows(of: table)
        return self.table(indices.map { all[$0] }, schema: table.schema, withLabels: table.labels != nil)
    }

    /// Ground truth the generator planted, per row.
    struct Truth {
        var undervalued: [Bool]
        var riskyImporter: [Bool]
    }

    /// Seeded synthetic declarations with planted signal:
    /// - 10% of importers are risky (illicit rate 0.45 vs 0.04);
    /// - `undervaluationRate` of rows declare 20% of the true value and are illicit with probability 0.8;
    /// - true price per kg depends on HS6 (log-uniform) and origin (±20%), with 25% log-normal noise.
    /// Net weight is missing on 3% of rows, the importer on 1%.
    /// The "world" (HS codes, prices, which importers are risky) comes from `worldSeed`, the rows from
    /// `seed`, so tables with different `seed`s and one `worldSeed` are training and scoring data of one market.
    static func synthetic(rowCount: Int, seed: UInt64, worldSeed: UInt64 = 2_024,
                          undervaluationRate: Double = 0.05) -> (DeclarationTable, Truth) {
        var world = SeededGenerator(seed: worldSeed)
        var g = SeededGenerator(seed: seed)
        let chapters = ["61", "62", "84", "85", "87", "39", "94", "22"]
        var hsCodes: [String] = []
        for chapter in chapters {
            for heading in 0..<2 {
                for sub in 0..<3 {
                    hsCodes.append("\(chapter)0\(heading + 1)\(sub + 1)0\(world.nextInt(below: 10))0")
                }
            }
        }
        let basePrice = hsCodes.map { _ in exp(world.nextUnit() * 5) }
        let kilogramsPerUnit = hsCodes.map { _ in exp(world.nextUnit() * 3 - 1) }
        let countries = ["CN", "VN", "DE", "US", "TR", "IN", "SG", "AE", "BR", "MX"]
        let countryFactor = countries.map { _ in exp(0.2 * (world.nextUnit() * 2 - 1)) }
        let importerCount = 300
        let importerRisky = (0..<importerCount).map { _ in world.nextUnit() < 0.1 }
        let importerAEO = (0..<importerCount).map { _ in world.nextUnit() < 0.3 }
        let modes = ["sea", "air", "road", "rail"]
        var rows: [Row] = []
        rows.reserveCapacity(rowCount)
        var truth = Truth(undervalued: [], riskyImporter: [])
        for r in 0..<rowCount {
            let hs = Int(Double(hsCodes.count) * g.nextUnit() * g.nextUnit())  // skewed to the first codes
            let origin = g.nextInt(below: countries.count)
            let departure = g.nextUnit() < 0.7 ? origin : g.nextInt(below: countries.count)
            let importer = Int(Double(importerCount) * g.nextUnit() * g.nextUnit())
            let quantity = Double(1 + g.nextInt(below: 500))
            let net = quantity * kilogramsPerUnit[hs] * exp(0.1 * g.nextGaussian())
            let trueValue = net * basePrice[hs] * countryFactor[origin] * exp(0.25 * g.nextGaussian())
            let undervalued = g.nextUnit() < undervaluationRate
            let declared = undervalued ? trueValue * 0.2 : trueValue
            let p = undervalued ? 0.8 : (importerRisky[importer] ? 0.45 : 0.04)
            let illicit = g.nextUnit() < p
            var row = Row(id: "D\(r)", date: Int32(19_000 + r * 365 / max(1, rowCount) + g.nextInt(below: 3)))
            row.label = illicit ? 1 : 0
            row.revenue = illicit ? max(0, trueValue - declared) * 0.1 + 50 : 0
            row.text["hs_code"] = hsCodes[hs]
            if g.nextUnit() >= 0.01 { row.text["importer_id"] = "IMP\(importer)" }
            row.text["declarant_id"] = "DEC\(g.nextInt(below: 40))"
            row.text["origin"] = countries[origin]
            row.text["departure"] = countries[departure]
            row.text["office"] = "OFF\(g.nextInt(below: 8))"
            row.text["seller"] = "S\(g.nextInt(below: 100))"
            row.text["transport_mode"] = modes[g.nextInt(below: modes.count)]
            row.numbers["cif_value"] = declared
            row.numbers["fob_value"] = declared * 0.92
            row.numbers["quantity"] = quantity
            row.numbers["gross_kg"] = net * 1.1
            if g.nextUnit() >= 0.03 { row.numbers["net_kg"] = net }
            row.numbers["taxes"] = declared * 0.1
            row.numbers["aeo"] = importerAEO[importer] ? 1 : 0
            row.numbers["duty_rate"] = 0.1
            rows.append(row)
            truth.undervalued.append(undervalued)
            truth.riskyImporter.append(importerRisky[importer])
        }
        return (table(rows), truth)
    }
}

#if canImport(Glibc)
import Glibc
#endif

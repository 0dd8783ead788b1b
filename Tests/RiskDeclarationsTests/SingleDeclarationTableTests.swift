import Foundation
import RiskData
@testable import RiskDeclarations
import Testing

/// A one-declaration table is built without text dictionaries; it must equal the general builder's.
@Suite struct SingleDeclarationTableTests {
    /// Synthetic declarations (every column) with values replaced at random by edge cases.
    static func declarations(count: Int, seed: UInt64) throws -> [Declaration] {
        let schema = SyntheticDeclarations.schema
        let table = try SyntheticDeclarations(rowCount: count, seed: seed).table()
        var g = SeededGenerator(seed: seed &+ 99)
        let odd = ["", " ", "  CN ", "日本", "870323", "8703.23", "0.0", "-1", "N", "yes", "é\u{301}", "a,b"]
        return (0..<count).map { r in
            var values: [String: String] = [:]
            for (column, text) in table.text { values[column] = text[r] ?? "" }
            for (column, numbers) in table.numbers {
                let x = numbers[r]
                values[column] = x.isNaN ? "" : column == "aeo" ? String(Int(x)) : String(x)
            }
            if let labels = table.labels, let label = schema.label { values[label] = String(Int(labels[r])) }
            for column in Array(values.keys).sorted() where g.nextInt(below: 6) == 0 {
                let candidate = odd[g.nextInt(below: odd.count)]
                // Keep numeric columns parseable (bad numbers are a thrown error, tested elsewhere).
                if table.numbers[column] != nil, Double(candidate.trimmingCharacters(in: .whitespaces)) == nil,
                   !candidate.trimmingCharacters(in: .whitespaces).isEmpty { continue }
                if column == schema.label || column == schema.date || column == "hs_code" || column == "aeo" { continue }
                values[column] = candidate
            }
            if g.nextInt(below: 8) == 0, let column = values.keys.sorted().last { values[column] = nil }
            return Declaration(id: table.ids[r], values: values)
        }
    }

    /// `==` with NaN equal to NaN (missing numbers are NaN).
    static func same(_ a: DeclarationTable, _ b: DeclarationTable) -> Bool {
        func bits(_ t: DeclarationTable) -> [String: [UInt64]] { t.numbers.mapValues { $0.map(\.bitPattern) } }
        var a2 = a, b2 = b
        a2.numbers = [:]
        b2.numbers = [:]
        return a2 == b2 && bits(a) == bits(b)
    }

    @Test(arguments: [1, 2] as [UInt64])
    func oneRowTablesEqualTheGeneralBuilders(seed: UInt64) throws {
        let schema = SyntheticDeclarations.schema
        for declaration in try Self.declarations(count: 200, seed: seed) {
            let general = try DeclarationTable.build([declaration], schema: schema, singleRow: false)
            let single = try DeclarationTable.build([declaration], schema: schema, singleRow: true)
            #expect(Self.same(single, general), "\(declaration)")
            #expect(Self.same(try DeclarationTable(declarations: [declaration], schema: schema), general))
        }
    }

    @Test func badValuesThrowTheSameError() {
        let schema = SyntheticDeclarations.schema
        let bad = Declaration(id: "D1", values: ["hs_code": "87A3", "customs_value": "12"])
        for singleRow in [false, true] {
            #expect(throws: DeclarationError.self) { try DeclarationTable.build([bad], schema: schema, singleRow: singleRow) }
        }
    }
}

import Foundation
import Testing
@testable import RiskDeclarations

/// A selected history: `inspected` and `selection_probability` roles, labels only where inspected.
@Suite("Selected histories: reading and generating")
struct SelectedHistoryReadingTests {
    static let schema = DeclarationSchema(id: "id", label: "illicit", revenue: "revenue", fields: [
        .init(column: "office", role: .office),
        .init(column: "inspected", role: .inspected),
        .init(column: "p", role: .selectionProbability),
    ])

    static func read(_ rows: String, requireLabel: Bool = true) throws -> DeclarationTable {
        try DeclarationReader.read(bytes: Array(("id,office,illicit,revenue,inspected,p\n" + rows).utf8),
                                   source: "history.csv", schema: schema,
                                   options: DeclarationReadOptions(requireLabel: requireLabel)).table
    }

    @Test func labelsAndRevenueCountOnlyWhereInspected() throws {
        let table = try Self.read("""
            D1,OF1,1,250,1,0.5
            D2,OF1,,,0,0.1
            D3,OF2,1,99,0,0.1
            D4,OF2,0,0,1,1
            D5,OF2,,,,0.2

            """)
        let labels = try #require(table.labels), revenue = try #require(table.revenue)
        #expect(labels[0] == 1 && labels[3] == 0)
        // D3 holds a label although it was not inspected: it is not an observed outcome; D5's empty
        // inspected flag counts as not inspected.
        #expect(labels[1].isNaN && labels[2].isNaN && labels[4].isNaN)
        #expect(revenue[0] == 250 && revenue[1].isNaN && revenue[2].isNaN && revenue[3] == 0)
        #expect(table.numbers["inspected"]!.prefix(4) == [1, 0, 0, 1] && table.numbers["inspected"]![4].isNaN)
        #expect(table.numbers["p"] == [0.5, 0.1, 0.1, 1, 0.2])
    }

    @Test(arguments: [
        ("D1,OF1,,,1,0.5\n",
         #"history.csv, line 2, column "illicit": the label is empty on an inspected declaration. Expected 0 or 1: the inspection outcome."#),
        ("D1,OF1,1,5,1,0\n",
         #"history.csv, line 2, column "p": "0" is not a selection probability. Expected a number in (0, 1]: the chance the policy of the time selected the declaration (0 would mean it never could, which no estimate can correct for)."#),
        ("D1,OF1,1,5,1,1.5\n",
         #"history.csv, line 2, column "p": "1.5" is not a selection probability. Expected a number in (0, 1]: the chance the policy of the time selected the declaration (0 would mean it never could, which no estimate can correct for)."#),
        ("D1,OF1,1,5,maybe,0.5\n",
         #"history.csv, line 2, column "inspected": "maybe" is not a yes/no flag. Expected 1/0, true/false, yes/no or Y/N."#),
    ] as [(String, String)])
    func badSelectionRecordsAreOneLineErrors(row: String, message: String) throws {
        let error = try #require(throws: DeclarationError.self) { try Self.read(row) }
        #expect(error.message == message)
    }

    @Test(arguments: InspectionPolicy.allCases)
    func generatedHistoryKeepsTheTruthApartAndIsDeterministic(policy: InspectionPolicy) throws {
        let generator = SyntheticDeclarations(rowCount: 20_000, seed: 7)
        let bytes = try generator.selectedHistoryBytes(policy: policy, rate: 0.1)
        #expect(bytes == (try generator.selectedHistoryBytes(policy: policy, rate: 0.1)))
        let table = try DeclarationReader.read(bytes: bytes, source: "history.csv",
                                               schema: SyntheticDeclarations.selectedHistorySchema).table
        let plain = try generator.table()
        #expect(table.ids == plain.ids)
        let inspected = table.numbers["inspected"]!, probability = table.numbers["selection_probability"]!
        let labels = table.labels!, truth = plain.labels!
        var count = 0
        for row in 0..<table.rowCount {
            if inspected[row] == 1 {
                count += 1
                #expect(labels[row] == truth[row])
            } else {
                #expect(labels[row].isNaN)
            }
            #expect(probability[row] >= 0.01 && probability[row] <= 1)
        }
        // Mean inspection rate 10 %: 2,000 expected, binomial sd ≈ 42.
        #expect(abs(count - 2_000) < 200, "\(count) inspected")
        let meanProbability = probability.reduce(0, +) / Double(table.rowCount)
        #expect(abs(meanProbability - 0.1) < 0.005)
        if policy == .random { #expect(probability.allSatisfy { $0 == 0.1 }) }
        if policy == .rules { #expect(Set(probability).count > 2) }
        #expect(throws: DeclarationError.self) { try generator.selectedHistoryBytes(policy: policy, rate: 0) }
    }
}

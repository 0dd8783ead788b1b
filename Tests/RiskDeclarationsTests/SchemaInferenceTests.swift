import Foundation
@testable import RiskDeclarations
import Testing

@Suite("SchemaInference")
struct SchemaInferenceTests {
    @Test func synthesizedFileGetsItsOwnSchemaBack() throws {
        let bytes = SyntheticDeclarations(rowCount: 3_000, seed: 4).csvBytes()
        let inferred = try SchemaInference.infer(bytes: bytes, source: "s.csv").schema
        let expected = SyntheticDeclarations.schema
        #expect(inferred.id == expected.id && inferred.date == expected.date)
        #expect(inferred.label == expected.label && inferred.revenue == expected.revenue)
        var roles: [String: FieldRole] = [:]
        for field in inferred.fields { roles[field.column] = field.role }
        for field in expected.fields where field.column != "notes" {
            #expect(roles[field.column] == field.role, "\(field.column)")
        }
    }

    @Test func sniffsUnnamedColumns() throws {
        var text = "ref_id,colour,code,amount,blank,agent_code\n"
        for k in 0..<300 { text += "R\(k),\(["red", "blue"][k % 2]),\(k % 7),\(Double(k) * 1.5),,A\(k)\n" }
        let schema = try SchemaInference.infer(bytes: Array(text.utf8), source: "x.csv").schema
        var roles: [String: FieldRole] = [:]
        for field in schema.fields { roles[field.column] = field.role }
        #expect(schema.id == "ref_id" && roles["ref_id"] == nil)
        #expect(roles["colour"] == .categorical && roles["code"] == .categorical && roles["amount"] == .numeric)
        #expect(roles["blank"] == .ignore && roles["agent_code"] == .entity)
    }

    @Test func noIdColumnIsAClearError() {
        #expect(message { _ = try SchemaInference.infer(bytes: Array("a,b\n1,2\n".utf8), source: "x.csv") }
                    == "x.csv: no column looks like a declaration id (header: a, b). Write the schema by hand and name "
                    + "the id column in \"id\".")
    }

    // MARK: - Label leaks (issue 15)

    /// Generated declarations with two innocently named columns added: `review_code` repeats the
    /// label (with a second code for some illicit rows, like Korea's "Critical Fraud"), and
    /// `penalty` is a positive amount exactly on illicit rows (a number, caught by its sign).
    static func leakyCSV(rowCount: Int, seed: UInt64, flip: Int = 0) throws -> [UInt8] {
        let table = try SyntheticDeclarations(rowCount: rowCount, seed: seed).table()
        let text = String(decoding: SyntheticDeclarations(rowCount: rowCount, seed: seed).csvBytes(), as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        lines[0] += ",review_code,penalty"
        for row in 0..<rowCount {
            var illicit = table.labels![row] > 0.5
            if row < flip { illicit.toggle() }  // noise: `flip` rows disagree with the label
            lines[row + 1] += illicit ? (row % 3 == 0 ? ",2,\(100 + row)" : ",1,\(50 + row)") : ",0,"
        }
        return Array((lines.joined(separator: "\n") + "\n").utf8)
    }

    @Test func columnsThatDetermineTheLabelAreIgnoredWithAWarning() throws {
        let guess = try SchemaInference.infer(bytes: Self.leakyCSV(rowCount: 3_000, seed: 4), source: "s.csv")
        #expect(guess.leakingColumns.map(\.column) == ["review_code", "penalty"])
        let roles = Dictionary(uniqueKeysWithValues: guess.schema.fields.map { ($0.column, $0.role) })
        #expect(roles["review_code"] == .ignore && roles["penalty"] == .ignore)
        // Every other column keeps the role it gets without the leaks.
        let clean = try SchemaInference.infer(bytes: SyntheticDeclarations(rowCount: 3_000, seed: 4).csvBytes(),
                                              source: "s.csv")
        #expect(clean.leakingColumns.isEmpty)
        #expect(guess.schema.fields.filter { roles[$0.column] != .ignore || $0.column == "notes" }
                == clean.schema.fields)
        let leak = guess.leakingColumns[0]
        #expect(leak.illicitShare == 1 && leak.licitShare == 1)
        #expect(leak.message == "column \"review_code\" nearly determines the label: its values separate 100.0 % of "
                + "the \(leak.illicitRows) illicit and 100.0 % of the \(leak.licitRows) licit sampled rows. Marked "
                + "\"ignore\": a column filled in after inspection leaks the label. If it is known when the declaration "
                + "is lodged, give it a role by hand.")
    }

    /// Just below the threshold (more than 1 % of one class disagrees), nothing is flagged.
    @Test func anImperfectAssociationIsNotALeak() throws {
        let table = try SyntheticDeclarations(rowCount: 3_000, seed: 4).table()
        let illicit = table.labels!.filter { $0 > 0.5 }.count
        let guess = try SchemaInference.infer(bytes: Self.leakyCSV(rowCount: 3_000, seed: 4, flip: illicit / 50 + 40),
                                              source: "s.csv")
        #expect(guess.leakingColumns.isEmpty, "\(guess.leakingColumns)")
    }
}
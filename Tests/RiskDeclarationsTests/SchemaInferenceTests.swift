import Foundation
@testable import RiskDeclarations
import Testing

@Suite("SchemaInference")
struct SchemaInferenceTests {
    @Test func synthesizedFileGetsItsOwnSchemaBack() throws {
        let bytes = SyntheticDeclarations(rowCount: 3_000, seed: 4).csvBytes()
        let inferred = try SchemaInference.infer(bytes: bytes, source: "s.csv")
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
        let schema = try SchemaInference.infer(bytes: Array(text.utf8), source: "x.csv")
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
}

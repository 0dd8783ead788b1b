import Foundation
@testable import RiskDeclarations
import Testing

@Suite("DeclarationSchema")
struct DeclarationSchemaTests {
    func schemaError(_ json: String) -> String? {
        message { _ = try DeclarationSchema(json: Data(json.utf8), source: "schema.json") }
    }

    @Test func issueExampleLoads() throws {
        let json = """
        { "id": "declaration_id", "date": "date", "label": "illicit", "revenue": "revenue",
          "fields": [ {"column": "hs_code", "role": "hs_code"},
                      {"column": "importer_id", "role": "importer"},
                      {"column": "cif_value", "role": "customs_value"},
                      {"column": "seller_id", "role": "entity"},
                      {"column": "transport_mode", "role": "categorical"},
                      {"column": "duty_rate", "role": "numeric"},
                      {"column": "notes", "role": "ignore"} ] }
        """
        let schema = try DeclarationSchema(json: Data(json.utf8), source: "schema.json")
        #expect(schema.id == "declaration_id" && schema.label == "illicit" && schema.revenue == "revenue")
        #expect(schema.fields.count == 7)
        #expect(schema.column(for: .customsValue) == "cif_value")
    }

    @Test func writeThenLoadRoundTrips() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("schema-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        let schema = SyntheticDeclarations.schema
        try schema.write(to: url)
        #expect(try DeclarationSchema.load(contentsOf: url) == schema)
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(text.hasPrefix("{\n  \"date\" : \"date\",\n  \"fields\" : ["))  // pretty, sorted keys
    }

    @Test func unknownRoleListsValidRoles() {
        #expect(schemaError(#"{"id": "id", "fields": [{"column": "x", "role": "price"}]}"#)
                    == "schema.json: field \"x\" has unknown role \"price\". Valid roles: hs_code, importer, declarant, "
                    + "origin_country, departure_country, office, customs_value, fob_value, quantity, gross_weight, "
                    + "net_weight, taxes, aeo_flag, entity, categorical, numeric, ignore, inspected, selection_probability.")
    }

    @Test func singularRoleTwice() {
        #expect(schemaError(#"{"id": "id", "fields": [{"column": "a", "role": "importer"}, "#
                                + #"{"column": "b", "role": "importer"}]}"#)
                    == "schema.json: role \"importer\" is given to both \"a\" and \"b\"; it may appear once. Use "
                    + "\"entity\", \"categorical\" or \"numeric\" for the other column.")
    }

    @Test func columnNamedTwice() {
        #expect(schemaError(#"{"id": "id", "label": "x", "fields": [{"column": "x", "role": "numeric"}]}"#)
                    == "schema.json: column \"x\" is named twice (as \"label\" and as role \"numeric\"). Give each "
                    + "column one role.")
        #expect(schemaError(#"{"id": "id", "fields": [{"column": "x", "role": "entity"}, "#
                                + #"{"column": "x", "role": "entity"}]}"#)
                    == "schema.json: column \"x\" is named twice (as role \"entity\" and as role \"entity\"). Give "
                    + "each column one role.")
    }

    @Test func missingID() {
        #expect(schemaError(#"{"fields": []}"#)
                    == "schema.json: the schema has no \"id\" key. Name the column that holds the declaration id, "
                    + "e.g. \"id\": \"declaration_id\".")
    }

    @Test func malformedJSONAndFields() {
        #expect(schemaError("[1, 2]")?.hasPrefix("schema.json: not a valid schema JSON object (") == true)
        #expect(schemaError(#"{"id": "id", "fields": [{"role": "entity"}]}"#)
                    == "schema.json: field 1 has no \"column\". Each field needs {\"column\": \"…\", \"role\": \"…\"}.")
        #expect(schemaError(#"{"id": "id", "fields": [{"column": "c"}]}"#)?
                    .hasPrefix("schema.json: field \"c\" has no \"role\". Valid roles: hs_code,") == true)
    }

    /// Syntax and type errors name the path and the byte (the bundle reader's messages).
    @Test func jsonErrorsNameThePathAndTheByte() {
        let expected = "Expected {\"id\": \"…\", \"fields\": [{\"column\": \"…\", \"role\": \"…\"}]}."
        #expect(schemaError(#"{"id": "id", "fields": [{"column": "a" "role": "entity"}]}"#)
                    == "schema.json: not a valid schema JSON object (fields[0].column: expected ',' or '}' after an "
                    + "object member, found '\"' (byte 39)). " + expected)
        #expect(schemaError(#"{"id": 7}"#)
                    == "schema.json: not a valid schema JSON object (id: expected a string, found the number 7 "
                    + "(byte 7)). " + expected)
        #expect(schemaError(#"{"id": "a", "id": "b"}"#)
                    == "schema.json: not a valid schema JSON object (the top level: the key \"id\" appears twice in "
                    + "one object (bytes 1 and 12); each key may appear once (byte 12)). " + expected)
        #expect(schemaError("[1, 2]") == "schema.json: not a valid schema JSON object (the top level: expected an "
                    + "object, found an array (byte 0)). " + expected)
    }

    @Test func oversizedSchemaIsRefusedBeforeItIsRead() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("schema-\(UUID().uuidString).json")
        #expect(FileManager.default.createFile(atPath: url.path, contents: nil))
        defer { try? FileManager.default.removeItem(at: url) }
        let handle = try FileHandle(forWritingTo: url)
        try handle.truncate(atOffset: UInt64(DeclarationSchema.maximumFileSize + 1))  // sparse: nothing to read
        try handle.close()
        #expect(message { _ = try DeclarationSchema.load(contentsOf: url) }
                    == "\(url.lastPathComponent) is \(DeclarationSchema.maximumFileSize + 1) bytes, over the "
                    + "\(DeclarationSchema.maximumFileSize)-byte limit for schema files. A schema lists one column per "
                    + "entry; check that this is the schema and not a data file.")
    }
}

@Suite("DeclarationSchema files")
struct DeclarationSchemaFileTests {
    @Test func missingSchemaFile() {
        #expect(message { _ = try DeclarationSchema.load(contentsOf: URL(fileURLWithPath: "/nonexistent/s.json")) }
                    == "/nonexistent/s.json: no such schema file. Check the path, or create one with `riskctl schema "
                    + "infer --data FILE.csv`.")
    }
}

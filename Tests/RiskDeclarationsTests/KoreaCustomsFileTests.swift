import Foundation
@testable import RiskDeclarations
import Testing

/// The Korea Customs synthetic training file, found from this source file: the repository root
/// is three levels up, the data lives beside it in `../shared/data/customs-synthetic/`.
let koreaTrainURL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("../shared/data/customs-synthetic/df_syn_train_eng.csv").standardizedFileURL

let koreaFileIsPresent = FileManager.default.fileExists(atPath: koreaTrainURL.path)

@Suite("Korea Customs file",
       .enabled(if: koreaFileIsPresent, "skipped: ../shared/data/customs-synthetic/df_syn_train_eng.csv is absent"))
struct KoreaCustomsFileTests {
    @Test func inferredSchemaHasTheExpectedRoles() throws {
        let schema = try SchemaInference.infer(contentsOf: koreaTrainURL).schema
        #expect(schema.id == "Declaration ID")
        #expect(schema.date == "Date")
        #expect(schema.label == "Fraud")
        #expect(schema.revenue == nil)
        var roles: [String: FieldRole] = [:]
        for field in schema.fields { roles[field.column] = field.role }
        #expect(roles == [
            "Office ID": .office, "Process Type": .categorical, "Import Type": .categorical,
            "Import Use": .categorical, "Payment Type": .categorical, "Mode of Transport": .categorical,
            "Declarant ID": .declarant, "Importer ID": .importer, "Seller ID": .entity, "Courier ID": .entity,
            "HS6 Code": .hsCode, "Country of Departure": .departureCountry, "Country of Origin": .originCountry,
            "Tax Rate": .numeric, "Tax Type": .categorical, "Country of Origin Indicator": .categorical,
            "Net Mass": .netWeight, "Item Price": .customsValue, "Critical Fraud": .ignore,
        ])
    }

    @Test func readsEveryRow() throws {
        let schema = try SchemaInference.infer(contentsOf: koreaTrainURL).schema
        let result = try DeclarationReader.read(contentsOf: koreaTrainURL, schema: schema)
        let table = result.table
        #expect(result.rejected.isEmpty)
        #expect(table.rowCount == 37_385)
        #expect(table.sourceLines?.last == 37_386)
        let positives = table.labels!.filter { $0 == 1 }.count
        #expect(positives == 8_114)  // what `riskctl schema check` reports; pandas agrees (see Docs)
        #expect(table.text["HS6 Code"]!.vocabulary.allSatisfy { $0.count == 6 })
        #expect(table.numbers["Item Price"]!.allSatisfy { !$0.isNaN })
        #expect(table.dates!.allSatisfy { $0 != nil })
    }

    /// Issue 15: no Korea column is flagged as a leak; renamed to an innocent name, "Critical Fraud"
    /// (0 exactly on licit rows) is flagged and ignored.
    @Test func leakGuardFlagsARenamedSecondOutcomeOnly() throws {
        let plain = try SchemaInference.infer(contentsOf: koreaTrainURL)
        #expect(plain.leakingColumns.isEmpty, "\(plain.leakingColumns.map(\.column))")
        var bytes = Array(try Data(contentsOf: koreaTrainURL).prefix(2_000_000))
        let header = Array("Critical Fraud".utf8), renamed = Array("Review Status ".utf8)
        let at = try #require((0..<1_000).first { Array(bytes[$0..<($0 + header.count)]) == header })
        bytes.replaceSubrange(at..<(at + header.count), with: renamed)
        let lastNewline = try #require(bytes.lastIndex(of: 0x0A))
        let guess = try SchemaInference.infer(bytes: Array(bytes[...lastNewline]), source: "korea.csv")
        #expect(guess.leakingColumns.map(\.column) == ["Review Status"])
        #expect(guess.schema.fields.first { $0.column == "Review Status" }?.role == .ignore)
    }
}
import RiskData
@testable import RiskDeclarations
import Testing

/// Regression tests for reader bugs found while hardening (Docs/Testing.md lists them). Each pins
/// the minimized input; the memory bugs were only visible to AddressSanitizer, so these tests also
/// run under `Scripts/sanitize.sh`.
@Suite("Regression: CSV scanner and reader")
struct RegressionCSVScannerTests {
    static let tooManyColumns = "d.csv, line 1: the row has more than 4 fields (the maximum column count). Check the "
        + "delimiter (this reader expects commas), or raise maximumColumnCount."

    /// Bug 1 (heap buffer overflow): a trailing comma at the very end of the input, on a row that
    /// already had `maximumColumnCount` fields, wrote one field past the end of the field tables.
    @Test(arguments: [1, 2, 1 << 20])
    func trailingCommaAtTheColumnLimitIsALimitError(chunkSize: Int) throws {
        let scanner = CSVScanner(bytes: Array("a,b,c,d,".utf8), sourceName: "d.csv", chunkSize: chunkSize,
                                 maximumColumnCount: 4)
        #expect {
            _ = try scanner.nextRecord()
        } throws: { error in
            (error as? DeclarationError)?.message == Self.tooManyColumns
        }
        // One field fewer is fine: the trailing comma makes the fourth, empty, field.
        let fits = CSVScanner(bytes: Array("a,b,c,".utf8), sourceName: "d.csv", chunkSize: chunkSize,
                              maximumColumnCount: 4)
        #expect(try fits.nextRecord())
        #expect(fits.fieldCount == 4)
        #expect(fits.fieldString(3) == "")
    }

    /// Bug 2 (use after free): unescaping a second `""` field longer than the scratch area freed
    /// the area while the first field's view was still in use; the reader then read freed memory.
    @Test(arguments: [1, 7, 1 << 20])
    func unescapedFieldsOfOneRecordStayValid(chunkSize: Int) throws {
        let long = String(repeating: "x", count: 300)
        let bytes = Array("\"a\"\"b\",\"\(long)\"\"y\",\"c\"\"\"\n".utf8)
        let scanner = CSVScanner(bytes: bytes, sourceName: "d.csv", chunkSize: chunkSize)
        #expect(try scanner.nextRecord())
        let first = scanner.field(0)
        let second = scanner.field(1)
        let third = scanner.field(2)
        #expect(String(decoding: first, as: UTF8.self) == "a\"b")
        #expect(String(decoding: second, as: UTF8.self) == long + "\"y")
        #expect(String(decoding: third, as: UTF8.self) == "c\"")
    }

    /// The same through the reader: every escaped value of a row arrives intact.
    @Test func readerKeepsEveryEscapedValueOfARow() throws {
        let schema = DeclarationSchema(id: "id", fields: [
            .init(column: "a", role: .entity), .init(column: "b", role: .categorical),
        ])
        let long = String(repeating: "z", count: 500)
        let csv = "id,a,b\n\"D\"\"1\",\"p\"\"q\",\"\(long)\"\"\"\n"
        let table = try DeclarationReader.read(bytes: Array(csv.utf8), source: "d.csv", schema: schema).table
        #expect(table.ids == ["D\"1"])
        #expect(table.text["a"]?[0] == "p\"q")
        #expect(table.text["b"]?[0] == long + "\"")
    }

    /// Bug 3 (data lost): under `.skip`, text after a closing quote stopped the whole read, so every
    /// good row after it was silently dropped. Now the bad row is rejected and reading goes on.
    @Test(arguments: [1, 3, 1 << 20])
    func textAfterClosingQuoteRejectsOnlyThatRow(chunkSize: Int) throws {
        let schema = DeclarationSchema(id: "id", fields: [.init(column: "v", role: .customsValue)])
        let csv = "id,v\nA,1\n\"B\"x,2\nC,3\n\"D\"\"\"junk\"more,4\r\nE,5"
        let result = try DeclarationReader.read(bytes: Array(csv.utf8), source: "d.csv", schema: schema,
                                                options: .init(badRowPolicy: .skip, chunkSize: chunkSize))
        #expect(result.table.ids == ["A", "C", "E"])
        #expect(result.table.sourceLines == [2, 4, 6])
        #expect(result.rejected.map(\.line) == [3, 5])
        #expect(result.rejected.first?.message
                    == "d.csv, line 3: field 1 has text after its closing quote. Quote the whole field and write a "
                    + "quote inside it as \"\".")
        // Under `.fail` the first one is the error.
        #expect {
            _ = try DeclarationReader.read(bytes: Array(csv.utf8), source: "d.csv", schema: schema,
                                           options: .init(chunkSize: chunkSize))
        } throws: { error in
            (error as? DeclarationError)?.line == 3
        }
    }

    /// The skipped rest of such a row counts against the field length limit, at every chunk size.
    @Test(arguments: [1, 5, 1 << 20])
    func skippedTextAfterAQuoteIsBoundedByTheFieldLengthLimit(chunkSize: Int) throws {
        let schema = DeclarationSchema(id: "id", fields: [.init(column: "v", role: .customsValue)])
        let csv = "id,v\n\"B\"" + String(repeating: "x", count: 100) + ",2\nC,3\n"
        #expect {
            _ = try DeclarationReader.read(bytes: Array(csv.utf8), source: "d.csv", schema: schema,
                                           options: .init(badRowPolicy: .skip, maximumFieldLength: 32,
                                                          chunkSize: chunkSize))
        } throws: { error in
            (error as? DeclarationError)?.message
                == "d.csv, line 2: a field is longer than 32 bytes (the maximum field length). Check for a quote "
                + "that is never closed, or raise maximumFieldLength."
        }
    }
}

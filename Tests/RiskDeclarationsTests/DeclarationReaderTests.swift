import Foundation
import RiskData
@testable import RiskDeclarations
import Testing

let smallSchema = DeclarationSchema(id: "declaration_id", date: "date", label: "illicit", revenue: "revenue", fields: [
    .init(column: "hs_code", role: .hsCode),
    .init(column: "importer_id", role: .importer),
    .init(column: "cif_value", role: .customsValue),
    .init(column: "aeo", role: .aeoFlag),
    .init(column: "notes", role: .ignore),
])

let smallHeader = "declaration_id,date,hs_code,importer_id,cif_value,aeo,illicit,revenue,notes\n"

func readSmall(_ rows: String, options: DeclarationReadOptions = .init(), header: String = smallHeader,
               chunkSize: Int = 1 << 20) throws -> DeclarationReadResult {
    var options = options
    options.chunkSize = chunkSize
    return try DeclarationReader.read(bytes: Array((header + rows).utf8), source: "declarations.csv",
                                      schema: smallSchema, options: options)
}

func message(_ body: () throws -> Void) -> String? {
    do {
        try body()
        return nil
    } catch let error as DeclarationError {
        return error.message
    } catch let error as RiskDataError {
        return error.message
    } catch {
        return "unexpected \(error)"
    }
}

@Suite("DeclarationReader")
struct DeclarationReaderTests {
    @Test(arguments: [1, 5, 1 << 20])
    func readsTypedColumns(chunkSize: Int) throws {
        let rows = """
        D1,2025-01-02,0302.11.10,IM1,12500.00,Y,0,0,"a, note"
        D2,2025/01/03,870323,IM2,99.5,no,1,310.25,
        D3,20250104,,IM1,,,false,,"multi
        line"
        D4,,8703 23 90 10,,7,1,true,1.5,

        """
        let result = try readSmall(rows, chunkSize: chunkSize)
        let table = result.table
        #expect(result.rejected.isEmpty)
        #expect(table.rowCount == 4)
        #expect(table.ids == ["D1", "D2", "D3", "D4"])
        #expect(table.dates! == [20_090, 20_091, 20_092, nil])
        #expect(table.labels == [0, 1, 0, 1])
        let revenue = try #require(table.revenue)
        #expect(revenue[0] == 0 && revenue[1] == 310.25 && revenue[2].isNaN && revenue[3] == 1.5)
        let hs = try #require(table.text["hs_code"])
        #expect((0..<4).map { hs[$0] } == ["03021110", "870323", nil, "8703239010"])
        let importer = try #require(table.text["importer_id"])
        #expect(importer.codes == [0, 1, 0, -1])
        #expect(importer.vocabulary == ["IM1", "IM2"])
        let value = try #require(table.numbers["cif_value"])
        #expect(value[0] == 12_500 && value[1] == 99.5 && value[2].isNaN && value[3] == 7)
        let aeo = try #require(table.numbers["aeo"])
        #expect(aeo[0] == 1 && aeo[1] == 0 && aeo[2].isNaN && aeo[3] == 1)
        #expect(table.text["notes"] == nil && table.numbers["notes"] == nil)
        #expect(table.sourceLines == [2, 3, 4, 6])
    }

    @Test func byteOrderMarkAndCRLF() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array(smallHeader.replacingOccurrences(of: "\n", with: "\r\n").utf8)
            + Array("D1,2025-01-02,870323,IM1,1,N,0,0,\r\n".utf8)
        let table = try DeclarationReader.read(bytes: bytes, source: "d.csv", schema: smallSchema).table
        #expect(table.ids == ["D1"])
        #expect(table.text["hs_code"]?[0] == "870323")
    }

    // MARK: - Bad input, exact messages

    @Test(arguments: [
        ("D1,2025-01-02,870323,IM1,\"12,5O0\",Y,0,0,\n",
         "declarations.csv, line 2, column \"cif_value\": \"12,5O0\" is not a number. Expected a decimal such as "
             + "12500.00."),
        ("D1,2025-13-02,870323,IM1,1,Y,0,0,\n",
         "declarations.csv, line 2, column \"date\": \"2025-13-02\" is not a date. Expected YYYY-MM-DD, YYYY/MM/DD "
             + "or YYYYMMDD."),
        ("D1,2025-01-02,87A323,IM1,1,Y,0,0,\n",
         "declarations.csv, line 2, column \"hs_code\": \"87A323\" is not an HS code. Expected 6 to 10 digits, such "
             + "as 870323 (dots and spaces are ignored)."),
        ("D1,2025-01-02,87032,IM1,1,Y,0,0,\n",
         "declarations.csv, line 2, column \"hs_code\": \"87032\" is not an HS code. Expected 6 to 10 digits, such "
             + "as 870323 (dots and spaces are ignored)."),
        ("D1,2025-01-02,870323,IM1,1,Y,2,0,\n",
         "declarations.csv, line 2, column \"illicit\": \"2\" is not a label. Expected 0 or 1 (or false/true)."),
        ("D1,2025-01-02,870323,IM1,1,Y,,0,\n",
         "declarations.csv, line 2, column \"illicit\": the label is empty. Expected 0 or 1; fill in the inspection "
             + "outcome or drop the row."),
        ("D1,2025-01-02,870323,IM1,1,maybe,0,0,\n",
         "declarations.csv, line 2, column \"aeo\": \"maybe\" is not a yes/no flag. Expected 1/0, true/false, yes/no "
             + "or Y/N."),
        (",2025-01-02,870323,IM1,1,Y,0,0,\n",
         "declarations.csv, line 2, column \"declaration_id\": the declaration id is empty. Every declaration needs "
             + "an id."),
        ("D1,2025-01-02,870323,IM1,1,Y,0,0\n",
         "declarations.csv, line 2: found 8 fields, but the header has 9. Quote fields that contain commas, and check "
             + "for a missing or extra separator."),
        ("D1,2025-01-02,870323,IM1,12,500,Y,0,0,\n",
         "declarations.csv, line 2: found 10 fields, but the header has 9. Quote fields that contain commas, and "
             + "check for a missing or extra separator."),
        ("D1,2025-01-02,870323,IM1,1,Y,0,0,\nD2,2025-01-02,870323,IM1,1,Y,0,0,\"open\nstill open\n",
         "declarations.csv, line 3: field 9 opens a quote (\") that is never properly closed (by a quote followed by a "
             + "comma or a line break), so the row is taken to end with that line. Add the closing quote, and write a "
             + "quote inside a field as \"\"."),
    ] as [(String, String)])
    func badRowMessages(rows: String, expected: String) {
        #expect(message { _ = try readSmall(rows) } == expected)
        #expect(message { _ = try readSmall(rows, chunkSize: 3) } == expected, "chunk size 3")
    }

    @Test func valueErrorsCarryStructuredFields() throws {
        do {
            _ = try readSmall("D9,2025-01-02,870323,IM1,abc,Y,0,0,\n")
            Issue.record("expected an error")
        } catch let error as DeclarationError {
            #expect(error.code == .invalidValue)
            #expect(error.file == "declarations.csv" && error.line == 2 && error.column == "cif_value")
            #expect(error.value == "abc")
        }
    }

    @Test func emptyFile() {
        let expected = "declarations.csv: the file is empty. Expected a header row naming the columns, such as "
            + "declaration_id,date,hs_code."
        #expect(message { _ = try readSmall("", header: "") } == expected)
        #expect(message { _ = try readSmall("", header: "\n\n") } == expected)
    }

    @Test func schemaColumnMissingFromHeader() {
        let header = "declaration_id,date,hs_code,importer_id,value,aeo,illicit,revenue\n"
        #expect(message { _ = try readSmall("D1,2025-01-02,870323,IM1,1,Y,0,0\n", header: header) }
                    == "declarations.csv: the schema names column \"cif_value\", which the header does not have. The "
                    + "header's columns are: declaration_id, date, hs_code, importer_id, value, aeo, illicit, revenue. "
                    + "Fix the name in the schema (names are case-sensitive) or add the column.")
    }

    @Test func labelAndRevenueMayBeAbsentWhenNotRequired() throws {
        let header = "declaration_id,date,hs_code,importer_id,cif_value,aeo\n"
        let rows = "D1,2025-01-02,870323,IM1,1,Y\n"
        #expect(message { _ = try readSmall(rows, header: header) }?
                    .hasPrefix("declarations.csv: the schema names column \"illicit\"") == true)
        let table = try readSmall(rows, options: .init(requireLabel: false), header: header).table
        #expect(table.labels == nil && table.revenue == nil && table.rowCount == 1)
        // Present but empty labels are NaN when not required.
        let withEmpty = try readSmall("D1,2025-01-02,870323,IM1,1,Y,,,\n", options: .init(requireLabel: false)).table
        #expect(withEmpty.labels?[0].isNaN == true)
    }

    @Test func duplicatedHeaderColumnUsedBySchema() {
        let header = "declaration_id,date,hs_code,importer_id,cif_value,aeo,illicit,revenue,cif_value\n"
        #expect(message { _ = try readSmall("", header: header) }
                    == "declarations.csv: the header names column \"cif_value\" more than once (columns 5 and 9), and "
                    + "the schema uses it. Rename the copies.")
    }

    // MARK: - Skip policy

    @Test(arguments: [2, 1 << 20])
    func skipPolicyCountsAndListsRejects(chunkSize: Int) throws {
        let rows = """
        D1,2025-01-02,870323,IM1,1,Y,0,0,
        D2,2025-01-02,870323,IM1,x1,Y,0,0,
        D3,2025-01-02,870323,IM1,1,Y,0,0
        D4,2025-01-02,870323,IM3,1,Y,1,5,
        D5,2025-01-02,870323,IM1,1,Y,0,0,"never closed

        """
        let result = try readSmall(rows, options: .init(badRowPolicy: .skip), chunkSize: chunkSize)
        #expect(result.table.ids == ["D1", "D4"])
        #expect(result.table.sourceLines == [2, 5])
        #expect(result.table.text["importer_id"]?.vocabulary == ["IM1", "IM3"])
        #expect(result.rejected.map(\.line) == [3, 4, 6])
        #expect(result.rejected.map(\.declarationID) == ["D2", "D3", nil])
        #expect(result.rejected[0].message
                    == "declarations.csv, line 3, column \"cif_value\": \"x1\" is not a number. Expected a decimal "
                    + "such as 12500.00.")
    }

    // MARK: - Declarations in memory

    @Test func declarationsParseThroughTheSameParsers() throws {
        let declarations = [
            Declaration(id: "A", values: ["date": "2025-01-02", "hs_code": "0302.11", "importer_id": "IM1",
                                          "cif_value": "10.5", "aeo": "Y", "illicit": "1"]),
            Declaration(id: "B", values: ["hs_code": "870323", "cif_value": "", "illicit": "0"]),
        ]
        let table = try DeclarationTable(declarations: declarations, schema: smallSchema)
        #expect(table.ids == ["A", "B"])
        #expect(table.dates! == [20_090, nil])
        #expect(table.labels == [1, 0])
        #expect(table.revenue == nil)
        #expect(table.text["hs_code"]?.vocabulary == ["030211", "870323"])
        #expect(table.numbers["cif_value"]?[0] == 10.5 && table.numbers["cif_value"]?[1].isNaN == true)
        #expect(table.sourceLines == nil)

        let bad = [Declaration(id: "D42", values: ["cif_value": "12,5O0"])]
        #expect(message { _ = try DeclarationTable(declarations: bad, schema: smallSchema) }
                    == "declaration \"D42\", column \"cif_value\": \"12,5O0\" is not a number. Expected a decimal such "
                    + "as 12500.00.")
    }

    @Test func declarationTableMatchesCSVTable() throws {
        let rows = "D1,2025-01-02,0302.11.10,IM1,12500.00,Y,0,0,x\nD2,2025/01/03,870323,IM2,99.5,no,1,310.25,\n"
        let fromCSV = try readSmall(rows).table
        let declarations = [
            Declaration(id: "D1", values: ["date": "2025-01-02", "hs_code": "0302.11.10", "importer_id": "IM1",
                                           "cif_value": "12500.00", "aeo": "Y", "illicit": "0", "revenue": "0"]),
            Declaration(id: "D2", values: ["date": "2025/01/03", "hs_code": "870323", "importer_id": "IM2",
                                           "cif_value": "99.5", "aeo": "no", "illicit": "1", "revenue": "310.25"]),
        ]
        var fromValues = try DeclarationTable(declarations: declarations, schema: smallSchema)
        fromValues.sourceLines = fromCSV.sourceLines
        #expect(sameTable(fromValues, fromCSV))
    }

    @Test func selectingRows() throws {
        let rows = "D1,2025-01-02,870323,IM1,1,Y,0,0,\nD2,2025-01-03,870324,IM2,2,N,1,3,\nD3,,870325,IM1,3,Y,0,0,\n"
        let table = try readSmall(rows).table
        let selected = table.selectingRows([2, 0, 2])
        #expect(selected.rowCount == 3)
        #expect(selected.ids == ["D3", "D1", "D3"])
        #expect(selected.dates! == [nil, 20_090, nil])
        #expect(selected.labels == [0, 0, 0])
        #expect(selected.numbers["cif_value"] == [3, 1, 3])
        #expect((0..<3).map { selected.text["hs_code"]![$0] } == ["870325", "870323", "870325"])
        #expect(selected.sourceLines == [4, 2, 4])
        #expect(table.selectingRows([]).rowCount == 0)
    }

    // MARK: - Files

    @Test func readsFromAFileInSmallChunks() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("decl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("declarations.csv")
        let bytes = SyntheticDeclarations(rowCount: 500, seed: 3).csvBytes()
        try Data(bytes).write(to: url)
        let fromFile = try DeclarationReader.read(contentsOf: url, schema: SyntheticDeclarations.schema,
                                                  options: .init(chunkSize: 977)).table
        let fromMemory = try DeclarationReader.read(bytes: bytes, source: "declarations.csv",
                                                    schema: SyntheticDeclarations.schema).table
        #expect(sameTable(fromFile, fromMemory))
        #expect(fromFile.rowCount == 500)
        #expect(message { _ = try DeclarationReader.read(contentsOf: directory.appendingPathComponent("none.csv"),
                                                           schema: smallSchema) }?
                    .hasSuffix("none.csv: cannot open the file (No such file or directory). Check the path.") == true)
    }
}

/// Table equality where NaN equals NaN (bit patterns), so tables with missing numbers compare.
func sameTable(_ a: DeclarationTable, _ b: DeclarationTable) -> Bool {
    func bits(_ x: [Double]?) -> [UInt64]? { x?.map(\.bitPattern) }
    return a.schema == b.schema && a.rowCount == b.rowCount && a.ids == b.ids && a.dates == b.dates
        && a.labels?.map(\.bitPattern) == b.labels?.map(\.bitPattern) && bits(a.revenue) == bits(b.revenue)
        && a.text == b.text && a.numbers.mapValues { bits($0)! } == b.numbers.mapValues { bits($0)! }
        && a.sourceLines == b.sourceLines
}

@Suite("DeclarationReader escaped fields")
struct DeclarationReaderEscapedFieldTests {
    /// Several `""`-escaped fields in one row must each keep their own bytes (they share the
    /// scanner's per-record scratch area).
    @Test(arguments: [1, 3, 1 << 20])
    func severalEscapedFieldsInOneRow(chunkSize: Int) throws {
        let schema = DeclarationSchema(id: "id", fields: [.init(column: "a", role: .categorical),
                                                           .init(column: "b", role: .entity)])
        let bytes = Array("id,a,b\n\"x\"\"1\",\"say \"\"a\"\"\",\"\"\"b\"\", too\"\n".utf8)
        let table = try DeclarationReader.read(bytes: bytes, source: "q.csv", schema: schema,
                                               options: .init(chunkSize: chunkSize)).table
        #expect(table.ids == ["x\"1"])
        #expect(table.text["a"]?[0] == "say \"a\"")
        #expect(table.text["b"]?[0] == "\"b\", too")
    }
}

import RiskData
@testable import RiskDeclarations
import Testing

/// A naive RFC 4180 parser over a whole `[UInt8]`: the oracle for `CSVScanner`.
/// Same rules: BOM skipped, LF / CRLF / CR end records, blank records skipped.
func naiveParse(_ input: [UInt8]) -> [[String]] {
    var bytes = input
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
    var records: [[String]] = []
    var record: [String] = []
    var field: [UInt8] = []
    var inQuotes = false
    var fieldWasQuoted = false
    var recordHasContent = false
    func endField() {
        record.append(String(decoding: field, as: UTF8.self))
        field = []
        fieldWasQuoted = false
    }
    func endRecord() {
        endField()
        if recordHasContent { records.append(record) }
        record = []
        recordHasContent = false
    }
    var i = 0
    while i < bytes.count {
        let c = bytes[i]
        if inQuotes {
            if c == 0x22 {
                if i + 1 < bytes.count && bytes[i + 1] == 0x22 {
                    field.append(0x22)
                    i += 2
                    continue
                }
                inQuotes = false
            } else {
                field.append(c)
            }
            i += 1
            continue
        }
        switch c {
        case 0x22 where field.isEmpty && !fieldWasQuoted:
            inQuotes = true
            fieldWasQuoted = true
            recordHasContent = true
        case 0x2C:
            recordHasContent = true
            endField()
        case 0x0A, 0x0D:
            endRecord()
            if c == 0x0D && i + 1 < bytes.count && bytes[i + 1] == 0x0A { i += 1 }
        default:
            recordHasContent = true
            field.append(c)
        }
        i += 1
    }
    if recordHasContent { endRecord() }
    return records
}

func scanAll(_ bytes: [UInt8], chunkSize: Int) throws -> [[String]] {
    let scanner = CSVScanner(bytes: bytes, sourceName: "t.csv", chunkSize: chunkSize)
    var records: [[String]] = []
    while try scanner.nextRecord() {
        records.append((0..<scanner.fieldCount).map { scanner.fieldString($0) })
    }
    return records
}

@Suite("CSVScanner")
struct CSVScannerTests {
    static let chunkSizes = [1, 2, 3, 5, 7, 64, 1 << 20]

    @Test(arguments: chunkSizes)
    func quotedFieldsCommasNewlinesAndEscapes(chunkSize: Int) throws {
        let text = "id,note,value\r\n1,\"a, b\",3\r\n2,\"line one\nline two\",4\r\n3,\"say \"\"hi\"\"\",5\r\n4,,\r\n"
        let records = try scanAll(Array(text.utf8), chunkSize: chunkSize)
        #expect(records == [
            ["id", "note", "value"], ["1", "a, b", "3"], ["2", "line one\nline two", "4"],
            ["3", "say \"hi\"", "5"], ["4", "", ""],
        ])
    }

    @Test(arguments: chunkSizes)
    func byteOrderMarkAndNoFinalNewline(chunkSize: Int) throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("a,b\n1,2".utf8)
        #expect(try scanAll(bytes, chunkSize: chunkSize) == [["a", "b"], ["1", "2"]])
    }

    @Test(arguments: chunkSizes)
    func blankLinesAreSkippedAndLinesCounted(chunkSize: Int) throws {
        let bytes = Array("a,b\n\n1,\"x\ny\"\r\n\r\n2,3\n".utf8)
        let scanner = CSVScanner(bytes: bytes, sourceName: "t.csv", chunkSize: chunkSize)
        var lines: [Int] = []
        while try scanner.nextRecord() { lines.append(scanner.recordLine) }
        #expect(lines == [1, 3, 6])
    }

    @Test func emptyInputHasNoRecords() throws {
        #expect(try scanAll([], chunkSize: 4).isEmpty)
        #expect(try scanAll([0xEF, 0xBB, 0xBF], chunkSize: 1).isEmpty)
    }

    @Test func rawRecordIsTheExactBytes() throws {
        let bytes = Array("h1,h2\r\n\"a,\"\"b\",c\r\nd,e".utf8)
        let scanner = CSVScanner(bytes: bytes, sourceName: "t.csv", chunkSize: 3)
        var raws: [[UInt8]] = []
        while try scanner.nextRecord() { raws.append(Array(scanner.rawRecord)) }
        #expect(raws == [Array("h1,h2\r\n".utf8), Array("\"a,\"\"b\",c\r\n".utf8), Array("d,e".utf8)])
    }

    /// Random CSV over an alphabet rich in separators and quotes, compared with the naive oracle
    /// at many chunk sizes.
    @Test(arguments: [1, 7, 42, 1_234] as [UInt64], [1, 3, 16, 4_096])
    func matchesNaiveOracleOnRandomInput(seed: UInt64, chunkSize: Int) throws {
        var generator = SeededGenerator(seed: seed)
        let alphabet: [String] = ["a", "b", "7", " ", ",", "\n", "\r\n", "\"", "é"]
        var text = ""
        for _ in 0..<60 {
            let fields = 1 + generator.nextInt(below: 4)
            for f in 0..<fields {
                if f > 0 { text += "," }
                var value = ""
                for _ in 0..<generator.nextInt(below: 6) { value += alphabet[generator.nextInt(below: alphabet.count)] }
                if value.contains(where: { ",\n\r\"".contains($0) }) || generator.nextInt(below: 4) == 0 {
                    text += "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                } else {
                    text += value
                }
            }
            text += generator.nextInt(below: 2) == 0 ? "\n" : "\r\n"
        }
        let bytes = Array(text.utf8)
        #expect(try scanAll(bytes, chunkSize: chunkSize) == naiveParse(bytes), "seed \(seed)")
    }

    /// A quote that never closes, with line breaks after it: the record ends with its first line and
    /// reading resumes on the next (issue 14: a stray quote used to swallow the rest of the input).
    @Test(arguments: [1, 4, 1 << 20])
    func unterminatedQuoteNamesTheStartLineAndEndsWithIt(chunkSize: Int) throws {
        let bytes = Array("a,b\n1,2\n3,\"never\nclosed\n".utf8)
        let scanner = CSVScanner(bytes: bytes, sourceName: "declarations.csv", chunkSize: chunkSize)
        #expect(try scanner.nextRecord())
        #expect(try scanner.nextRecord())
        #expect {
            _ = try scanner.nextRecord()
        } throws: { error in
            (error as? DeclarationError)?.message
                == "declarations.csv, line 3: field 2 opens a quote (\") that is never properly closed (by a quote "
                + "followed by a comma or a line break), so the row is taken to end with that line. Add the closing "
                + "quote, and write a quote inside a field as \"\"."
        }
        #expect(try scanner.nextRecord())
        #expect(scanner.recordLine == 4 && scanner.fieldString(0) == "closed")
        #expect(try !scanner.nextRecord())
    }

    @Test(arguments: [1, 4, 1 << 20])
    func unterminatedQuoteOnTheLastLineIsNeverClosed(chunkSize: Int) throws {
        let scanner = CSVScanner(bytes: Array("a,b\n3,\"never".utf8), sourceName: "d.csv", chunkSize: chunkSize)
        #expect(try scanner.nextRecord())
        #expect {
            _ = try scanner.nextRecord()
        } throws: { error in
            (error as? DeclarationError)?.message
                == "d.csv, line 2: a quoted field that starts on line 2 is never closed. Add the closing quote (\"), "
                + "and write a quote inside a field as \"\"."
        }
    }

    @Test func textAfterClosingQuoteIsAnError() throws {
        let scanner = CSVScanner(bytes: Array("a,b\n\"x\"y,2\n".utf8), sourceName: "d.csv")
        #expect(try scanner.nextRecord())
        #expect {
            _ = try scanner.nextRecord()
        } throws: { error in
            (error as? DeclarationError)?.message
                == "d.csv, line 2: field 1 has text after its closing quote. Quote the whole field and write a quote "
                + "inside it as \"\"."
        }
    }

    @Test(arguments: [2, 1 << 20])
    func fieldLengthLimit(chunkSize: Int) throws {
        let bytes = Array(("a,b\n1," + String(repeating: "x", count: 40) + "\n").utf8)
        let scanner = CSVScanner(bytes: bytes, sourceName: "d.csv", chunkSize: chunkSize, maximumFieldLength: 32)
        #expect(try scanner.nextRecord())
        #expect {
            _ = try scanner.nextRecord()
        } throws: { error in
            (error as? DeclarationError)?.message
                == "d.csv, line 2: a field is longer than 32 bytes (the maximum field length). Check for a quote "
                + "that is never closed, or raise maximumFieldLength."
        }
    }

    @Test func columnCountLimit() throws {
        let scanner = CSVScanner(bytes: Array("a,b,c,d,e\n".utf8), sourceName: "d.csv", maximumColumnCount: 4)
        #expect {
            _ = try scanner.nextRecord()
        } throws: { error in
            (error as? DeclarationError)?.message
                == "d.csv, line 1: the row has more than 4 fields (the maximum column count). Check the delimiter "
                + "(this reader expects commas), or raise maximumColumnCount."
        }
    }
}

import CustomsRisk
import Foundation
import Testing

/// Resource limits of the declaration reader: a huge field, a million columns or a quote that never
/// closes stop the read with a limit error after at most about one field's worth of memory,
/// whatever the chunk size, instead of growing the buffer with the file.
@Suite("Hardening: reader resource limits")
struct HardeningReaderLimitsTests {
    static let schema = DeclarationSchema(id: "id", fields: [.init(column: "v", role: .customsValue),
                                                             .init(column: "note", role: .ignore)])

    static func message(_ csv: [UInt8], options: DeclarationReadOptions) -> String? {
        do {
            _ = try DeclarationReader.read(bytes: csv, source: "big.csv", schema: schema, options: options)
            return nil
        } catch {
            return (error as? DeclarationError)?.message ?? "\(error)"
        }
    }

    static let fieldTooLong = "big.csv, line 3: a field is longer than 1048576 bytes (the maximum field length). "
        + "Check for a quote that is never closed, or raise maximumFieldLength."

    @Test(arguments: [DeclarationReadOptions.BadRowPolicy.fail, .skip], [1 << 16, 1 << 20])
    func aTwoMebibyteFieldIsALimitError(policy: DeclarationReadOptions.BadRowPolicy, chunkSize: Int) {
        let csv = Array("id,v,note\nA,1,x\nB,2,".utf8) + [UInt8](repeating: 0x78, count: 2 << 20) + Array("\nC,3,\n".utf8)
        #expect(Self.message(csv, options: .init(badRowPolicy: policy, chunkSize: chunkSize)) == Self.fieldTooLong)
    }

    @Test(arguments: [1 << 16, 1 << 20])
    func aQuoteThatNeverClosesIsBoundedByTheFieldLimit(chunkSize: Int) {
        let csv = Array("id,v,note\nA,1,x\nB,2,\"".utf8) + [UInt8](repeating: 0x2C, count: 3 << 20)
        #expect(Self.message(csv, options: .init(badRowPolicy: .skip, chunkSize: chunkSize)) == Self.fieldTooLong)
    }

    @Test(arguments: [2, 1])
    func aMillionColumnsIsALimitError(line: Int) {
        let wide = [UInt8](repeating: 0x2C, count: 1_000_000)
        let csv = line == 1 ? wide + Array("\nA,1,\n".utf8) : Array("id,v,note\n".utf8) + wide + [0x0A]
        #expect(Self.message(csv, options: .init(badRowPolicy: .skip))
                    == "big.csv, line \(line): the row has more than 4096 fields (the maximum column count). Check "
                    + "the delimiter (this reader expects commas), or raise maximumColumnCount.")
    }

    @Test func aByteOrderMarkAndCRLFLineEndsAreRead() throws {
        let csv = [0xEF, 0xBB, 0xBF] + Array("id,v,note\r\nA,1.5,x\r\nB,,\"y\r\nz\"\r\n".utf8)
        let table = try DeclarationReader.read(bytes: csv, source: "big.csv", schema: Self.schema).table
        #expect(table.ids == ["A", "B"])
        #expect(table.numbers["v"]?[0] == 1.5)
        #expect(table.numbers["v"]?[1].isNaN == true)
        #expect(table.sourceLines == [2, 3])
    }
}

import RiskData
@testable import RiskDeclarations
import Testing

/// Property tests in the spirit of a fuzzer: arbitrary bytes never crash the reader, and the
/// result (rows, rejects, or the error) does not depend on the chunk size.
@Suite("DeclarationReader robustness")
struct ReaderRobustnessTests {
    static let schema = DeclarationSchema(id: "id", date: "d", label: "y", fields: [
        .init(column: "h", role: .hsCode), .init(column: "v", role: .customsValue), .init(column: "t", role: .entity),
        .init(column: "f", role: .aeoFlag),
    ])

    /// What a read produced, comparable across chunk sizes.
    struct Outcome: Equatable {
        var ids: [String] = []
        var lines: [Int] = []
        var rejected: [RejectedRow] = []
        var error: String?
    }

    func outcome(_ bytes: [UInt8], chunkSize: Int, policy: DeclarationReadOptions.BadRowPolicy) -> Outcome {
        do {
            let result = try DeclarationReader.read(
                bytes: bytes, source: "fuzz.csv", schema: Self.schema,
                options: .init(badRowPolicy: policy, maximumFieldLength: 64, maximumColumnCount: 16,
                               chunkSize: chunkSize))
            return Outcome(ids: result.table.ids, lines: result.table.sourceLines ?? [], rejected: result.rejected)
        } catch let error as DeclarationError {
            return Outcome(error: error.message)
        } catch {
            return Outcome(error: "unexpected \(error)")
        }
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func arbitraryInputIsHandledTheSameAtEveryChunkSize(seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        let pieces: [[UInt8]] = [
            Array(",".utf8), Array("\n".utf8), Array("\r\n".utf8), Array("\r".utf8), Array("\"".utf8),
            Array("\"\"".utf8), Array("1".utf8), Array("0".utf8), Array("2025-01-02".utf8), Array("870323".utf8),
            Array("12.5".utf8), Array("Y".utf8), Array("x".utf8), [0xFF], [0xC3], [0xEF, 0xBB, 0xBF], [0x00],
        ]
        for _ in 0..<40 {
            var bytes = Array("id,d,y,h,v,t,f\n".utf8)
            for _ in 0..<generator.nextInt(below: 200) { bytes += pieces[generator.nextInt(below: pieces.count)] }
            for policy in DeclarationReadOptions.BadRowPolicy.allCases {
                let reference = outcome(bytes, chunkSize: 1 << 20, policy: policy)
                #expect(reference.error?.hasPrefix("unexpected") != true, "seed \(seed)")
                for chunkSize in [1, 3, 17] {
                    #expect(outcome(bytes, chunkSize: chunkSize, policy: policy) == reference,
                            "seed \(seed), chunk size \(chunkSize), policy \(policy)")
                }
            }
        }
    }
}

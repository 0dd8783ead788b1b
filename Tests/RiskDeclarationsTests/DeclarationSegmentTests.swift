import Foundation
import RiskData
@testable import RiskDeclarations
import Testing

/// `DeclarationReader.mapSegments` gives exactly what one sequential read gives — rows, values,
/// line numbers, rejected rows, the first error — at every segment size and thread count, also
/// when a guessed cut falls inside a quoted field (then the file is cut again exactly).
@Suite("DeclarationReader segments")
struct DeclarationSegmentTests {
    static let schema = ReaderRobustnessTests.schema

    /// Everything a read produced, flattened row by row so that segments can be compared to one table.
    struct Outcome: Equatable, CustomStringConvertible {
        var rows: [String] = []
        var lines: [Int] = []
        var rejected: [RejectedRow] = []
        var error: String?
        var description: String { "rows \(rows) lines \(lines) rejected \(rejected.map(\.line)) error \(error ?? "-")" }

        mutating func append(_ result: DeclarationReadResult) {
            let table = result.table
            for r in 0..<table.rowCount {
                var fields = [table.ids[r], table.dates?[r].map { String($0) } ?? "nil",
                              table.labels.map { String($0[r]) } ?? "nil"]
                for column in table.text.keys.sorted() { fields.append(table.text[column]![r] ?? "nil") }
                for column in table.numbers.keys.sorted() { fields.append(String(table.numbers[column]![r])) }
                rows.append(fields.joined(separator: "|"))
            }
            lines += table.sourceLines ?? []
            rejected += result.rejected
        }
    }

    static func sequential(_ url: URL, policy: DeclarationReadOptions.BadRowPolicy) -> Outcome {
        var outcome = Outcome()
        do {
            outcome.append(try DeclarationReader.read(contentsOf: url, schema: schema, options: options(policy)))
        } catch {
            outcome.error = "\(error)"
        }
        return outcome
    }

    static func segmented(_ url: URL, policy: DeclarationReadOptions.BadRowPolicy, segmentByteCount: Int,
                          threadCount: Int) -> Outcome {
        var outcome = Outcome()
        do {
            let parts = try DeclarationReader.mapSegments(contentsOf: url, schema: schema, options: options(policy),
                                                          segmentByteCount: segmentByteCount,
                                                          threadCount: threadCount) { $0 }
            for part in parts { outcome.append(part) }
        } catch {
            outcome.error = "\(error)"
        }
        return outcome
    }

    static func options(_ policy: DeclarationReadOptions.BadRowPolicy) -> DeclarationReadOptions {
        DeclarationReadOptions(badRowPolicy: policy, maximumFieldLength: 64, maximumColumnCount: 16, chunkSize: 7)
    }

    static func withFile<T>(_ bytes: [UInt8], _ body: (URL) throws -> T) throws -> T {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("segments-\(UUID().uuidString).csv")
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        return try body(url)
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6] as [UInt64])
    func arbitraryInputReadsAsOneSequentialRead(seed: UInt64) throws {
        var generator = SeededGenerator(seed: seed)
        let pieces: [[UInt8]] = [
            Array(",".utf8), Array("\n".utf8), Array("\n".utf8), Array("\r\n".utf8), Array("\r".utf8),
            Array("\"".utf8), Array("\"\"".utf8), Array("1".utf8), Array("0".utf8), Array("2025-01-02".utf8),
            Array("870323".utf8), Array("12.5".utf8), Array("Y".utf8), Array("x".utf8), [0xEF, 0xBB, 0xBF],
            Array("\"a\nb\"".utf8), Array("7,2025-01-02,1,870323,3.5,T,N\n".utf8),
        ]
        for _ in 0..<25 {
            var bytes = (generator.nextInt(below: 3) == 0 ? [0xEF, 0xBB, 0xBF] : []) + Array("id,d,y,h,v,t,f\n".utf8)
            for _ in 0..<generator.nextInt(below: 300) { bytes += pieces[generator.nextInt(below: pieces.count)] }
            try Self.withFile(bytes) { url in
                for policy in DeclarationReadOptions.BadRowPolicy.allCases {
                    let reference = Self.sequential(url, policy: policy)
                    for (size, threads) in [(1, 1), (5, 3), (16, 2), (1 << 20, 2)] {
                        let got = Self.segmented(url, policy: policy, segmentByteCount: size, threadCount: threads)
                        #expect(got == reference, "seed \(seed), policy \(policy), segment \(size), threads \(threads), bytes \(bytes)")
                    }
                }
            }
        }
    }

    @Test func cutsInsideQuotedFieldsAreFoundAndTheFileIsCutAgain() throws {
        // Every other record has a quoted line break, so most guessed cuts fall inside a field.
        var text = "id,d,y,h,v,t,f\n"
        for k in 0..<200 {
            text += k % 2 == 0 ? "\(k),2025-01-02,0,870323,\(k).5,\"T\nline \(k)\",Y\n"
                               : "\(k),2025-01-03,1,870324,\(k),T\(k),N\r\n"
        }
        let bytes = Array(text.utf8)
        try Self.withFile(bytes) { url in
            let reference = Self.sequential(url, policy: .fail)
            #expect(reference.rows.count == 200)
            #expect(reference.lines.last == 301)  // header + 200 records + 100 quoted line breaks
            for size in [1, 9, 50, 333] {
                #expect(Self.segmented(url, policy: .fail, segmentByteCount: size, threadCount: 2) == reference,
                        "segment \(size)")
            }
        }
    }

    @Test func theFirstBadRowInFileOrderIsThrown() throws {
        var text = "id,d,y,h,v,t,f\n"
        for k in 0..<100 { text += "\(k),2025-01-02,0,870323,\(k == 30 || k == 80 ? "abc" : "1.5"),T,Y\n" }
        try Self.withFile(Array(text.utf8)) { url in
            for threads in [1, 2, 4] {
                #expect(throws: DeclarationError.self) {
                    _ = try DeclarationReader.mapSegments(contentsOf: url, schema: Self.schema,
                                                          segmentByteCount: 64, threadCount: threads) { $0 }
                }
                let got = Self.segmented(url, policy: .fail, segmentByteCount: 64, threadCount: threads)
                #expect(got == Self.sequential(url, policy: .fail))
                #expect(got.error?.contains("line 32") == true, "\(got.error ?? "no error")")
            }
        }
    }

    @Test func theTransformsFirstErrorInFileOrderIsThrown() throws {
        struct Stop: Error, Equatable { var firstLine: Int }
        var text = "id,d,y,h,v,t,f\n"
        for k in 0..<100 { text += "\(k),2025-01-02,0,870323,1.5,T,Y\n" }
        try Self.withFile(Array(text.utf8)) { url in
            #expect(throws: Stop(firstLine: 2)) {
                _ = try DeclarationReader.mapSegments(contentsOf: url, schema: Self.schema,
                                                      segmentByteCount: 100, threadCount: 3) { read -> Int in
                    throw Stop(firstLine: read.table.sourceLines![0])
                }
            }
        }
    }

    @Test func headerOnlyAndMissingFilesAnswerLikeARead() throws {
        try Self.withFile(Array("id,d,y,h,v,t,f\n".utf8)) { url in
            let parts = try DeclarationReader.mapSegments(contentsOf: url, schema: Self.schema) { $0.table.rowCount }
            #expect(parts.isEmpty)
        }
        let missing = URL(fileURLWithPath: "/nonexistent/segments.csv")
        #expect(throws: DeclarationError.self) {
            _ = try DeclarationReader.mapSegments(contentsOf: missing, schema: Self.schema) { $0 }
        }
        #expect(throws: DeclarationError.self) {
            _ = try Self.withFile([]) { try DeclarationReader.mapSegments(contentsOf: $0, schema: Self.schema) { $0 } }
        }
    }
}

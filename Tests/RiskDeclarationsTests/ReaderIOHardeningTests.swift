import Foundation
import RiskData
@testable import RiskDeclarations
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Issue 14 §3: inputs that crashed the reader or lost rows. Each case is generated here.
@Suite("Reader I/O hardening (issue 14)")
struct ReaderIOHardeningTests {
    static let schema = DeclarationSchema(id: "id", date: "date", label: "label", revenue: "revenue", fields: [
        .init(column: "hs", role: .hsCode), .init(column: "importer", role: .importer),
        .init(column: "value", role: .customsValue),
    ])
    static let header = "id,date,hs,importer,value,label,revenue\n"

    static func row(_ k: Int, importer: String = "IMP") -> String {
        "D\(k),2025-01-\(String(format: "%02d", k % 28 + 1)),870323,\(importer),\(k * 10).5,\(k % 2),\(k % 3 == 0 ? "" : "12.5")\n"
    }

    static func withFile<T>(_ bytes: [UInt8], _ body: (URL) throws -> T) throws -> T {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("io-\(UUID().uuidString).csv")
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        return try body(url)
    }

    // MARK: - A stray quote loses one row, not 22

    /// Line 101 opens a quote that is never closed; line 123 holds a well-formed quoted field. The
    /// stray quote used to run to line 123's quote, losing lines 101–123 and naming line 123.
    static func strayQuoteFile() -> [UInt8] {
        var text = header
        for line in 2...130 {
            let k = line - 1
            if line == 101 {
                text += "D\(k),2025-01-02,870323,\"IMP,10.5,1,\n"
            } else if line == 123 {
                text += "D\(k),2025-01-02,870323,\"Acme, Inc.\",10.5,1,\n"
            } else {
                text += row(k)
            }
        }
        return Array(text.utf8)
    }

    static let strayQuoteMessage = "stray.csv, line 101: field 4 opens a quote (\") that is never properly closed (by a "
        + "quote followed by a comma or a line break), so the row is taken to end with that line. Add the closing "
        + "quote, and write a quote inside a field as \"\"."

    @Test(arguments: [1, 7, 64, 1 << 20])
    func aStrayQuoteRejectsOnlyItsOwnLine(chunkSize: Int) throws {
        let result = try DeclarationReader.read(bytes: Self.strayQuoteFile(), source: "stray.csv", schema: Self.schema,
                                                options: .init(badRowPolicy: .skip, chunkSize: chunkSize))
        #expect(result.rejected == [RejectedRow(line: 101, declarationID: nil, message: Self.strayQuoteMessage)])
        #expect(result.table.rowCount == 128)
        #expect(result.table.sourceLines == Array(2...100) + Array(102...130))
        #expect(result.table.ids[120] == "D122" && result.table.text["importer"]![120] == "Acme, Inc.")
        // Under `.fail` the same message stops the read.
        #expect(throws: DeclarationError.self) {
            _ = try DeclarationReader.read(bytes: Self.strayQuoteFile(), source: "stray.csv", schema: Self.schema)
        }
    }

    @Test(arguments: [64, 300, 1 << 21], [1, 2])
    func aStrayQuoteReadsTheSameInSegments(segmentByteCount: Int, threadCount: Int) throws {
        let bytes = Self.strayQuoteFile()
        let sequential = try DeclarationReader.read(bytes: bytes, source: "stray.csv", schema: Self.schema,
                                                    options: .init(badRowPolicy: .skip))
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("stray-\(UUID().uuidString)")
            .appendingPathComponent("stray.csv")
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        try Data(bytes).write(to: url)
        let parts = try DeclarationReader.mapSegments(contentsOf: url, schema: Self.schema,
                                                      options: .init(badRowPolicy: .skip),
                                                      segmentByteCount: segmentByteCount, threadCount: threadCount) {
            $0
        }
        #expect(parts.flatMap(\.rejected) == sequential.rejected)
        #expect(parts.flatMap { $0.table.ids } == sequential.table.ids)
        #expect(parts.flatMap { $0.table.sourceLines ?? [] } == sequential.table.sourceLines)
    }

    // MARK: - Files that change while they are read

    static let changedMessagePrefix = "segments.csv changed while it was being read ("

    /// Truncated under the readers: a one-line error naming the file (it was SIGBUS with a memory map).
    @Test func aFileTruncatedWhileSegmentsAreReadIsAnError() throws {
        let text = Self.header + (1...3_000).map { Self.row($0) }.joined()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("trunc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("segments.csv")
        try Data(text.utf8).write(to: url)
        var truncated = false
        #expect {
            // One thread: segment 0 is read, its transform truncates the file, segment 1 finds it short.
            _ = try DeclarationReader.mapSegments(contentsOf: url, schema: Self.schema, segmentByteCount: 4_096,
                                                  threadCount: 1) { result -> Int in
                if !truncated {
                    truncated = true
                    #expect(truncate(url.path, 1_000) == 0)
                }
                return result.table.rowCount
            }
        } throws: { error in
            guard let error = error as? DeclarationError else { return false }
            return error.code == .fileSystem
                && error.message == Self.changedMessagePrefix + "\(text.utf8.count) bytes when it was opened, 1000 now). "
                + "Read a file that nothing is writing to, such as a copy."
        }
    }

    @Test func aFileThatGrowsWhileSegmentsAreReadIsAnError() throws {
        let text = Self.header + (1...500).map { Self.row($0) }.joined()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("grow-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("segments.csv")
        try Data(text.utf8).write(to: url)
        let extra = Self.row(501)
        #expect {
            _ = try DeclarationReader.mapSegments(contentsOf: url, schema: Self.schema, segmentByteCount: 1 << 21,
                                                  threadCount: 1) { result -> Int in
                let handle = try FileHandle(forWritingTo: url)
                try handle.seekToEnd()
                try handle.write(contentsOf: Data(extra.utf8))
                try handle.close()
                return result.table.rowCount
            }
        } throws: { error in
            (error as? DeclarationError)?.message == Self.changedMessagePrefix
                + "\(text.utf8.count) bytes when it was opened, \(text.utf8.count + extra.utf8.count) now). "
                + "Read a file that nothing is writing to, such as a copy."
        }
    }

    /// The streaming reader (`read(contentsOf:)`: train, evaluate, features) compares the file at
    /// the end with the file it opened: a file cut or extended while it is read is an error, not a
    /// silently short or mixed table.
    @Test(arguments: ["truncate", "append"])
    func theStreamingReaderNoticesAFileThatChanged(change: String) throws {
        let text = Self.header + (1...200).map { Self.row($0) }.joined()
        try Self.withFile(Array(text.utf8)) { url in
            let scanner = try CSVScanner(path: url.path, sourceName: "stream.csv", chunkSize: 64)
            #expect(try scanner.nextRecord() && scanner.nextRecord())
            try scanner.checkUnchanged()
            let newSize: Int
            if change == "truncate" {
                newSize = 500
                #expect(truncate(url.path, off_t(newSize)) == 0)
            } else {
                let handle = try FileHandle(forWritingTo: url)
                try handle.seekToEnd()
                try handle.write(contentsOf: Data(Self.row(201).utf8))
                try handle.close()
                newSize = text.utf8.count + Self.row(201).utf8.count
            }
            while try scanner.nextRecord() {}
            #expect {
                try scanner.checkUnchanged()
            } throws: { error in
                (error as? DeclarationError)?.message == "stream.csv changed while it was being read "
                    + "(\(text.utf8.count) bytes when it was opened, \(newSize) now). Read a file that nothing is "
                    + "writing to, such as a copy."
            }
        }
    }

    /// `split` reads the file twice; a file that has a row more or less, or other bytes, the second
    /// time is an error (it was a precondition failure), and neither output is written.
    @Test(arguments: ["append", "truncate", "rewrite"])
    func aFileThatChangesBetweenTheTwoPassesOfSplitIsAnError(change: String) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("split-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = directory.appendingPathComponent("growing.csv")
        let text = Self.header + (1...40).map { Self.row($0) }.joined()
        try Data(text.utf8).write(to: data)
        let train = directory.appendingPathComponent("train.csv"), test = directory.appendingPathComponent("test.csv")
        #expect {
            _ = try DeclarationSplitter.split(data: data, schema: Self.schema, testFraction: 0.25, seed: 1,
                                              train: train, test: test, overwrite: false) {
                switch change {
                case "append": try Data((text + Self.row(41)).utf8).write(to: data)
                case "truncate": try Data((Self.header + (1...39).map { Self.row($0) }.joined()).utf8).write(to: data)
                default:
                    // Same rows and size, other bytes, a later modification time.
                    try Data(text.replacingOccurrences(of: "D7,", with: "E7,").utf8).write(to: data)
                    try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(10)],
                                                          ofItemAtPath: data.path)
                }
            }
        } throws: { error in
            (error as? DeclarationError)?.message == "growing.csv changed while it was being split. Split a file that "
                + "is not being written; the outputs were not written."
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["growing.csv"])
    }

    // MARK: - Pipes and devices

    /// A pipe or device is read into memory up to a limit, then refused (`/dev/zero` used to fill memory).
    @Test func anEndlessDeviceStopsAtTheInMemoryLimit() throws {
        #expect {
            _ = try DeclarationReader.mapSegments(contentsOf: URL(fileURLWithPath: "/dev/zero"), schema: Self.schema,
                                                  options: .init(maximumInMemoryInputSize: 1 << 20)) { $0 }
        } throws: { error in
            guard let error = error as? DeclarationError else { return false }
            return error.code == .limitExceeded
                && error.message == "zero: a pipe or device gave more than 1048576 bytes (the maximum in-memory input "
                + "size). Save the declarations to a file and pass its path."
        }
    }

    /// Within the limit, a FIFO reads exactly like the same bytes in a regular file.
    @Test func aFIFOWithinTheLimitReadsLikeAFile() throws {
        let text = Self.header + (1...700).map { Self.row($0) }.joined()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fifo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let fifo = directory.appendingPathComponent("piped.csv")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        let writer = Thread {
            let descriptor = open(fifo.path, O_WRONLY)
            guard descriptor >= 0 else { return }
            _ = text.utf8CString.withUnsafeBufferPointer { write(descriptor, $0.baseAddress!, $0.count - 1) }
            close(descriptor)
        }
        writer.start()
        let parts = try DeclarationReader.mapSegments(contentsOf: fifo, schema: Self.schema, segmentByteCount: 2_048,
                                                      threadCount: 2) { $0 }
        let whole = try DeclarationReader.read(bytes: Array(text.utf8), source: "piped.csv", schema: Self.schema)
        #expect(parts.count > 1)
        #expect(parts.flatMap { $0.table.ids } == whole.table.ids)
        #expect(parts.flatMap { $0.table.sourceLines ?? [] } == whole.table.sourceLines)
    }

    // MARK: - Values

    @Test func anEmptyRevenueIsUnknownAndABadOneNamesFileLineAndColumn() throws {
        let good = try DeclarationReader.read(bytes: Array((Self.header + Self.row(1) + Self.row(3)).utf8),
                                              source: "r.csv", schema: Self.schema)
        #expect(good.table.revenue?[0] == 12.5 && good.table.revenue?[1].isNaN == true)
        for (value, expected) in [("-3", "\"-3\" is not a revenue amount"), ("1e400", "\"1e400\" is not a revenue amount")] {
            let text = Self.header + "D1,2025-01-02,870323,IMP,1.5,1,\(value)\n"
            #expect(message {
                _ = try DeclarationReader.read(bytes: Array(text.utf8), source: "r.csv", schema: Self.schema)
            } == "r.csv, line 2, column \"revenue\": \(expected). Expected a finite amount of 0 or more, or an empty "
                + "cell when it is unknown.")
        }
    }

    /// Ids are kept byte for byte or refused: "D\u{FFFD}1" and "D\u{FF}1" used to become the same id.
    @Test(arguments: [1, 3, 1 << 20])
    func anIdThatIsNotUTF8IsRefusedWithItsLineAndColumn(chunkSize: Int) throws {
        let bytes = Array((Self.header + "D\u{FFFD}1,2025-01-02,870323,IMP,1.5,1,\n").utf8)
            + Array("D".utf8) + [0xFF] + Array("1,2025-01-02,870323,IMP,1.5,1,\n".utf8)
        let expected = "ids.csv, line 3, column \"id\": the declaration id is not valid UTF-8 (byte 2 is 0xFF). "
            + "Save the file as UTF-8."
        #expect(message {
            _ = try DeclarationReader.read(bytes: bytes, source: "ids.csv", schema: Self.schema,
                                           options: .init(chunkSize: chunkSize))
        } == expected)
        let skipped = try DeclarationReader.read(bytes: bytes, source: "ids.csv", schema: Self.schema,
                                                 options: .init(badRowPolicy: .skip, chunkSize: chunkSize))
        #expect(skipped.table.ids == ["D\u{FFFD}1"])
        #expect(skipped.rejected.map(\.line) == [3])
    }

    @Test func theFirstInvalidUTF8ByteIsFound() {
        let cases: [([UInt8], Int)] = [([], 0), (Array("abc".utf8), 3), ([0x61, 0xFF], 1), ([0xC3, 0xA9, 0xC3], 2),
                                       ([0xE2, 0x82], 0), ([0xF0, 0x9F, 0x98, 0x80, 0x80], 4)]
        for (bytes, offset) in cases {
            #expect(bytes.withUnsafeBufferPointer { ValueParsers.firstInvalidUTF8Offset($0) } == offset, "\(bytes)")
        }
    }
}

import Foundation
@testable import RiskDeclarations
import Testing

@Suite("DeclarationSplitter")
struct DeclarationSplitterTests {
    func withDirectory(_ body: (URL) throws -> Void) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("split-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try body(directory)
    }

    func lines(_ url: URL) throws -> [Substring] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
    }

    @Test(arguments: [0.25, 0.1])
    func latestDatesGoToTest(fraction: Double) throws {
        try withDirectory { directory in
            let data = directory.appendingPathComponent("all.csv")
            try SyntheticDeclarations(rowCount: 2_000, seed: 8).write(to: data)
            let train = directory.appendingPathComponent("train.csv")
            let test = directory.appendingPathComponent("test.csv")
            let summary = try DeclarationSplitter.split(data: data, schema: SyntheticDeclarations.schema,
                                                        testFraction: fraction, train: train, test: test)
            let testCount = Int((2_000 * fraction).rounded())
            #expect(summary.splitByDate && summary.testRowCount == testCount)
            #expect(summary.trainRowCount == 2_000 - testCount)
            let schema = SyntheticDeclarations.schema
            let trainTable = try DeclarationReader.read(contentsOf: train, schema: schema).table
            let testTable = try DeclarationReader.read(contentsOf: test, schema: schema).table
            #expect(trainTable.rowCount + testTable.rowCount == 2_000)
            #expect(trainTable.dates!.map { $0! }.max()! <= testTable.dates!.map { $0! }.min()!)
            // Byte for byte: header in both, every row exactly once, file order kept.
            let original = try lines(data), trainLines = try lines(train), testLines = try lines(test)
            #expect(trainLines[0] == original[0] && testLines[0] == original[0])
            #expect(Array(trainLines.dropFirst()) + Array(testLines.dropFirst()) == Array(original.dropFirst()))
        }
    }

    @Test func randomSplitWithoutDateIsSeeded() throws {
        try withDirectory { directory in
            let data = directory.appendingPathComponent("all.csv")
            try SyntheticDeclarations(rowCount: 400, seed: 2).write(to: data)
            var schema = SyntheticDeclarations.schema
            schema.date = nil
            func split(_ seed: UInt64, _ name: String) throws -> [Substring] {
                let train = directory.appendingPathComponent("\(name)-train.csv")
                let test = directory.appendingPathComponent("\(name)-test.csv")
                let summary = try DeclarationSplitter.split(data: data, schema: schema, testFraction: 0.25, seed: seed,
                                                            train: train, test: test)
                #expect(!summary.splitByDate && summary.testRowCount == 100)
                return try lines(test)
            }
            let a = try split(5, "a"), b = try split(5, "b"), c = try split(6, "c")
            #expect(a == b)
            #expect(a != c)
            #expect(Set(a.dropFirst()).count == 100)
        }
    }

    @Test func refusesToOverwrite() throws {
        try withDirectory { directory in
            let data = directory.appendingPathComponent("all.csv")
            try SyntheticDeclarations(rowCount: 50, seed: 2).write(to: data)
            let other = directory.appendingPathComponent("other.csv")
            let schema = SyntheticDeclarations.schema
            #expect(message {
                _ = try DeclarationSplitter.split(data: data, schema: schema, testFraction: 0.25, train: data,
                                                  test: other, overwrite: true)
            } == "\(data.path) is the input file; refusing to write over it. Choose another output name.")
            try Data("x".utf8).write(to: other)
            #expect(message {
                _ = try DeclarationSplitter.split(data: data, schema: schema, testFraction: 0.25,
                                                  train: directory.appendingPathComponent("t.csv"), test: other)
            } == "\(other.path) already exists; refusing to overwrite it. Choose another output path or pass --force.")
            #expect(message {
                _ = try DeclarationSplitter.split(data: data, schema: schema, testFraction: 1.5, train: other,
                                                  test: other)
            } == "test fraction 1.5 is outside (0, 1). Use e.g. 0.25 for a quarter.")
        }
    }
}

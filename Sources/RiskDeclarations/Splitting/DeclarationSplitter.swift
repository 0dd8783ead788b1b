import Foundation
import RiskData

/// Splits a declaration CSV into a training file and a test file, copying rows byte for byte.
///
/// With a date column, the latest `testFraction` of rows by date form the test file (ties broken
/// by file order), which is how a model meets the future in production. Without one, a seeded
/// random choice. Both outputs keep the input's header and row order.
public enum DeclarationSplitter {
    /// What a split did.
    public struct Summary: Sendable, Hashable {
        public var trainRowCount: Int
        public var testRowCount: Int
        /// `true` when rows were split by date, `false` when at random.
        public var splitByDate: Bool
        /// The earliest date (days since 1970-01-01) in the test file, when split by date.
        public var firstTestDay: Int32?
    }

    /// Splits `data` into `train` and `test`.
    ///
    /// - Parameters:
    ///   - data: The input CSV.
    ///   - schema: Its schema (the date column decides the split; every row is validated).
    ///   - testFraction: Share of rows for the test file, in `(0, 1)`.
    ///   - seed: Seed of the random split (used only without a date column).
    ///   - train: Output for the training rows.
    ///   - test: Output for the test rows.
    ///   - overwrite: Replace existing output files (never the input).
    /// - Throws: `DeclarationError` with `.invalidParameter` (fraction, an output equal to the input
    ///   or to the other output, an existing output without `overwrite`), or any reading error.
    /// - Complexity: O(file size) time; O(rows) memory beyond the typed columns.
    public static func split(data: URL, schema: DeclarationSchema, testFraction: Double, seed: UInt64 = 42,
                             train: URL, test: URL, overwrite: Bool = false) throws -> Summary {
        guard testFraction > 0 && testFraction < 1 else {
            throw DeclarationError(.invalidParameter,
                                   "test fraction \(testFraction) is outside (0, 1). Use e.g. 0.25 for a quarter.")
        }
        let input = data.standardizedFileURL.resolvingSymlinksInPath().path
        for output in [train, test] {
            let path = output.standardizedFileURL.resolvingSymlinksInPath().path
            if path == input {
                throw DeclarationError(.invalidParameter,
                                       "\(output.path) is the input file; refusing to write over it. "
                                           + "Choose another output name.", file: output.lastPathComponent)
            }
            if !overwrite && FileManager.default.fileExists(atPath: path) {
                throw DeclarationError(.invalidParameter,
                                       "\(output.path) already exists. Choose another name, or pass --force to "
                                           + "replace it.", file: output.lastPathComponent)
            }
        }
        if train.standardizedFileURL.path == test.standardizedFileURL.path {
            throw DeclarationError(.invalidParameter,
                                   "the training and test outputs are the same file (\(train.path)). "
                                       + "Give them different names.")
        }

        // Pass 1: validate every row and learn the dates.
        let table = try DeclarationReader.read(contentsOf: data, schema: schema,
                                               options: .init(requireLabel: false)).table
        let rowCount = table.rowCount
        let testCount = min(rowCount, max(0, Int((Double(rowCount) * testFraction).rounded())))
        var isTest = [Bool](repeating: false, count: rowCount)
        var firstTestDay: Int32?
        if let dates = table.dates {
            let order = (0..<rowCount).sorted {
                let a = dates[$0] ?? Int32.min, b = dates[$1] ?? Int32.min
                return a != b ? a < b : $0 < $1
            }
            for row in order.suffix(testCount) { isTest[row] = true }
            firstTestDay = order.suffix(testCount).first.flatMap { dates[$0] }
        } else {
            var generator = SeededGenerator(seed: seed)
            var indices = Array(0..<rowCount)
            for k in stride(from: rowCount - 1, to: 0, by: -1) {
                indices.swapAt(k, generator.nextInt(below: k + 1))
            }
            for row in indices.prefix(testCount) { isTest[row] = true }
        }

        // Pass 2: copy raw records.
        let scanner = try CSVScanner(path: data.path, sourceName: data.lastPathComponent)
        var trainWriter = try ChunkedFileWriter(url: train)
        var testWriter = try ChunkedFileWriter(url: test)
        guard try scanner.nextRecord() else { return Summary(trainRowCount: 0, testRowCount: 0, splitByDate: false) }
        try trainWriter.writeRecord(scanner.rawRecord)
        try testWriter.writeRecord(scanner.rawRecord)
        var row = 0
        while try scanner.nextRecord() {
            precondition(row < rowCount, "the file changed while it was being split")
            if isTest[row] {
                try testWriter.writeRecord(scanner.rawRecord)
            } else {
                try trainWriter.writeRecord(scanner.rawRecord)
            }
            row += 1
        }
        try trainWriter.close()
        try testWriter.close()
        return Summary(trainRowCount: rowCount - testCount, testRowCount: testCount,
                       splitByDate: table.dates != nil, firstTestDay: firstTestDay)
    }
}

/// Buffers bytes and writes them to a file in 1 MiB chunks.
package struct ChunkedFileWriter {
    private let descriptor: Int32
    private let url: URL
    private var buffer = ByteWriter(capacity: (1 << 20) + 4_096)
    private var closed = false

    package init(url: URL) throws {
        self.url = url
        descriptor = open(url.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else {
            throw DeclarationError(.fileSystem, "\(url.path): cannot create the file (\(String(cString: strerror(errno)))). "
                                       + "Check that the folder exists and is writable.", file: url.lastPathComponent)
        }
    }

    /// Appends a record, adding a line feed when it lacks a line break (last line of a file).
    package mutating func writeRecord(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        buffer.append(bytes)
        if let last = bytes.last, last != 0x0A && last != 0x0D { buffer.newline() }
        if buffer.count >= 1 << 20 { try flush() }
    }

    package mutating func write(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        buffer.append(bytes)
        if buffer.count >= 1 << 20 { try flush() }
    }

    private mutating func flush() throws {
        try buffer.bytes.withUnsafeBufferPointer { chunk in
            var offset = 0
            while offset < chunk.count {
                let written = Foundation.write(descriptor, chunk.baseAddress! + offset, chunk.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw DeclarationError(.fileSystem, "\(url.path): cannot write (\(String(cString: strerror(errno)))).",
                                           file: url.lastPathComponent)
                }
                offset += written
            }
        }
        buffer.removeAll()
    }

    /// Writes what is buffered and closes the file.
    package mutating func close() throws {
        guard !closed else { return }
        try flush()
        closed = true
        _ = Foundation.close(descriptor)
    }
}

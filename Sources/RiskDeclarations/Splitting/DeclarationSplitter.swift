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
    ///   or to the other output), `.fileSystem` (the input changed between the two passes, a write
    ///   failed); `RiskDataError` `.fileExists` (an existing output without `overwrite`) or
    ///   `.notRegularFile` (an output that is a link, FIFO or device); any reading error. Each output
    ///   is written to a temporary file and renamed into place at the end, so on any error the old
    ///   outputs are left as they were.
    /// - Complexity: O(file size) time; O(rows) memory beyond the typed columns.
    public static func split(data: URL, schema: DeclarationSchema, testFraction: Double, seed: UInt64 = 42,
                             train: URL, test: URL, overwrite: Bool = false) throws -> Summary {
        try split(data: data, schema: schema, testFraction: testFraction, seed: seed, train: train, test: test,
                  overwrite: overwrite, betweenPasses: {})
    }

    /// `split`, calling `betweenPasses` after the first pass (tests change the file there).
    static func split(data: URL, schema: DeclarationSchema, testFraction: Double, seed: UInt64, train: URL,
                      test: URL, overwrite: Bool, betweenPasses: () throws -> Void) throws -> Summary {
        guard testFraction > 0 && testFraction < 1 else {
            throw DeclarationError(.invalidParameter,
                                   "test fraction \(testFraction) is outside (0, 1). Use e.g. 0.25 for a quarter.")
        }
        for output in [train, test] where AtomicFile.sameFile(output, data) {
            throw DeclarationError(.invalidParameter,
                                   "\(output.path) is the input file; refusing to write over it. "
                                       + "Choose another output name.", file: output.lastPathComponent)
        }
        if AtomicFile.sameFile(train, test) {
            throw DeclarationError(.invalidParameter,
                                   "the training and test outputs are the same file (\(train.path)). "
                                       + "Give them different names.")
        }
        // Both outputs are checked and staged before any row is read; they replace the old files
        // only when every row has been copied.
        let trainWriter = try ChunkedFileWriter(url: train, overwrite: overwrite)
        let testWriter = try ChunkedFileWriter(url: test, overwrite: overwrite)
        let before = try FileSnapshot(data)

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

        try betweenPasses()

        // Pass 2: copy raw records. The file must be the one pass 1 read: a row more or less, or a
        // changed size or modification time, is an error (never a crash or a silently wrong split).
        let scanner = try CSVScanner(path: data.path, sourceName: data.lastPathComponent)
        let changed = DeclarationError(.fileSystem,
                                       "\(data.lastPathComponent) changed while it was being split. Split a file "
                                           + "that is not being written; the outputs were not written.",
                                       file: data.lastPathComponent)
        guard try scanner.nextRecord() else { throw changed }
        try trainWriter.writeRecord(scanner.rawRecord)
        try testWriter.writeRecord(scanner.rawRecord)
        var row = 0
        while try scanner.nextRecord() {
            guard row < rowCount else { throw changed }
            if isTest[row] {
                try testWriter.writeRecord(scanner.rawRecord)
            } else {
                try trainWriter.writeRecord(scanner.rawRecord)
            }
            row += 1
        }
        guard row == rowCount, try FileSnapshot(data) == before else { throw changed }
        try trainWriter.commit()
        try testWriter.commit()
        return Summary(trainRowCount: rowCount - testCount, testRowCount: testCount,
                       splitByDate: table.dates != nil, firstTestDay: firstTestDay)
    }
}

/// Buffers bytes and writes them in 1 MiB chunks to a temporary file that replaces the
/// destination only on `commit()` (a `StagedFile`): a kill, a full disk or an error leaves the old
/// file as it was and no half-written one.
package final class ChunkedFileWriter {
    private let file: StagedFile
    private var buffer = ByteWriter(capacity: (1 << 20) + 4_096)

    /// Checks the destination and creates the temporary file.
    ///
    /// - Throws: `RiskDataError` `.fileExists` (without `overwrite`), `.notRegularFile` or `.io`.
    package init(url: URL, overwrite: Bool) throws {
        file = try StagedFile(destination: url, overwrite: overwrite)
    }

    /// Appends a record, adding a line feed when it lacks a line break (last line of a file).
    package func writeRecord(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        buffer.append(bytes)
        if let last = bytes.last, last != 0x0A && last != 0x0D { buffer.newline() }
        if buffer.count >= 1 << 20 { try flush() }
    }

    package func write(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        buffer.append(bytes)
        if buffer.count >= 1 << 20 { try flush() }
    }

    private func flush() throws {
        let url = file.destination
        try buffer.bytes.withUnsafeBufferPointer { chunk in
            var offset = 0
            while offset < chunk.count {
                let written = Foundation.write(file.descriptor, chunk.baseAddress! + offset, chunk.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw DeclarationError(.fileSystem, "\(url.path): cannot write (\(String(cString: strerror(errno)))). "
                                               + "Check the free space; the previous file, if any, is unchanged.",
                                           file: url.lastPathComponent)
                }
                offset += written
            }
        }
        buffer.removeAll()
    }

    /// Writes what is buffered and moves the file into place.
    package func commit() throws {
        try flush()
        try file.commit()
    }

    /// Removes the temporary file; the destination is left as it was.
    package func discard() {
        file.discard()
    }
}

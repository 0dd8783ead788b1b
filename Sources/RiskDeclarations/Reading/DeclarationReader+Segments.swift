import Foundation
import RiskData
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

extension DeclarationReader {
    /// Reads a CSV file as consecutive segments of whole records, in parallel, and hands each
    /// segment's rows to `transform` on the thread that read them; returns the results in file order.
    ///
    /// Every segment is read by the rules of `read(contentsOf:schema:options:)`, with the file's
    /// line numbers, so the rows, values, rejected rows and messages are exactly those of one
    /// sequential read split at record boundaries (`DeclarationSegmentTests` checks this on files
    /// with quoted line breaks, CR/LF mixes, bad rows and a byte-order mark).
    ///
    /// How the file is cut: each segment ends after the first line feed at or beyond
    /// `segmentByteCount` bytes. A line feed can sit inside a quoted field; every segment's reader
    /// therefore reports where it ended, and unless each segment ended cleanly on the line the next
    /// one started on, the whole file is cut again at the record boundaries a sequential scan finds
    /// and read once more (`transform` then runs again for every segment: it must be a pure
    /// function of its input).
    ///
    /// Use it to process a large file with bounded memory per thread (parse → score → format, one
    /// segment at a time), as `riskctl score` does.
    ///
    /// - Parameters:
    ///   - url: A CSV file with a header row (UTF-8, optional BOM).
    ///   - schema: Gives each column its role.
    ///   - options: Bad-row policy, label requirement and limits (as for `read`).
    ///   - segmentByteCount: Largest approximate bytes per segment (default 2 MiB; at least 1); smaller
    ///     files are cut into about 8 segments per thread (of at least 64 KiB) so threads share the work.
    ///   - threadCount: Threads reading and transforming segments.
    ///   - transform: Called once per segment (concurrently for different segments) with the
    ///     segment's rows and rejected rows; must be safe to call concurrently.
    /// - Returns: One result per segment, in file order; empty for a file with a header and no rows.
    /// - Throws: The errors of `read(contentsOf:schema:options:)` — under `.fail` the first bad row
    ///   in file order — and, after them, the first error `transform` throws in file order;
    ///   `.fileSystem` when the file changed (grew, shrank, was rewritten) while it was read, before
    ///   any other error; `.limitExceeded` for a pipe or device longer than
    ///   `options.maximumInMemoryInputSize`.
    /// - Complexity: O(file size / threads) time. Memory: one segment per thread and its results for a
    ///   regular file, which is read with `pread` and never mapped (a file truncated meanwhile is an
    ///   error, not SIGBUS); a pipe or device is read into memory whole first.
    public static func mapSegments<Result>(
        contentsOf url: URL, schema: DeclarationSchema, options: DeclarationReadOptions = .init(),
        segmentByteCount: Int = 1 << 21, threadCount: Int = ParallelLoop.processorCount,
        _ transform: (DeclarationReadResult) throws -> Result
    ) throws -> [Result] {
        let input = try SegmentInput(url, sourceName: url.lastPathComponent,
                                     maximumInMemoryByteCount: options.maximumInMemoryInputSize)
        let results: [Result]
        do {
            results = try mapSegments(input: input, schema: schema, options: options,
                                      segmentByteCount: segmentByteCount, threadCount: threadCount, transform)
        } catch {
            // A file that changed under the readers can fail in any way (a short record, a row cut
            // in two): that it changed is the error to report.
            try input.checkUnchanged()
            throw error
        }
        try input.checkUnchanged()
        return results
    }

    /// `mapSegments(contentsOf:…)` over an opened input.
    static func mapSegments<Result>(
        input: SegmentInput, schema: DeclarationSchema, options: DeclarationReadOptions,
        segmentByteCount: Int, threadCount: Int, _ transform: (DeclarationReadResult) throws -> Result
    ) throws -> [Result] {
        try schema.validate(source: "schema")
        let source = input.sourceName
        let byteCount = input.byteCount
        func scanner(from start: Int) -> CSVScanner {
            CSVScanner(input: input, range: start..<byteCount, sourceName: source, chunkSize: options.chunkSize,
                       maximumFieldLength: options.maximumFieldLength,
                       maximumColumnCount: options.maximumColumnCount)
        }
        let headerScanner = scanner(from: 0)
        let header = try readHeader(headerScanner)
        let index = try headerIndices(header: header, schema: schema, requireLabel: options.requireLabel,
                                      source: source)
        let bodyStart = headerScanner.consumedByteCount
        guard bodyStart < byteCount else { return [] }
        // At least 8 segments per thread when the file allows it (≥ 64 KiB each): with fewer, a file
        // of a few segments leaves threads idle while one finishes a large last segment (20k
        // declarations explained at ≈ 0.6 ms each ran 1.7× longer on 2 threads in 2 segments).
        let threads = max(1, threadCount)
        let balanced = max(1 << 16, (byteCount - bodyStart) / (8 * threads))
        let target = max(1, min(segmentByteCount, balanced))

        // Guessed cuts: after the first line feed at or past every `target` bytes.
        var cuts = [bodyStart]
        var position = bodyStart + target
        while position < byteCount {
            guard let lineFeed = try input.firstLineFeed(from: position - 1) else { break }
            let cut = lineFeed + 1
            if cut >= byteCount { break }
            cuts.append(cut)
            position = cut + target
        }
        cuts.append(byteCount)
        let guessedLines = try firstLines(of: cuts, in: input, bodyLine: headerScanner.nextRecordLine,
                                          threadCount: threadCount)
        let guessed = try readSegments(input, cuts: cuts, firstLines: guessedLines, schema: schema,
                                       index: index, headerCount: header.count, options: options,
                                       threadCount: threadCount, transform)
        if let results = try guessed.verified() { return results }

        // A cut fell inside a quoted field (or the scanner counts lines differently there): cut at
        // the record boundaries a sequential scan finds, which are exact by construction.
        var exactCuts = [bodyStart], exactLines = [headerScanner.nextRecordLine]
        let sequential = scanner(from: 0)
        _ = try? sequential.nextRecord()  // the header
        scan: while true {
            do {
                guard try sequential.nextRecord() else { break }
            } catch let error as DeclarationError where error.code == .malformedRow && error.line != nil {
                // Consumed like a record; reading goes on after it.
            } catch {
                break scan  // a limit: the rest is one segment, whose reader throws the same error
            }
            if sequential.consumedByteCount - exactCuts.last! >= target, sequential.consumedByteCount < byteCount {
                exactCuts.append(sequential.consumedByteCount)
                exactLines.append(sequential.nextRecordLine)
            }
        }
        exactCuts.append(byteCount)
        let exact = try readSegments(input, cuts: exactCuts, firstLines: exactLines, schema: schema,
                                     index: index, headerCount: header.count, options: options,
                                     threadCount: threadCount, transform)
        return try exact.unwrapped()
    }

    /// What reading every segment gave: per segment a result or an error, and where its reader ended.
    struct SegmentOutcomes<Result> {
        var results: [Result?]
        var errors: [(any Error)?]
        var endedInUnclosedQuote: [Bool]
        var endLines: [Int]
        var firstLines: [Int]

        /// The results, or the first error in file order; `nil` when a cut was not a record boundary.
        func verified() throws -> [Result]? {
            for k in results.indices {
                let last = k == results.count - 1
                if !last && endedInUnclosedQuote[k] { return nil }
                if let error = errors[k] { throw error }
                if !last && endLines[k] != firstLines[k + 1] { return nil }
            }
            return results.map { $0! }
        }

        /// The results, or the first error in file order (cuts known to be record boundaries).
        func unwrapped() throws -> [Result] {
            for error in errors { if let error { throw error } }
            return results.map { $0! }
        }
    }

    /// Reads and transforms every segment `cuts[k]..<cuts[k + 1]` in parallel.
    static func readSegments<Result>(
        _ input: SegmentInput, cuts: [Int], firstLines: [Int], schema: DeclarationSchema,
        index: [String: Int], headerCount: Int, options: DeclarationReadOptions, threadCount: Int,
        _ transform: (DeclarationReadResult) throws -> Result
    ) throws -> SegmentOutcomes<Result> {
        let count = cuts.count - 1
        var outcomes = SegmentOutcomes<Result>(results: Array(repeating: nil, count: count),
                                               errors: Array(repeating: nil, count: count),
                                               endedInUnclosedQuote: Array(repeating: false, count: count),
                                               endLines: Array(repeating: 0, count: count), firstLines: firstLines)
        outcomes.results.withUnsafeMutableBufferPointer { results in
            outcomes.errors.withUnsafeMutableBufferPointer { errors in
                outcomes.endedInUnclosedQuote.withUnsafeMutableBufferPointer { unclosed in
                    outcomes.endLines.withUnsafeMutableBufferPointer { endLines in
                        // Segments are handed out one at a time (a shared counter), so a thread slowed
                        // down by other work on the machine does not leave the others idle at the end.
                        let next = Atomic<Int>(0)
                        let threads = max(1, min(threadCount, count))
                        ParallelLoop.forEachChunk(count: threads, threadCount: threads) { _, _ in
                            while true {
                                let k = next.wrappingAdd(1, ordering: .relaxed).oldValue
                                if k >= count { break }
                                let scanner = CSVScanner(input: input, segment: cuts[k]..<cuts[k + 1],
                                                         firstLine: firstLines[k], sourceName: input.sourceName,
                                                         chunkSize: options.chunkSize,
                                                         maximumFieldLength: options.maximumFieldLength,
                                                         maximumColumnCount: options.maximumColumnCount)
                                do {
                                    let read = try readRows(scanner: scanner, schema: schema, index: index,
                                                            headerCount: headerCount, options: options)
                                    endLines[k] = scanner.nextRecordLine
                                    unclosed[k] = scanner.endedInUnclosedQuote
                                    results[k] = try transform(read)
                                } catch {
                                    unclosed[k] = scanner.endedInUnclosedQuote
                                    errors[k] = error
                                }
                            }
                        }
                    }
                }
            }
        }
        return outcomes
    }

    /// The line each segment starts on, counting line breaks as the scanner does (LF, CR LF, lone CR).
    static func firstLines(of cuts: [Int], in input: SegmentInput, bodyLine: Int, threadCount: Int) throws -> [Int] {
        let count = cuts.count - 1
        var breaks = [Int](repeating: 0, count: count)
        var failure: (any Error)?
        let failureLock = Mutex<Void>(())
        breaks.withUnsafeMutableBufferPointer { breaks in
            ParallelLoop.forEachChunk(count: count, threadCount: threadCount) { _, segments in
                // One chunk at a time, plus the byte after it: a CR at a chunk's end is a line break
                // only when no LF follows.
                let chunk = 1 << 20
                let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: chunk + 1)
                defer { buffer.deallocate() }
                do {
                    for k in segments {
                        var n = 0
                        var start = cuts[k]
                        let end = cuts[k + 1]
                        while start < end {
                            let length = min(chunk, end - start)
                            let readable = min(length + 1, input.byteCount - start)
                            try input.read(into: buffer, count: readable, at: start)
                            for i in 0..<length {
                                let c = buffer[i]
                                if c == 0x0A || (c == 0x0D && !(i + 1 < readable && buffer[i + 1] == 0x0A)) { n += 1 }
                            }
                            start += length
                        }
                        breaks[k] = n
                    }
                } catch {
                    failureLock.withLock { _ in failure = failure ?? error }
                }
            }
        }
        if let failure { throw failure }
        var lines = [Int](repeating: bodyLine, count: count)
        for k in 1..<max(1, count) { lines[k] = lines[k - 1] + breaks[k - 1] }
        return lines
    }

}

/// The bytes of a declaration file for `mapSegments`.
///
/// A regular file is read where each reader needs it with `pread` (safe from any thread). Nothing
/// is memory-mapped: a mapped file that another process truncates kills the reader with SIGBUS,
/// whereas a short `pread` is an error naming the file. The file's identity, size and modification
/// time are taken when it is opened; `checkUnchanged()` compares them at the end, so a file that
/// grew, shrank or was rewritten while it was read gives an error rather than a silently mixed read.
///
/// A pipe, FIFO or device cannot be read at offsets: it is read into memory once, at most
/// `maximumInMemoryByteCount` bytes (beyond that, `.limitExceeded`: save the data to a file).
final class SegmentInput: @unchecked Sendable {
    let sourceName: String
    let byteCount: Int
    /// The open regular file (`-1` when the bytes are in `memory`).
    private let descriptor: Int32
    private let memory: UnsafeMutableRawBufferPointer?
    private let opened: FileSnapshot?

    /// Opens `url`.
    ///
    /// - Throws: `DeclarationError` `.fileSystem` (cannot open or read), `.limitExceeded` (a pipe or
    ///   device with more than `maximumInMemoryByteCount` bytes).
    init(_ url: URL, sourceName: String, maximumInMemoryByteCount: Int) throws {
        self.sourceName = sourceName
        let descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            throw DeclarationError(.fileSystem, "\(url.path): cannot open the file (\(reason)). Check the path.",
                                   file: sourceName)
        }
        var status = stat()
        if fstat(descriptor, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG {
            self.descriptor = descriptor
            byteCount = Int(status.st_size)
            opened = FileSnapshot(status)
            memory = nil
            _ = posix_fadvise(descriptor, 0, 0, POSIX_FADV_SEQUENTIAL)
            return
        }
        defer { close(descriptor) }
        let limit = max(0, maximumInMemoryByteCount)
        var capacity = min(1 << 16, limit + 1), used = 0
        var storage = UnsafeMutableRawPointer.allocate(byteCount: max(1, capacity), alignment: 16)
        while true {
            if used == capacity {
                guard used <= limit else {
                    storage.deallocate()
                    throw DeclarationError(.limitExceeded,
                                           "\(sourceName): a pipe or device gave more than \(limit) bytes (the "
                                               + "maximum in-memory input size). Save the declarations to a file and "
                                               + "pass its path.", file: sourceName)
                }
                let grownCapacity = min(capacity * 2, limit + 1)
                let grown = UnsafeMutableRawPointer.allocate(byteCount: grownCapacity, alignment: 16)
                grown.copyMemory(from: storage, byteCount: used)
                storage.deallocate()
                storage = grown
                capacity = grownCapacity
            }
            let count = Glibc.read(descriptor, storage + used, capacity - used)
            if count < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                storage.deallocate()
                throw DeclarationError(.fileSystem, "\(sourceName): cannot read the file (\(reason)).",
                                       file: sourceName)
            }
            if count == 0 { break }
            used += count
        }
        self.descriptor = -1
        byteCount = used
        opened = nil
        memory = UnsafeMutableRawBufferPointer(start: storage, count: used)
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
        memory?.deallocate()
    }

    /// Copies bytes `offset..<offset + count` (within `byteCount`) into `destination`.
    ///
    /// - Throws: `DeclarationError(.fileSystem)` when the file is shorter than when it was opened
    ///   (it was truncated) or cannot be read.
    func read(into destination: UnsafeMutableRawPointer, count: Int, at offset: Int) throws {
        precondition(offset >= 0 && count >= 0 && offset + count <= byteCount, "read outside the input")
        if let memory {
            destination.copyMemory(from: memory.baseAddress! + offset, byteCount: count)
            return
        }
        var done = 0
        while done < count {
            let got = pread(descriptor, destination + done, count - done, off_t(offset + done))
            if got < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                throw DeclarationError(.fileSystem, "\(sourceName): cannot read the file (\(reason)).",
                                       file: sourceName)
            }
            if got == 0 { throw changed() }
            done += got
        }
    }

    /// The index of the first line feed at or after `offset`, or `nil`.
    func firstLineFeed(from offset: Int) throws -> Int? {
        var start = offset
        let window = 1 << 16
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: window, alignment: 16)
        defer { buffer.deallocate() }
        while start < byteCount {
            let count = min(window, byteCount - start)
            try read(into: buffer, count: count, at: start)
            if let found = memchr(buffer, 0x0A, count) { return start + (found - buffer) }
            start += count
        }
        return nil
    }

    /// Throws when the file is not the one opened: another size, modification time or identity.
    ///
    /// - Throws: `DeclarationError(.fileSystem)` naming the file.
    func checkUnchanged() throws {
        guard let opened else { return }
        var status = stat()
        guard fstat(descriptor, &status) == 0, FileSnapshot(status) == opened else { throw changed() }
    }

    private func changed() -> DeclarationError {
        var status = stat()
        let now = fstat(descriptor, &status) == 0 ? ", \(status.st_size) now" : ""
        return DeclarationError(.fileSystem,
                                "\(sourceName) changed while it was being read (\(byteCount) bytes when it was "
                                    + "opened\(now)). Read a file that nothing is writing to, such as a copy.",
                                file: sourceName)
    }
}

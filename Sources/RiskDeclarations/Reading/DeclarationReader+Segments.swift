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
    ///   in file order — and, after them, the first error `transform` throws in file order.
    /// - Complexity: O(file size / threads) time; the file's bytes plus one segment per thread in memory.
    public static func mapSegments<Result>(
        contentsOf url: URL, schema: DeclarationSchema, options: DeclarationReadOptions = .init(),
        segmentByteCount: Int = 1 << 21, threadCount: Int = ParallelLoop.processorCount,
        _ transform: (DeclarationReadResult) throws -> Result
    ) throws -> [Result] {
        let source = url.lastPathComponent
        let contents = try FileContents(url, sourceName: source)
        return try withExtendedLifetime(contents) {
            try mapSegments(bytes: contents.bytes, source: source, schema: schema, options: options,
                            segmentByteCount: segmentByteCount, threadCount: threadCount, transform)
        }
    }

    /// `mapSegments(contentsOf:…)` over bytes that stay alive and unchanged during the call.
    static func mapSegments<Result>(
        bytes: UnsafeBufferPointer<UInt8>, source: String, schema: DeclarationSchema, options: DeclarationReadOptions,
        segmentByteCount: Int, threadCount: Int, _ transform: (DeclarationReadResult) throws -> Result
    ) throws -> [Result] {
        try schema.validate(source: "schema")
        let headerScanner = CSVScanner(view: UnsafeRawBufferPointer(bytes), sourceName: source, chunkSize: options.chunkSize,
                                       maximumFieldLength: options.maximumFieldLength,
                                       maximumColumnCount: options.maximumColumnCount)
        let header = try readHeader(headerScanner)
        let index = try headerIndices(header: header, schema: schema, requireLabel: options.requireLabel,
                                      source: source)
        let bodyStart = headerScanner.consumedByteCount
        guard bodyStart < bytes.count else { return [] }
        // At least 8 segments per thread when the file allows it (≥ 64 KiB each): with fewer, a file
        // of a few segments leaves threads idle while one finishes a large last segment (20k
        // declarations explained at ≈ 0.6 ms each ran 1.7× longer on 2 threads in 2 segments).
        let threads = max(1, threadCount)
        let balanced = max(1 << 16, (bytes.count - bodyStart) / (8 * threads))
        let target = max(1, min(segmentByteCount, balanced))

        // Guessed cuts: after the first line feed at or past every `target` bytes.
        var cuts = [bodyStart]
        do {
            let buffer = bytes
            var position = bodyStart + target
            while position < buffer.count {
                guard let found = memchr(buffer.baseAddress! + position - 1, 0x0A, buffer.count - position + 1) else {
                    break
                }
                let cut = UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - buffer.baseAddress! + 1
                if cut >= buffer.count { break }
                cuts.append(cut)
                position = cut + target
            }
        }
        cuts.append(bytes.count)
        let guessedLines = firstLines(of: cuts, in: bytes, bodyLine: headerScanner.nextRecordLine,
                                      threadCount: threadCount)
        let guessed = try readSegments(bytes, cuts: cuts, firstLines: guessedLines, source: source, schema: schema,
                                       index: index, headerCount: header.count, options: options,
                                       threadCount: threadCount, transform)
        if let results = try guessed.verified() { return results }

        // A cut fell inside a quoted field (or the scanner counts lines differently there): cut at
        // the record boundaries a sequential scan finds, which are exact by construction.
        var exactCuts = [bodyStart], exactLines = [headerScanner.nextRecordLine]
        let scanner = CSVScanner(view: UnsafeRawBufferPointer(bytes), sourceName: source, chunkSize: options.chunkSize,
                                 maximumFieldLength: options.maximumFieldLength,
                                 maximumColumnCount: options.maximumColumnCount)
        _ = try? scanner.nextRecord()  // the header
        scan: while true {
            do {
                guard try scanner.nextRecord() else { break }
            } catch let error as DeclarationError where error.code == .malformedRow && error.line != nil {
                // Consumed like a record; reading goes on after it.
            } catch {
                break scan  // a limit: the rest is one segment, whose reader throws the same error
            }
            if scanner.consumedByteCount - exactCuts.last! >= target, scanner.consumedByteCount < bytes.count {
                exactCuts.append(scanner.consumedByteCount)
                exactLines.append(scanner.nextRecordLine)
            }
        }
        exactCuts.append(bytes.count)
        let exact = try readSegments(bytes, cuts: exactCuts, firstLines: exactLines, source: source, schema: schema,
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
        _ bytes: UnsafeBufferPointer<UInt8>, cuts: [Int], firstLines: [Int], source: String, schema: DeclarationSchema,
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
                                let segment = UnsafeBufferPointer(rebasing: bytes[cuts[k]..<cuts[k + 1]])
                                let scanner = CSVScanner(segment: UnsafeRawBufferPointer(segment),
                                                         firstLine: firstLines[k], sourceName: source,
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
    static func firstLines(of cuts: [Int], in bytes: UnsafeBufferPointer<UInt8>, bodyLine: Int, threadCount: Int) -> [Int] {
        let count = cuts.count - 1
        var breaks = [Int](repeating: 0, count: count)
        do {
            let p = bytes
            breaks.withUnsafeMutableBufferPointer { breaks in
                ParallelLoop.forEachChunk(count: count, threadCount: threadCount) { _, segments in
                    for k in segments {
                        var n = 0
                        var i = cuts[k]
                        let end = cuts[k + 1]
                        while i < end {
                            let c = p[i]
                            if c == 0x0A || (c == 0x0D && !(i + 1 < p.count && p[i + 1] == 0x0A)) { n += 1 }
                            i += 1
                        }
                        breaks[k] = n
                    }
                }
            }
        }
        var lines = [Int](repeating: bodyLine, count: count)
        for k in 1..<max(1, count) { lines[k] = lines[k - 1] + breaks[k - 1] }
        return lines
    }

}

/// A file's bytes for `mapSegments`: mapped read-only when it is a regular file (no copy, and the
/// pages are the file cache's own), else read into memory (pipes, devices, or a failed map).
final class FileContents {
    let bytes: UnsafeBufferPointer<UInt8>
    private let mapped: Bool

    init(_ url: URL, sourceName: String) throws {
        let descriptor = open(url.path, O_RDONLY)
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            throw DeclarationError(.fileSystem, "\(url.path): cannot open the file (\(reason)). Check the path.",
                                   file: sourceName)
        }
        defer { close(descriptor) }
        var status = stat()
        let isRegular = fstat(descriptor, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG
        let size = isRegular ? Int(status.st_size) : 0
        if size > 0, let map = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), map != MAP_FAILED {
            _ = madvise(map, size, MADV_SEQUENTIAL)
            bytes = UnsafeBufferPointer(start: map.assumingMemoryBound(to: UInt8.self), count: size)
            mapped = true
            return
        }
        var capacity = max(size, 1 << 16), used = 0
        var storage = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        while true {
            if used == capacity {
                let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
                grown.update(from: storage, count: used)
                storage.deallocate()
                storage = grown
                capacity *= 2
            }
            let count = read(descriptor, storage + used, capacity - used)
            if count < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                storage.deallocate()
                throw DeclarationError(.fileSystem, "\(sourceName): cannot read the file (\(reason)).", file: sourceName)
            }
            if count == 0 { break }
            used += count
        }
        bytes = UnsafeBufferPointer(start: storage, count: used)
        mapped = false
    }

    deinit {
        if mapped {
            munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress!), bytes.count)
        } else {
            UnsafeMutablePointer(mutating: bytes.baseAddress!).deallocate()
        }
    }
}

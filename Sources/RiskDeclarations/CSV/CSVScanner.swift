#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A streaming, byte-level RFC 4180 record scanner.
///
/// Reads its input in chunks of `chunkSize` bytes (from a file descriptor, or from bytes in
/// memory handed over chunk by chunk so that tests exercise every chunk boundary) into one
/// reusable buffer, and yields one record at a time as field byte ranges into that buffer.
/// It never holds more than the current chunk plus the record that straddles it.
///
/// Rules: fields are separated by `,`; records end at LF, CRLF or a lone CR; a field that starts
/// with `"` is quoted and may hold commas, line breaks and `""` (one quote); a UTF-8 byte-order
/// mark at the very start is skipped; records with no bytes at all (blank lines) are skipped.
/// A quote inside an unquoted field is kept as a literal character (lenient, like most readers).
///
/// The scanner follows the structure of a classic hand-written state machine over bytes
/// (cf. the RFC 4180 grammar; `memchr` to jump to the closing quote as in many fast CSV readers).
package final class CSVScanner {
    /// Where the bytes come from.
    private enum Input {
        case file(Int32)
        case memory([UInt8])
        /// A range of a `SegmentInput` (read at offsets, so several scanners can share one file);
        /// `memoryOffset` is the next offset to read, `rangeEnd` one past the last.
        case segmentInput(SegmentInput)
    }

    package let sourceName: String
    package let chunkSize: Int
    package let maximumFieldLength: Int
    package let maximumColumnCount: Int

    private var input: Input
    private var memoryOffset = 0
    private var rangeEnd = 0
    private var inputExhausted = false
    private var ownsDescriptor = false

    @exclusivity(unchecked) private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    @exclusivity(unchecked) private var bufferStart = 0       // first byte of the next record
    @exclusivity(unchecked) private var bufferEnd = 0         // one past the last valid byte
    private var sawStart = false      // BOM handled

    /// Field ranges of the current record (buffer indices; valid until the next `nextRecord`).
    @exclusivity(unchecked) package private(set) var fieldCount = 0
    @exclusivity(unchecked) private var fieldStarts: UnsafeMutablePointer<Int>
    @exclusivity(unchecked) private var fieldEnds: UnsafeMutablePointer<Int>
    @exclusivity(unchecked) private var fieldEscaped: UnsafeMutablePointer<Bool>
    @exclusivity(unchecked) private var recordStart = 0
    @exclusivity(unchecked) private var recordEnd = 0
    /// 1-based line on which the current record starts.
    @exclusivity(unchecked) package private(set) var recordLine = 0
    /// Bytes consumed so far (records, blank lines and BOM), for size estimates.
    @exclusivity(unchecked) package private(set) var consumedByteCount = 0
    /// Size of the input in bytes, when known (files and memory).
    package private(set) var inputByteCount: Int?
    /// A regular file's identity, size and modification time when it was opened.
    private var openedFile: FileSnapshot?
    @exclusivity(unchecked) private var nextLine = 1
    /// The line the next record starts on (after the last record read, the line after the input).
    package var nextRecordLine: Int { nextLine }
    /// Whether reading ended in a quoted field that is never closed (the rest of the input was one
    /// malformed record). For a segment of a file this means the segment was cut inside a field.
    package private(set) var endedInUnclosedQuote = false

    @exclusivity(unchecked) private var scratch: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private var scratchCapacity: Int
    @exclusivity(unchecked) private var scratchUsed = 0

    private init(input: Input, sourceName: String, chunkSize: Int, maximumFieldLength: Int, maximumColumnCount: Int) {
        self.input = input
        self.sourceName = sourceName
        self.chunkSize = max(1, chunkSize)
        self.maximumFieldLength = max(1, maximumFieldLength)
        self.maximumColumnCount = max(1, maximumColumnCount)
        capacity = max(2 * self.chunkSize, 64)
        buffer = .allocate(capacity: capacity)
        fieldStarts = .allocate(capacity: self.maximumColumnCount)
        fieldEnds = .allocate(capacity: self.maximumColumnCount)
        fieldEscaped = .allocate(capacity: self.maximumColumnCount)
        scratchCapacity = 256
        scratch = .allocate(capacity: scratchCapacity)
    }

    /// A scanner over bytes in memory, delivered `chunkSize` bytes at a time.
    package convenience init(bytes: [UInt8], sourceName: String, chunkSize: Int = 1 << 20,
                             maximumFieldLength: Int = 1 << 20, maximumColumnCount: Int = 4096) {
        self.init(input: .memory(bytes), sourceName: sourceName, chunkSize: chunkSize,
                  maximumFieldLength: maximumFieldLength, maximumColumnCount: maximumColumnCount)
        inputByteCount = bytes.count
    }

    /// A scanner over bytes `range` of `input`, read `chunkSize` bytes at a time at their offsets
    /// (a byte-order mark is looked for at the range's start, as at a file's).
    convenience init(input: SegmentInput, range: Range<Int>, sourceName: String, chunkSize: Int = 1 << 20,
                     maximumFieldLength: Int = 1 << 20, maximumColumnCount: Int = 4096) {
        self.init(input: .segmentInput(input), sourceName: sourceName, chunkSize: chunkSize,
                  maximumFieldLength: maximumFieldLength, maximumColumnCount: maximumColumnCount)
        memoryOffset = range.lowerBound
        rangeEnd = range.upperBound
        inputByteCount = range.count
    }

    /// A scanner over a segment of a file that starts at a record boundary on line `firstLine`:
    /// no byte-order mark is looked for, and lines are numbered from `firstLine`.
    convenience init(input: SegmentInput, segment: Range<Int>, firstLine: Int, sourceName: String,
                     chunkSize: Int = 1 << 20, maximumFieldLength: Int = 1 << 20, maximumColumnCount: Int = 4096) {
        self.init(input: input, range: segment, sourceName: sourceName, chunkSize: chunkSize,
                  maximumFieldLength: maximumFieldLength, maximumColumnCount: maximumColumnCount)
        sawStart = true
        nextLine = firstLine
    }

    /// A scanner over a file, read with `read(2)` in chunks of `chunkSize` bytes.
    ///
    /// - Throws: `DeclarationError(.fileSystem)` when the file cannot be opened.
    package convenience init(path: String, sourceName: String, chunkSize: Int = 1 << 20,
                             maximumFieldLength: Int = 1 << 20, maximumColumnCount: Int = 4096) throws {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            throw DeclarationError(.fileSystem, "\(path): cannot open the file (\(reason)). Check the path.",
                                   file: sourceName)
        }
        self.init(input: .file(descriptor), sourceName: sourceName, chunkSize: chunkSize,
                  maximumFieldLength: maximumFieldLength, maximumColumnCount: maximumColumnCount)
        ownsDescriptor = true
        var status = stat()
        if fstat(descriptor, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG {
            inputByteCount = Int(status.st_size)
            openedFile = FileSnapshot(status)
        }
    }

    /// Throws when the regular file being read is no longer the one opened (another size or
    /// modification time): it was written to while it was read, so what was read may be a mix.
    /// Does nothing for other inputs.
    ///
    /// - Throws: `DeclarationError(.fileSystem)` naming the file.
    package func checkUnchanged() throws {
        guard let openedFile, case .file(let descriptor) = input else { return }
        var status = stat()
        guard fstat(descriptor, &status) == 0, FileSnapshot(status) == openedFile else {
            throw DeclarationError(.fileSystem,
                                   "\(sourceName) changed while it was being read (\(openedFile.size) bytes when it was "
                                       + "opened, \(status.st_size) now). Read a file that nothing is writing to, such "
                                       + "as a copy.", file: sourceName)
        }
    }

    deinit {
        if ownsDescriptor, case .file(let descriptor) = input { close(descriptor) }
        buffer.deallocate()
        fieldStarts.deallocate()
        fieldEnds.deallocate()
        fieldEscaped.deallocate()
        scratch.deallocate()
    }

    // MARK: - Reading records

    private enum ScanResult {
        case complete(end: Int, lineBreaks: Int)
        /// The record continues past the buffer; the field being read has at least
        /// `partialFieldLength` bytes and starts on `fieldLine`.
        case needMore(partialFieldLength: Int, fieldLine: Int)
        case endOfInput
        /// A record that is not well-formed CSV and ends at `end`: it is consumed (so reading can go on
        /// after it) and `error` is thrown.
        case malformed(end: Int, lineBreaks: Int, error: DeclarationError)
    }

    /// Advances to the next non-blank record.
    ///
    /// - Returns: `false` at the end of the input.
    /// - Throws: `DeclarationError` with `.malformedRow` (unterminated quote, text after a closing
    ///   quote), `.limitExceeded` (field length, column count) or `.fileSystem` (read failure).
    package func nextRecord() throws -> Bool {
        if !sawStart { try prepareStart() }
        while true {
            let result = try scan(from: bufferStart, final: inputExhausted)
            switch result {
            case .endOfInput:
                fieldCount = 0
                return false
            case .needMore(let partialFieldLength, let fieldLine):
                // The same check as at the end of a field, so the outcome does not depend on
                // where chunk boundaries fall.
                if partialFieldLength > maximumFieldLength { throw fieldTooLong(line: fieldLine) }
                try refill()
            case .malformed(let end, let lineBreaks, let error):
                recordStart = bufferStart
                recordEnd = end
                recordLine = nextLine
                nextLine += lineBreaks
                consumedByteCount += end - bufferStart
                bufferStart = end
                scratchUsed = 0
                fieldCount = 0
                throw error
            case .complete(let end, let lineBreaks):
                recordStart = bufferStart
                recordEnd = end
                recordLine = nextLine
                nextLine += lineBreaks
                consumedByteCount += end - bufferStart
                bufferStart = end
                scratchUsed = 0
                // The scratch area holds every unescaped field of the record at once (their total is at
                // most the record's length), so views handed out for one record never move.
                if scratchCapacity < end - recordStart {
                    scratch.deallocate()
                    scratchCapacity = max(end - recordStart, 2 * scratchCapacity)
                    scratch = .allocate(capacity: scratchCapacity)
                }
                // A record with zero bytes before its line break is a blank line: skip it.
                if fieldCount == 1 && fieldStarts[0] == fieldEnds[0] && !fieldEscaped[0]
                    && (end == recordStart || buffer[recordStart] == 0x0A || buffer[recordStart] == 0x0D) {
                    continue
                }
                return true
            }
        }
    }

    private func prepareStart() throws {
        sawStart = true
        while bufferEnd < 3 && !inputExhausted { try refill() }
        if bufferEnd >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF {
            bufferStart = 3
            consumedByteCount = 3
        }
    }

    /// Moves the pending bytes to the front, grows the buffer if needed, and reads one chunk.
    private func refill() throws {
        if bufferStart > 0 {
            let pending = bufferEnd - bufferStart
            if pending > 0 { memmove(buffer, buffer + bufferStart, pending) }
            bufferEnd = pending
            bufferStart = 0
        }
        if capacity - bufferEnd < chunkSize {
            let newCapacity = max(capacity * 2, bufferEnd + chunkSize)
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
            grown.update(from: buffer, count: bufferEnd)
            buffer.deallocate()
            buffer = grown
            capacity = newCapacity
        }
        switch input {
        case .memory(let bytes):
            let count = min(chunkSize, bytes.count - memoryOffset)
            if count <= 0 {
                inputExhausted = true
                return
            }
            bytes.withUnsafeBufferPointer { source in
                (buffer + bufferEnd).update(from: source.baseAddress! + memoryOffset, count: count)
            }
            memoryOffset += count
            bufferEnd += count
        case .segmentInput(let source):
            let count = min(chunkSize, rangeEnd - memoryOffset)
            if count <= 0 {
                inputExhausted = true
                return
            }
            try source.read(into: buffer + bufferEnd, count: count, at: memoryOffset)
            memoryOffset += count
            bufferEnd += count
        case .file(let descriptor):
            while true {
                let count = read(descriptor, buffer + bufferEnd, chunkSize)
                if count < 0 {
                    if errno == EINTR { continue }
                    let reason = String(cString: strerror(errno))
                    throw DeclarationError(.fileSystem, "\(sourceName): cannot read the file (\(reason)).",
                                           file: sourceName)
                }
                if count == 0 { inputExhausted = true }
                bufferEnd += count
                return
            }
        }
    }

    /// Scans one record starting at `start`. With `final`, the end of the buffer is the end of input.
    private func scan(from start: Int, final: Bool) throws -> ScanResult {
        let p = buffer
        let end = bufferEnd
        var i = start
        var lineBreaks = 0
        var count = 0
        if i == end { return final ? .endOfInput : .needMore(partialFieldLength: 0, fieldLine: nextLine) }
        while true {
            if i == end && !final { return .needMore(partialFieldLength: 0, fieldLine: nextLine + lineBreaks) }
            if count == maximumColumnCount { throw tooManyColumns() }
            var fieldStart = i
            var fieldEnd: Int
            var escaped = false
            let fieldLine = nextLine + lineBreaks
            if i < end && p[i] == 0x22 {  // quoted field
                let quoteLine = fieldLine
                let lineBreaksBeforeField = lineBreaks
                i += 1
                fieldStart = i
                /// A quoted field that holds a line break within its first `maximumFieldLength` bytes and
                /// is not closed properly (no closing quote before the end of the input, text after the
                /// closing quote, or longer than the field limit): most likely a stray quote, so the
                /// record is taken to end at the first line break after the opening quote, and reading
                /// resumes on the next line. `nil` when there is no such line break in the buffer.
                func strayQuote() -> ScanResult? {
                    // Within the field length limit, so the outcome never depends on how much is buffered.
                    let searchEnd = min(end, fieldStart + maximumFieldLength)
                    var j = fieldStart
                    while j < searchEnd && p[j] != 0x0A && p[j] != 0x0D { j += 1 }
                    if j == searchEnd { return nil }
                    if p[j] == 0x0D {
                        if j + 1 == end && !final { return nil }
                        j += (j + 1 < end && p[j + 1] == 0x0A) ? 2 : 1
                    } else {
                        j += 1
                    }
                    let recordLine = nextLine
                    let at = quoteLine == recordLine ? "" : " (on line \(quoteLine))"
                    return .malformed(end: j, lineBreaks: lineBreaksBeforeField + 1, error: DeclarationError(
                        .malformedRow,
                        "\(sourceName), line \(recordLine): field \(count + 1)\(at) opens a quote (\") that is never "
                            + "properly closed (by a quote followed by a comma or a line break), so the row is taken to "
                            + "end with that line. Add the closing quote, and write a quote inside a field as \"\".",
                        file: sourceName, line: recordLine))
                }
                /// The field is longer than the limit: a stray quote when it holds a line break, else a
                /// limit error.
                func tooLong() throws -> ScanResult {
                    if let result = strayQuote() { return result }
                    // A CR last in the buffer: whether LF follows decides where the record ends.
                    if !final && p[end - 1] == 0x0D { return .needMore(partialFieldLength: 0, fieldLine: quoteLine) }
                    throw fieldTooLong(line: quoteLine)
                }
                while true {
                    guard let q = memchr(p + i, 0x22, end - i) else {
                        if end - fieldStart > maximumFieldLength { return try tooLong() }
                        if !final { return .needMore(partialFieldLength: end - fieldStart, fieldLine: quoteLine) }
                        // No closing quote before the end of the input.
                        endedInUnclosedQuote = true
                        if let result = strayQuote() { return result }
                        return .malformed(end: end, lineBreaks: lineBreaks, error: DeclarationError(
                            .malformedRow,
                            "\(sourceName), line \(quoteLine): a quoted field that starts on line "
                                + "\(quoteLine) is never closed. Add the closing quote (\"), "
                                + "and write a quote inside a field as \"\".",
                            file: sourceName, line: quoteLine))
                    }
                    let quoteIndex = UnsafeMutablePointer<UInt8>(q.assumingMemoryBound(to: UInt8.self)) - p
                    if quoteIndex - fieldStart > maximumFieldLength { return try tooLong() }
                    lineBreaks += Self.countLineBreaks(p, from: i, to: quoteIndex)
                    if quoteIndex + 1 == end && !final {
                        return .needMore(partialFieldLength: quoteIndex - fieldStart, fieldLine: quoteLine)
                    }
                    if quoteIndex + 1 < end && p[quoteIndex + 1] == 0x22 {
                        escaped = true
                        i = quoteIndex + 2
                        continue
                    }
                    fieldEnd = quoteIndex
                    i = quoteIndex + 1
                    break
                }
                if i < end {
                    let c = p[i]
                    if c != 0x2C && c != 0x0A && c != 0x0D {
                        if lineBreaks > lineBreaksBeforeField { return strayQuote()! }
                        // Skip the rest of the record, up to its line break, so that reading can go on
                        // after it. The skipped run counts against the field length limit, at every
                        // chunk size alike.
                        let errorLine = nextLine + lineBreaks
                        var j = i
                        while j < end && p[j] != 0x0A && p[j] != 0x0D { j += 1 }
                        if j - fieldStart > maximumFieldLength { throw fieldTooLong(line: fieldLine) }
                        if (j == end || (p[j] == 0x0D && j + 1 == end)) && !final {
                            return .needMore(partialFieldLength: j - fieldStart, fieldLine: fieldLine)
                        }
                        var breaks = lineBreaks
                        if j < end {
                            j += (p[j] == 0x0D && j + 1 < end && p[j + 1] == 0x0A) ? 2 : 1
                            breaks += 1
                        }
                        return .malformed(end: j, lineBreaks: breaks, error: DeclarationError(
                            .malformedRow,
                            "\(sourceName), line \(errorLine): field \(count + 1) has text after its closing "
                                + "quote. Quote the whole field and write a quote inside it as \"\".",
                            file: sourceName, line: errorLine))
                    }
                }
            } else {
                while i < end {
                    let c = p[i]
                    if c == 0x2C || c == 0x0A || c == 0x0D { break }
                    i += 1
                }
                fieldEnd = i
            }
            if fieldEnd - fieldStart > maximumFieldLength { throw fieldTooLong(line: fieldLine) }
            fieldStarts[count] = fieldStart
            fieldEnds[count] = fieldEnd
            fieldEscaped[count] = escaped
            count += 1
            if i == end {
                if !final { return .needMore(partialFieldLength: fieldEnd - fieldStart, fieldLine: fieldLine) }
                fieldCount = count
                return .complete(end: i, lineBreaks: lineBreaks)
            }
            let c = p[i]
            if c == 0x2C {
                i += 1
                if i == end && final {
                    // A trailing comma at the very end of input: one more, empty field.
                    if count == maximumColumnCount { throw tooManyColumns() }
                    fieldStarts[count] = i
                    fieldEnds[count] = i
                    fieldEscaped[count] = false
                    fieldCount = count + 1
                    return .complete(end: i, lineBreaks: lineBreaks)
                }
                continue
            }
            if c == 0x0D {
                if i + 1 == end && !final { return .needMore(partialFieldLength: 0, fieldLine: fieldLine) }
                i += (i + 1 < end && p[i + 1] == 0x0A) ? 2 : 1
            } else {
                i += 1
            }
            fieldCount = count
            return .complete(end: i, lineBreaks: lineBreaks + 1)
        }
    }

    private static func countLineBreaks(_ p: UnsafeMutablePointer<UInt8>, from: Int, to: Int) -> Int {
        var breaks = 0
        var i = from
        while i < to {
            let c = p[i]
            if c == 0x0A {
                breaks += 1
            } else if c == 0x0D && !(i + 1 < to && p[i + 1] == 0x0A) {
                breaks += 1
            }
            i += 1
        }
        return breaks
    }

    private func tooManyColumns() -> DeclarationError {
        DeclarationError(.limitExceeded,
                         "\(sourceName), line \(nextLine): the row has more than \(maximumColumnCount) fields (the "
                             + "maximum column count). Check the delimiter (this reader expects commas), or raise "
                             + "maximumColumnCount.",
                         file: sourceName, line: nextLine)
    }

    private func fieldTooLong(line: Int) -> DeclarationError {
        DeclarationError(.limitExceeded,
                         "\(sourceName), line \(line): a field is longer than \(maximumFieldLength) bytes (the maximum "
                             + "field length). Check for a quote that is never closed, or raise maximumFieldLength.",
                         file: sourceName, line: line)
    }

    // MARK: - Fields of the current record

    /// The bytes of field `index` of the current record, with `""` unescaped.
    ///
    /// Valid until the next `nextRecord` (escaped fields are unescaped into a per-record scratch
    /// area; fetching the same fields again and again may recycle it).
    @inline(__always)
    package func field(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        let start = fieldStarts[index]
        let end = fieldEnds[index]
        if !fieldEscaped[index] {
            return UnsafeBufferPointer(start: buffer + start, count: end - start)
        }
        return unescape(start: start, end: end)
    }

    /// Unescapes `""` into the scratch area. Each field unescaped for the current record gets its
    /// own region (the area holds a whole record; `nextRecord` sizes it), so several fields may be
    /// held at once. The area is never reallocated here, so earlier views never dangle.
    private func unescape(start: Int, end: Int) -> UnsafeBufferPointer<UInt8> {
        let length = end - start
        if scratchUsed + length > scratchCapacity {
            scratchUsed = 0  // only reached when fields are fetched repeatedly: earlier views are overwritten
        }
        let output = scratch + scratchUsed
        var out = 0
        var i = start
        while i < end {
            let c = buffer[i]
            output[out] = c
            out += 1
            i += (c == 0x22 && i + 1 < end && buffer[i + 1] == 0x22) ? 2 : 1
        }
        scratchUsed += out
        return UnsafeBufferPointer(start: output, count: out)
    }

    /// Field `index` of the current record as a `String` (UTF-8; invalid bytes repaired).
    package func fieldString(_ index: Int) -> String {
        String(decoding: field(index), as: UTF8.self)
    }

    /// The raw bytes of the current record, including its line break (if any), exactly as read.
    package var rawRecord: UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: buffer + recordStart, count: recordEnd - recordStart)
    }
}

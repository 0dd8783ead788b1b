import Foundation

/// A validated JSON document: the file's bytes plus a compact index of its arrays and objects.
///
/// `init(scanning:limits:)` reads the bytes once, checks them against RFC 8259 (no trailing commas,
/// no leading zeros, no raw control characters in strings, valid escapes, paired surrogates, valid
/// UTF-8, nothing after the value) and records, for each array and object in document order, the
/// offset of its closing bracket, its element count and the index of the first container after it.
/// Strings and numbers are not copied: `JSONValueDecoder` converts them from the bytes when a
/// field is decoded, so the index is the only allocation of the scan (12 bytes per array or object;
/// see `JSONLimits`).
///
/// The document borrows its bytes: use it only inside `withDocument(_:limits:_:)` or while the
/// buffer passed to `init(scanning:limits:)` is alive.
package struct JSONDocument {
    /// Index bytes per array or object (three `UInt32`: end offset, element count, next container).
    package static let bytesPerContainer = 12

    /// A value in the document: its first byte, and its index in `containers` when it is an array or
    /// object (else `-1`).
    package struct Value: Sendable, Hashable {
        package var offset: Int
        package var container: Int
    }

    package let bytes: UnsafeBufferPointer<UInt8>
    /// Three words per container, in document order: offset of the closing bracket, element count,
    /// index of the next container after this one's subtree.
    package let containers: [UInt32]

    /// The top-level value.
    package var root: Value { Value(offset: Self.skipSpace(bytes, 0), container: containers.isEmpty ? -1 : 0) }

    /// Bytes held by the container index (its capacity), for memory-bound tests.
    package var indexByteCount: Int { containers.capacity * MemoryLayout<UInt32>.stride }

    /// Scans `data` and runs `body` on the document while the bytes are pinned.
    ///
    /// - Throws: `JSONReadError` for malformed JSON or an exceeded limit (before `body` runs), or
    ///   whatever `body` throws.
    /// - Complexity: O(`data.count`).
    package static func withDocument<Result>(_ data: Data, limits: JSONLimits,
                                             _ body: (JSONDocument) throws -> Result) throws -> Result {
        try data.withUnsafeBytes { raw in
            try body(JSONDocument(scanning: raw.bindMemory(to: UInt8.self), limits: limits))
        }
    }

    /// Scans and validates `bytes`, building the container index.
    ///
    /// - Throws: `JSONReadError` naming the byte offset, the path of the enclosing value and what
    ///   was expected; or a limit error when the depth, a string, a number or the index would exceed
    ///   `limits` (checked before the index grows).
    /// - Complexity: O(`bytes.count`); allocates at most
    ///   `max(4 KiB, limits.maximumIndexBytesPerFileByte × bytes.count)` for the index and
    ///   `limits.maximumDepth` words of stack.
    package init(scanning bytes: UnsafeBufferPointer<UInt8>, limits: JSONLimits) throws(JSONReadError) {
        self.bytes = bytes
        var scanner = Scanner(bytes: bytes, limits: limits)
        defer { scanner.release() }
        try scanner.scan()
        containers = scanner.containers
    }

    /// The value of the first member named `name` of the object `object`, or `nil` (also when
    /// `object` is not an object).
    ///
    /// - Complexity: O(number of members of `object`).
    package func member(_ name: String, of object: Value) -> Value? {
        guard object.container >= 0, bytes[object.offset] == UInt8(ascii: "{") else { return nil }
        var position = Self.skipSpace(bytes, object.offset + 1)
        var nextContainer = object.container + 1
        for _ in 0..<Int(containers[3 * object.container + 1]) {
            let key = Self.unescapedString(bytes, at: position)
            let colon = Self.skipSpace(bytes, Self.stringEnd(bytes, from: position).end + 1)
            let valueOffset = Self.skipSpace(bytes, colon + 1)
            let isContainer = bytes[valueOffset] == UInt8(ascii: "{") || bytes[valueOffset] == UInt8(ascii: "[")
            let value = Value(offset: valueOffset, container: isContainer ? nextContainer : -1)
            if key == name { return value }
            if isContainer { nextContainer = Int(containers[3 * value.container + 2]) }
            position = Self.skipSpace(bytes, end(of: value))
            if bytes[position] == UInt8(ascii: ",") { position = Self.skipSpace(bytes, position + 1) }
        }
        return nil
    }

    /// The offset just after `value`.
    package func end(of value: Value) -> Int {
        if value.container >= 0 { return Int(containers[3 * value.container]) + 1 }
        return containers.withUnsafeBufferPointer { JSONTapeReader(bytes: bytes, containers: $0).skip(value) }
    }

    // MARK: - Small helpers shared with the decoder

    @inline(__always)
    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    @inline(__always)
    static func skipSpace(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int {
        var i = start
        while i < bytes.count, isSpace(bytes[i]) { i += 1 }
        return i
    }

    /// A short rendering of the byte at `offset` for error messages (`'x'`, `the end of the file`).
    static func describeByte(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> String {
        guard offset < bytes.count else { return "the end of the file" }
        let byte = bytes[offset]
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        let hex = String(byte, radix: 16, uppercase: true)
        return "byte 0x" + (byte < 16 ? "0" : "") + hex
    }
}

// MARK: - The scanner

extension JSONDocument {
    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        let limits: JSONLimits
        let maximumContainers: Int
        var containers: [UInt32] = []
        /// Open containers: index in `containers`, and for objects the offset of the current key.
        let openContainer: UnsafeMutablePointer<Int>
        let openKey: UnsafeMutablePointer<Int>
        let openIsObject: UnsafeMutablePointer<Bool>
        var depth = 0

        init(bytes: UnsafeBufferPointer<UInt8>, limits: JSONLimits) {
            self.bytes = bytes
            self.limits = limits
            let indexBytes = max(4_096, limits.maximumIndexBytesPerFileByte.multipliedReportingOverflow(
                by: bytes.count).partialValue)
            maximumContainers = indexBytes / JSONDocument.bytesPerContainer
            let depth = max(1, limits.maximumDepth)
            openContainer = .allocate(capacity: depth)
            openKey = .allocate(capacity: depth)
            openIsObject = .allocate(capacity: depth)
        }

        func release() {
            openContainer.deallocate()
            openKey.deallocate()
            openIsObject.deallocate()
        }

        private enum State { case value, key, afterValue }

        mutating func scan() throws(JSONReadError) {
            let n = bytes.count
            guard n < Int(UInt32.max) else {
                throw JSONReadError(offset: 0, path: "", detail: "the file is \(n) bytes; JSON files over 4 GiB "
                                    + "are not read", isSyntax: false)
            }
            // Reserve for a typical document (one container per 2 KiB) without exceeding the cap.
            containers.reserveCapacity(3 * min(maximumContainers, n / 2_048 + 16))
            var i = skipSpace(bytes, 0)
            var state = State.value
            while true {
                switch state {
                case .value:
                    let expectedValue = "expected a value (an object, array, string, number, true, false or null)"
                    guard i < n else { throw syntax(i, expectedValue) }
                    let byte = bytes[i]
                    switch byte {
                    case UInt8(ascii: "{"), UInt8(ascii: "["):
                        let isObject = byte == UInt8(ascii: "{")
                        try open(at: i, isObject: isObject)
                        i = skipSpace(bytes, i + 1)
                        let close = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
                        if i < n && bytes[i] == close {
                            closeTop(at: i)
                            i += 1
                            state = .afterValue
                        } else {
                            containers[3 * openContainer[depth - 1] + 1] = 1
                            state = isObject ? .key : .value
                        }
                        continue
                    case UInt8(ascii: "\""):
                        i = try scanString(from: i)
                    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                        i = try scanNumber(from: i)
                    case UInt8(ascii: "t"):
                        i = try scanLiteral("true", from: i)
                    case UInt8(ascii: "f"):
                        i = try scanLiteral("false", from: i)
                    case UInt8(ascii: "n"):
                        i = try scanLiteral("null", from: i)
                    default:
                        throw syntax(i, expectedValue)
                    }
                    state = .afterValue
                case .key:
                    guard i < n, bytes[i] == UInt8(ascii: "\"") else {
                        throw syntax(i, "expected a key in double quotes")
                    }
                    openKey[depth - 1] = i
                    i = skipSpace(bytes, try scanString(from: i))
                    guard i < n, bytes[i] == UInt8(ascii: ":") else {
                        throw syntax(i, "expected ':' after the key")
                    }
                    i = skipSpace(bytes, i + 1)
                    state = .value
                case .afterValue:
                    i = skipSpace(bytes, i)
                    if depth == 0 {
                        guard i == n else { throw syntax(i, "expected the end of the file after the top-level value") }
                        return
                    }
                    let isObject = openIsObject[depth - 1]
                    guard i < n else { throw syntax(i, isObject ? "expected ',' or '}'" : "expected ',' or ']'") }
                    let byte = bytes[i]
                    if byte == UInt8(ascii: ",") {
                        containers[3 * openContainer[depth - 1] + 1] &+= 1
                        i = skipSpace(bytes, i + 1)
                        state = isObject ? .key : .value
                    } else if byte == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                        closeTop(at: i)
                        i += 1
                    } else {
                        throw syntax(i, isObject ? "expected ',' or '}' after an object member"
                                                 : "expected ',' or ']' after an array element")
                    }
                }
            }
        }

        private mutating func open(at offset: Int, isObject: Bool) throws(JSONReadError) {
            guard depth < limits.maximumDepth else {
                throw JSONReadError(offset: offset, path: path(), detail: "nesting deeper than "
                                    + "\(limits.maximumDepth) arrays and objects", isSyntax: false)
            }
            let index = containers.count / 3
            guard index < maximumContainers else {
                throw JSONReadError(offset: offset, path: path(), detail: "more than \(maximumContainers) arrays "
                                    + "and objects for a file of \(bytes.count) bytes (the limit is one per "
                                    + "\(JSONDocument.bytesPerContainer / max(1, limits.maximumIndexBytesPerFileByte)) "
                                    + "bytes)", isSyntax: false)
            }
            if containers.count + 3 > containers.capacity {
                // Grow by doubling, never past the cap (checked before the allocation).
                containers.reserveCapacity(min(3 * maximumContainers, max(containers.capacity * 2, 48)))
            }
            containers.append(0)
            containers.append(0)
            containers.append(0)
            openContainer[depth] = index
            openIsObject[depth] = isObject
            openKey[depth] = -1
            depth += 1
        }

        private mutating func closeTop(at offset: Int) {
            depth -= 1
            let index = openContainer[depth]
            containers[3 * index] = UInt32(truncatingIfNeeded: offset)
            containers[3 * index + 2] = UInt32(truncatingIfNeeded: containers.count / 3)
        }

        // MARK: Strings, numbers, literals

        /// Returns the offset after the closing quote of the string opening at `start`.
        private func scanString(from start: Int) throws(JSONReadError) -> Int {
            let n = bytes.count
            var i = start + 1
            while true {
                // Fast run over plain ASCII.
                while i < n {
                    let byte = bytes[i]
                    if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 || byte >= 0x80 { break }
                    i += 1
                }
                guard i < n else {
                    throw syntax(start, "the string starting here has no closing quote before the end of the file",
                                 showFound: false)
                }
                let byte = bytes[i]
                if byte == UInt8(ascii: "\"") {
                    guard i - start - 1 <= limits.maximumStringLength else {
                        throw JSONReadError(offset: start, path: path(), detail: "a string of \(i - start - 1) bytes "
                                            + "is longer than the \(limits.maximumStringLength)-byte limit",
                                            isSyntax: false)
                    }
                    return i + 1
                } else if byte == UInt8(ascii: "\\") {
                    i = try scanEscape(at: i)
                } else if byte < 0x20 {
                    throw syntax(i, "a control character (byte 0x\(String(byte, radix: 16, uppercase: true))) must be "
                                 + "escaped inside a string")
                } else {
                    i = try scanUTF8(at: i)
                }
            }
        }

        /// Validates the escape at `i` (a backslash); returns the offset after it.
        private func scanEscape(at i: Int) throws(JSONReadError) -> Int {
            guard i + 1 < bytes.count else { throw syntax(i, "the string ends inside an escape") }
            switch bytes[i + 1] {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                 UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                return i + 2
            case UInt8(ascii: "u"):
                guard let unit = JSONDocument.hexQuad(bytes, at: i + 2) else {
                    throw syntax(i, "expected four hex digits after \\u", showFound: false)
                }
                if unit >= 0xDC00 && unit <= 0xDFFF {
                    throw syntax(i, "\\u\(String(unit, radix: 16, uppercase: true)) is a low surrogate without a "
                                 + "high surrogate before it", showFound: false)
                }
                if unit >= 0xD800 && unit <= 0xDBFF {
                    guard i + 7 < bytes.count, bytes[i + 6] == UInt8(ascii: "\\"), bytes[i + 7] == UInt8(ascii: "u"),
                          let low = JSONDocument.hexQuad(bytes, at: i + 8), low >= 0xDC00 && low <= 0xDFFF else {
                        throw syntax(i, "\\u\(String(unit, radix: 16, uppercase: true)) is a high surrogate not "
                                     + "followed by a \\u low surrogate", showFound: false)
                    }
                    return i + 12
                }
                return i + 6
            default:
                throw syntax(i, "\(JSONDocument.describeByte(bytes, at: i + 1)) cannot follow a backslash; expected "
                             + "one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX", showFound: false)
            }
        }

        /// Validates the UTF-8 sequence starting at `i` (a byte ≥ 0x80); returns the offset after it.
        private func scanUTF8(at i: Int) throws(JSONReadError) -> Int {
            let lead = bytes[i]
            let length: Int
            var lower: UInt8 = 0x80, upper: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; lower = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; upper = 0x9F
            case 0xF0: length = 4; lower = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; upper = 0x8F
            default:
                throw syntax(i, "invalid UTF-8 in a string (byte 0x\(String(lead, radix: 16, uppercase: true)) cannot "
                             + "start a character)", showFound: false)
            }
            guard i + length <= bytes.count else {
                throw syntax(i, "invalid UTF-8 in a string (a character cut short)", showFound: false)
            }
            let second = bytes[i + 1]
            guard second >= lower && second <= upper else {
                throw syntax(i, "invalid UTF-8 in a string (a bad continuation byte)", showFound: false)
            }
            for k in 2..<length where bytes[i + k] & 0xC0 != 0x80 {
                throw syntax(i, "invalid UTF-8 in a string (a bad continuation byte)", showFound: false)
            }
            return i + length
        }

        /// Validates the number starting at `start`; returns the offset after it.
        private func scanNumber(from start: Int) throws(JSONReadError) -> Int {
            let n = bytes.count
            var i = start
            func digits() -> Int {
                let first = i
                while i < n, bytes[i] &- UInt8(ascii: "0") < 10 { i += 1 }
                return i - first
            }
            if bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard i < n, bytes[i] &- UInt8(ascii: "0") < 10 else { throw syntax(i, "expected a digit") }
            if bytes[i] == UInt8(ascii: "0") {
                i += 1
                if i < n, bytes[i] &- UInt8(ascii: "0") < 10 {
                    throw syntax(start, "a number may not have a leading zero")
                }
            } else {
                _ = digits()
            }
            if i < n, bytes[i] == UInt8(ascii: ".") {
                i += 1
                guard digits() > 0 else { throw syntax(i, "expected a digit after the decimal point") }
            }
            if i < n, bytes[i] | 0x20 == UInt8(ascii: "e") {
                i += 1
                if i < n, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
                guard digits() > 0 else { throw syntax(i, "expected a digit in the exponent") }
            }
            guard i - start <= limits.maximumNumberLength else {
                throw JSONReadError(offset: start, path: path(), detail: "a number of \(i - start) characters is "
                                    + "longer than the \(limits.maximumNumberLength)-character limit", isSyntax: false)
            }
            return i
        }

        private func scanLiteral(_ literal: StaticString, from start: Int) throws(JSONReadError) -> Int {
            let count = literal.utf8CodeUnitCount
            let text = literal.utf8Start
            for k in 0..<count where start + k >= bytes.count || bytes[start + k] != text[k] {
                throw syntax(start + k, "expected \(literal)")
            }
            return start + count
        }

        // MARK: Errors

        private func syntax(_ offset: Int, _ expected: String, showFound: Bool = true) -> JSONReadError {
            let found = showFound ? ", found " + JSONDocument.describeByte(bytes, at: offset) : ""
            return JSONReadError(offset: offset, path: path(), detail: expected + found, isSyntax: true)
        }

        /// The path of the value being scanned, from the open containers (built only for errors); past
        /// 12 levels, the middle is shown as `…`.
        private func path() -> String {
            var out = ""
            for level in 0..<depth {
                if depth > 12 && level >= 8 && level < depth - 4 {
                    if level == 8 { out += "…" }
                    continue
                }
                if openIsObject[level] {
                    let keyOffset = openKey[level]
                    guard keyOffset >= 0, let key = JSONDocument.unescapedString(bytes, at: keyOffset) else { break }
                    out += (out.isEmpty ? "" : ".") + key
                } else {
                    let count = Int(containers[3 * openContainer[level] + 1])
                    out += "[\(max(0, count - 1))]"
                }
            }
            return out
        }
    }

    /// The value of four hex digits at `offset`, or `nil`.
    static func hexQuad(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> UInt32? {
        guard offset + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for k in 0..<4 {
            let byte = bytes[offset + k]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// The offset of the closing quote of the (validated) string opening at `start`, and whether it
    /// contains escapes.
    @inline(__always)
    static func stringEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> (end: Int, escaped: Bool) {
        var i = start + 1
        var escaped = false
        while i < bytes.count {
            let byte = bytes[i]
            if byte == UInt8(ascii: "\"") { break }
            if byte == UInt8(ascii: "\\") {
                escaped = true
                i += 2
            } else {
                i += 1
            }
        }
        return (i, escaped)
    }

    /// The text of the string opening at `start` with escapes resolved, or `nil` when `start` does
    /// not open a string or the string is malformed (possible only before validation finished).
    static func unescapedString(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> String? {
        guard start < bytes.count, bytes[start] == UInt8(ascii: "\"") else { return nil }
        let (end, escaped) = stringEnd(bytes, from: start)
        guard end < bytes.count else { return nil }
        let body = UnsafeBufferPointer(rebasing: bytes[(start + 1)..<end])
        if !escaped { return String(decoding: body, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(body.count)
        var i = start + 1
        while i < end {
            let byte = bytes[i]
            guard byte == UInt8(ascii: "\\"), i + 1 < end else {
                out.append(byte)
                i += 1
                continue
            }
            let kind = bytes[i + 1]
            i += 2
            switch kind {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                guard var scalar = hexQuad(bytes, at: i) else { return nil }
                i += 4
                if scalar >= 0xD800 && scalar <= 0xDBFF {
                    guard i + 6 <= end, let low = hexQuad(bytes, at: i + 2), low >= 0xDC00 && low <= 0xDFFF else {
                        return nil
                    }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                }
                guard let unicode = Unicode.Scalar(scalar) else { return nil }
                out.append(contentsOf: UTF8.encode(unicode)!)
            default: out.append(kind)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

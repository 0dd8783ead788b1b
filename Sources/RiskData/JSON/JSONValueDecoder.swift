/// Decodes `Decodable` values straight from a scanned `JSONDocument`, with no intermediate tree.
///
/// The existing `Codable` types decode unchanged. Arrays of numbers, booleans and strings (the
/// bulk of a model bundle: tree node arrays, bitsets, vocabularies) take a fast path that reserves
/// the element count from the document's index and converts each element in place.
///
/// Differences from Foundation's `JSONDecoder`, all stricter: a key that appears twice in an
/// object is an error (Foundation keeps the first); an integer field refuses `1.0` and `1e2`
/// (Foundation accepts integral values written as decimals); a non-zero number that rounds to zero
/// is refused as Foundation does. Errors are `DecodingError`s whose coding path names the field
/// and whose description ends with the byte offset, e.g. `expected a number, found a string (byte 912)`.
package enum JSONValueDecoder {
    /// Decodes `type` from `value` of `document`.
    ///
    /// - Throws: `DecodingError` (path + byte offset) when a value has the wrong kind, is out of
    ///   range, a key is missing or repeated; or whatever the type's own `init(from:)` throws.
    /// - Complexity: O(size of the value's text), plus O(k log k) hashing for objects of more than
    ///   16 keys.
    package static func decode<T: Decodable>(_ type: T.Type, from document: JSONDocument,
                                             at value: JSONDocument.Value? = nil) throws -> T {
        try document.containers.withUnsafeBufferPointer { containers in
            try JSONTapeReader(bytes: document.bytes, containers: containers)
                .decode(T.self, at: value ?? document.root, path: [])
        }
    }

    /// A path as people read it: `model.trees[3].leftChild[17]` (`prefix` first when given).
    package static func describe(_ path: [any CodingKey], prefix: String = "") -> String {
        var out = prefix
        for key in path {
            if let index = key.intValue, key.stringValue == "Index \(index)" || key is JSONKey {
                out += "[\(index)]"
            } else {
                out += (out.isEmpty ? "" : ".") + key.stringValue
            }
        }
        return out
    }
}

/// A coding key for array indices and dictionary keys.
struct JSONKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) {
        self.stringValue = stringValue
        intValue = nil
    }
    init(intValue: Int) {
        stringValue = "Index \(intValue)"
        self.intValue = intValue
    }
}

// MARK: - Reader (shared state and scalar conversions)

struct JSONTapeReader {
    let bytes: UnsafeBufferPointer<UInt8>
    /// `JSONDocument.containers`, pinned for the duration of one `JSONValueDecoder.decode`.
    let containerPointer: UnsafeBufferPointer<UInt32>

    init(bytes: UnsafeBufferPointer<UInt8>, containers: UnsafeBufferPointer<UInt32>) {
        self.bytes = bytes
        containerPointer = containers
    }

    @inline(__always) func end(of container: Int) -> Int { Int(containerPointer[3 * container]) }
    @inline(__always) func count(of container: Int) -> Int { Int(containerPointer[3 * container + 1]) }
    @inline(__always) func next(after container: Int) -> Int { Int(containerPointer[3 * container + 2]) }

    /// The offset after the value at `offset` (a container's `index` when it is one).
    @inline(__always)
    func skip(_ value: JSONDocument.Value) -> Int {
        if value.container >= 0 { return end(of: value.container) + 1 }
        switch bytes[value.offset] {
        case UInt8(ascii: "\""): return JSONDocument.stringEnd(bytes, from: value.offset).end + 1
        case UInt8(ascii: "t"), UInt8(ascii: "n"): return value.offset + 4
        case UInt8(ascii: "f"): return value.offset + 5
        default:
            var i = value.offset + 1
            while i < bytes.count {
                let byte = bytes[i]
                guard byte &- UInt8(ascii: "0") < 10 || byte == UInt8(ascii: ".") || byte | 0x20 == UInt8(ascii: "e")
                        || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") else { break }
                i += 1
            }
            return i
        }
    }

    /// The value at `offset`, whose container index is `nextContainer` when it is an array or object.
    @inline(__always)
    func value(at offset: Int, nextContainer: Int) -> JSONDocument.Value {
        let byte = bytes[offset]
        let isContainer = byte == UInt8(ascii: "[") || byte == UInt8(ascii: "{")
        return JSONDocument.Value(offset: offset, container: isContainer ? nextContainer : -1)
    }

    /// "a string", "an array", … for the value at `offset`.
    func kindName(at offset: Int) -> String {
        switch bytes[offset] {
        case UInt8(ascii: "{"): return "an object"
        case UInt8(ascii: "["): return "an array"
        case UInt8(ascii: "\""): return "a string"
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return "a boolean"
        case UInt8(ascii: "n"): return "null"
        default:
            let end = skip(JSONDocument.Value(offset: offset, container: -1))
            return "the number " + String(decoding: UnsafeBufferPointer(rebasing: bytes[offset..<end]), as: UTF8.self)
        }
    }

    func mismatch(_ type: Any.Type, _ expected: String, at offset: Int, _ path: [any CodingKey]) -> DecodingError {
        let found = bytes[offset] == UInt8(ascii: "n") ? "null" : kindName(at: offset)
        let context = DecodingError.Context(codingPath: path,
                                            debugDescription: "expected \(expected), found \(found) (byte \(offset))")
        return bytes[offset] == UInt8(ascii: "n") ? .valueNotFound(type, context) : .typeMismatch(type, context)
    }

    @inline(__always)
    func isNumber(at offset: Int) -> Bool {
        let byte = bytes[offset]
        return byte == UInt8(ascii: "-") || byte &- UInt8(ascii: "0") < 10
    }

    // MARK: Scalars

    func bool(at offset: Int, _ path: [any CodingKey]) throws -> Bool {
        switch bytes[offset] {
        case UInt8(ascii: "t"): return true
        case UInt8(ascii: "f"): return false
        default: throw mismatch(Bool.self, "true or false", at: offset, path)
        }
    }

    func string(at offset: Int, _ path: [any CodingKey]) throws -> String {
        guard bytes[offset] == UInt8(ascii: "\"") else { throw mismatch(String.self, "a string", at: offset, path) }
        let (end, escaped) = JSONDocument.stringEnd(bytes, from: offset)
        if !escaped { return String(decoding: UnsafeBufferPointer(rebasing: bytes[(offset + 1)..<end]), as: UTF8.self) }
        return JSONDocument.unescapedString(bytes, at: offset) ?? ""
    }

    func double(at offset: Int, _ path: [any CodingKey]) throws -> Double { try doubleAndEnd(offset, path).0 }
    func float(at offset: Int, _ path: [any CodingKey]) throws -> Float { try floatAndEnd(offset, path).0 }
    func integer<T: FixedWidthInteger>(_ type: T.Type, at offset: Int, _ path: [any CodingKey]) throws -> T {
        try integerAndEnd(T.self, at: offset, path).0
    }

    @inline(__always)
    func doubleAndEnd(_ offset: Int, _ path: [any CodingKey]) throws -> (Double, Int) {
        guard isNumber(at: offset) else { throw mismatch(Double.self, "a number", at: offset, path) }
        let (value, end) = JSONNumberParser.double(bytes, from: offset)
        guard value.isFinite else { throw outOfRange(value.isNaN, "Double", offset, end, path) }
        return (value, end)
    }

    @inline(__always)
    func floatAndEnd(_ offset: Int, _ path: [any CodingKey]) throws -> (Float, Int) {
        guard isNumber(at: offset) else { throw mismatch(Float.self, "a number", at: offset, path) }
        let (value, end) = JSONNumberParser.float(bytes, from: offset)
        guard value.isFinite else { throw outOfRange(value.isNaN, "Float", offset, end, path) }
        return (value, end)
    }

    @inline(__always)
    func integerAndEnd<T: FixedWidthInteger>(_ type: T.Type, at offset: Int,
                                             _ path: [any CodingKey]) throws -> (T, Int) {
        guard isNumber(at: offset) else { throw mismatch(T.self, "an integer", at: offset, path) }
        let (result, end) = JSONNumberParser.integer(T.self, bytes, from: offset)
        switch result {
        case .value(let value): return (value, end)
        case .notAnInteger:
            throw DecodingError.typeMismatch(T.self, .init(codingPath: path, debugDescription:
                "\(text(offset, end)) is not an integer; expected a whole number of type \(T.self) (byte \(offset))"))
        case .outOfRange:
            throw DecodingError.dataCorrupted(.init(codingPath: path, debugDescription:
                "\(text(offset, end)) is outside the range of \(T.self) (\(T.min)...\(T.max)) (byte \(offset))"))
        }
    }

    private func text(_ start: Int, _ end: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
    }

    private func outOfRange(_ roundsToZero: Bool, _ type: String, _ start: Int, _ end: Int,
                            _ path: [any CodingKey]) -> DecodingError {
        let what = roundsToZero ? "not zero but rounds to zero as a \(type)" : "beyond the finite range of \(type)"
        return .dataCorrupted(.init(codingPath: path, debugDescription:
            "is \(text(start, end)), \(what); expected a finite number this field can hold (byte \(start))"))
    }

    // MARK: Values of any type

    func decode<T: Decodable>(_ type: T.Type, at value: JSONDocument.Value, path: [any CodingKey]) throws -> T {
        if let array = try fastArray(T.self, at: value, path: path) { return array }
        return try T(from: JSONTapeDecoder(reader: self, value: value, codingPath: path))
    }
}

// MARK: - Decoder

final class JSONTapeDecoder: Decoder {
    let reader: JSONTapeReader
    let value: JSONDocument.Value
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(reader: JSONTapeReader, value: JSONDocument.Value, codingPath: [any CodingKey]) {
        self.reader = reader
        self.value = value
        self.codingPath = codingPath
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(try JSONKeyedContainer<Key>(reader: reader, value: value, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try JSONUnkeyedContainer(reader: reader, value: value, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        JSONSingleValueContainer(reader: reader, value: value, codingPath: codingPath)
    }
}

// MARK: - Single value

struct JSONSingleValueContainer: SingleValueDecodingContainer {
    let reader: JSONTapeReader
    let value: JSONDocument.Value
    let codingPath: [any CodingKey]

    func decodeNil() -> Bool { reader.bytes[value.offset] == UInt8(ascii: "n") }
    func decode(_ type: Bool.Type) throws -> Bool { try reader.bool(at: value.offset, codingPath) }
    func decode(_ type: String.Type) throws -> String { try reader.string(at: value.offset, codingPath) }
    func decode(_ type: Double.Type) throws -> Double { try reader.double(at: value.offset, codingPath) }
    func decode(_ type: Float.Type) throws -> Float { try reader.float(at: value.offset, codingPath) }
    func decode(_ type: Int.Type) throws -> Int { try reader.integer(Int.self, at: value.offset, codingPath) }
    func decode(_ type: Int8.Type) throws -> Int8 { try reader.integer(Int8.self, at: value.offset, codingPath) }
    func decode(_ type: Int16.Type) throws -> Int16 { try reader.integer(Int16.self, at: value.offset, codingPath) }
    func decode(_ type: Int32.Type) throws -> Int32 { try reader.integer(Int32.self, at: value.offset, codingPath) }
    func decode(_ type: Int64.Type) throws -> Int64 { try reader.integer(Int64.self, at: value.offset, codingPath) }
    func decode(_ type: UInt.Type) throws -> UInt { try reader.integer(UInt.self, at: value.offset, codingPath) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try reader.integer(UInt8.self, at: value.offset, codingPath) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try reader.integer(UInt16.self, at: value.offset, codingPath) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try reader.integer(UInt32.self, at: value.offset, codingPath) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try reader.integer(UInt64.self, at: value.offset, codingPath) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try reader.decode(T.self, at: value, path: codingPath) }
}

// MARK: - Keyed

struct JSONKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    struct Member {
        /// Offset of the key's opening quote.
        var keyOffset: Int
        var value: JSONDocument.Value
    }

    let reader: JSONTapeReader
    let codingPath: [any CodingKey]
    /// Offset of the object's opening brace.
    let objectOffset: Int
    let members: [Member]
    /// Key text → member, for objects of more than `linearSearchLimit` members.
    let lookup: [String: Int]?
    static var linearSearchLimit: Int { 16 }

    init(reader: JSONTapeReader, value: JSONDocument.Value, codingPath: [any CodingKey]) throws {
        guard reader.bytes[value.offset] == UInt8(ascii: "{") else {
            throw reader.mismatch([String: Any].self, "an object", at: value.offset, codingPath)
        }
        self.reader = reader
        self.codingPath = codingPath
        objectOffset = value.offset
        let count = reader.count(of: value.container)
        var members: [Member] = []
        members.reserveCapacity(count)
        var position = JSONDocument.skipSpace(reader.bytes, value.offset + 1)
        var nextContainer = value.container + 1
        var anyEscaped = false
        for _ in 0..<count {
            let (keyEnd, escaped) = JSONDocument.stringEnd(reader.bytes, from: position)
            anyEscaped = anyEscaped || escaped
            let colon = JSONDocument.skipSpace(reader.bytes, keyEnd + 1)
            let member = reader.value(at: JSONDocument.skipSpace(reader.bytes, colon + 1), nextContainer: nextContainer)
            members.append(Member(keyOffset: position, value: member))
            if member.container >= 0 { nextContainer = reader.next(after: member.container) }
            position = JSONDocument.skipSpace(reader.bytes, reader.skip(member))
            if reader.bytes[position] == UInt8(ascii: ",") {
                position = JSONDocument.skipSpace(reader.bytes, position + 1)
            }
        }
        self.members = members
        if count > Self.linearSearchLimit || anyEscaped {
            var lookup = [String: Int](minimumCapacity: count)
            for (index, member) in members.enumerated() {
                let key = JSONDocument.unescapedString(reader.bytes, at: member.keyOffset) ?? ""
                if let first = lookup.updateValue(index, forKey: key) {
                    throw Self.duplicate(key, members[first].keyOffset, member.keyOffset, codingPath)
                }
            }
            self.lookup = lookup
        } else {
            lookup = nil
            for i in members.indices {
                for j in 0..<i where reader.keyBytesEqual(members[i].keyOffset, members[j].keyOffset) {
                    let key = JSONDocument.unescapedString(reader.bytes, at: members[i].keyOffset) ?? ""
                    throw Self.duplicate(key, members[j].keyOffset, members[i].keyOffset, codingPath)
                }
            }
        }
    }

    private static func duplicate(_ key: String, _ first: Int, _ second: Int,
                                  _ codingPath: [any CodingKey]) -> DecodingError {
        .dataCorrupted(.init(codingPath: codingPath, debugDescription: "the key \"\(key)\" appears twice in one "
                             + "object (bytes \(first) and \(second)); each key may appear once (byte \(second))"))
    }

    var allKeys: [Key] {
        members.compactMap { Key(stringValue: JSONDocument.unescapedString(reader.bytes, at: $0.keyOffset) ?? "") }
    }

    private func member(_ key: Key) -> Member? {
        if let lookup { return lookup[key.stringValue].map { members[$0] } }
        var name = key.stringValue
        return name.withUTF8 { utf8 in
            members.first { reader.keyBytesEqual($0.keyOffset, utf8) }
        }
    }

    private func require(_ key: Key) throws -> Member {
        guard let member = member(key) else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription:
                "the object has no key \"\(key.stringValue)\" (byte \(objectOffset))"))
        }
        return member
    }

    private func path(_ key: Key) -> [any CodingKey] { codingPath + [key] }

    func contains(_ key: Key) -> Bool { member(key) != nil }

    func decodeNil(forKey key: Key) throws -> Bool {
        reader.bytes[try require(key).value.offset] == UInt8(ascii: "n")
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool {
        try reader.bool(at: require(key).value.offset, path(key))
    }
    func decode(_ type: String.Type, forKey key: Key) throws -> String {
        try reader.string(at: require(key).value.offset, path(key))
    }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double {
        try reader.double(at: require(key).value.offset, path(key))
    }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float {
        try reader.float(at: require(key).value.offset, path(key))
    }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try integer(key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try integer(key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try integer(key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try integer(key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try integer(key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try integer(key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try integer(key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try integer(key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try integer(key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try integer(key) }

    private func integer<T: FixedWidthInteger>(_ key: Key) throws -> T {
        try reader.integer(T.self, at: require(key).value.offset, path(key))
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try reader.decode(T.self, at: require(key).value, path: path(key))
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type,
                                               forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        KeyedDecodingContainer(try JSONKeyedContainer<NestedKey>(reader: reader, value: require(key).value,
                                                                 codingPath: path(key)))
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try JSONUnkeyedContainer(reader: reader, value: require(key).value, codingPath: path(key))
    }

    func superDecoder() throws -> any Decoder {
        try superDecoder(forKey: Key(stringValue: "super")!)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        JSONTapeDecoder(reader: reader, value: try require(key).value, codingPath: path(key))
    }
}

extension JSONTapeReader {
    /// `true` when the raw key texts (between the quotes) at the two offsets are identical.
    func keyBytesEqual(_ first: Int, _ second: Int) -> Bool {
        let a = JSONDocument.stringEnd(bytes, from: first).end - first
        let b = JSONDocument.stringEnd(bytes, from: second).end - second
        guard a == b else { return false }
        for k in 1..<a where bytes[first + k] != bytes[second + k] { return false }
        return true
    }

    /// `true` when the raw key text at `offset` equals `utf8` (keys with escapes use the lookup table).
    @inline(__always)
    func keyBytesEqual(_ offset: Int, _ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = offset + 1
        guard start + utf8.count < bytes.count, bytes[start + utf8.count] == UInt8(ascii: "\"") else { return false }
        for k in 0..<utf8.count where bytes[start + k] != utf8[k] { return false }
        return true
    }
}

// MARK: - Unkeyed

struct JSONUnkeyedContainer: UnkeyedDecodingContainer {
    let reader: JSONTapeReader
    let codingPath: [any CodingKey]
    let count: Int?
    private(set) var currentIndex = 0
    /// Offset of the current element (or of the closing bracket at the end).
    private var position: Int
    /// Container index the next array or object element has.
    private var nextContainer: Int

    init(reader: JSONTapeReader, value: JSONDocument.Value, codingPath: [any CodingKey]) throws {
        guard reader.bytes[value.offset] == UInt8(ascii: "[") else {
            throw reader.mismatch([Any].self, "an array", at: value.offset, codingPath)
        }
        self.reader = reader
        self.codingPath = codingPath
        count = reader.count(of: value.container)
        position = JSONDocument.skipSpace(reader.bytes, value.offset + 1)
        nextContainer = value.container + 1
    }

    var isAtEnd: Bool { currentIndex >= count! }

    private var elementPath: [any CodingKey] { codingPath + [JSONKey(intValue: currentIndex)] }

    /// The current element; throws at the end of the array.
    private func current(_ type: Any.Type) throws -> JSONDocument.Value {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(type, .init(codingPath: elementPath, debugDescription:
                "the array has only \(count!) elements (byte \(position))"))
        }
        return reader.value(at: position, nextContainer: nextContainer)
    }

    private mutating func advance(past value: JSONDocument.Value) {
        if value.container >= 0 { nextContainer = reader.next(after: value.container) }
        position = JSONDocument.skipSpace(reader.bytes, reader.skip(value))
        if reader.bytes[position] == UInt8(ascii: ",") { position = JSONDocument.skipSpace(reader.bytes, position + 1) }
        currentIndex += 1
    }

    mutating func decodeNil() throws -> Bool {
        let value = try current(Never.self)
        guard reader.bytes[value.offset] == UInt8(ascii: "n") else { return false }
        advance(past: value)
        return true
    }

    private mutating func next<T>(_ convert: (Int, [any CodingKey]) throws -> T) throws -> T {
        let value = try current(T.self)
        let result = try convert(value.offset, elementPath)
        advance(past: value)
        return result
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool {
        try next { [reader] in try reader.bool(at: $0, $1) }
    }
    mutating func decode(_ type: String.Type) throws -> String {
        try next { [reader] in try reader.string(at: $0, $1) }
    }
    mutating func decode(_ type: Double.Type) throws -> Double {
        try next { [reader] in try reader.double(at: $0, $1) }
    }
    mutating func decode(_ type: Float.Type) throws -> Float {
        try next { [reader] in try reader.float(at: $0, $1) }
    }
    mutating func decode(_ type: Int.Type) throws -> Int { try nextInteger() }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try nextInteger() }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try nextInteger() }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try nextInteger() }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try nextInteger() }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try nextInteger() }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try nextInteger() }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try nextInteger() }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try nextInteger() }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try nextInteger() }

    private mutating func nextInteger<T: FixedWidthInteger>() throws -> T {
        try next { [reader] in try reader.integer(T.self, at: $0, $1) }
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let value = try current(T.self)
        let result = try reader.decode(T.self, at: value, path: elementPath)
        advance(past: value)
        return result
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        let value = try current(KeyedDecodingContainer<NestedKey>.self)
        let container = try JSONKeyedContainer<NestedKey>(reader: reader, value: value, codingPath: elementPath)
        advance(past: value)
        return KeyedDecodingContainer(container)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let value = try current((any UnkeyedDecodingContainer).self)
        let container = try JSONUnkeyedContainer(reader: reader, value: value, codingPath: elementPath)
        advance(past: value)
        return container
    }

    mutating func superDecoder() throws -> any Decoder {
        let value = try current((any Decoder).self)
        let decoder = JSONTapeDecoder(reader: reader, value: value, codingPath: elementPath)
        advance(past: value)
        return decoder
    }
}

/// A dictionary encoded as two sorted arrays, so that encoding is byte-for-byte deterministic
/// (Swift encodes non-String-keyed dictionaries as arrays in hash order, which varies).
struct SortedEntries<Key: Codable & Comparable & Hashable, Value: Codable>: Codable {
    var keys: [Key]
    var values: [Value]

    init(_ dictionary: [Key: Value]) {
        keys = dictionary.keys.sorted()
        values = keys.map { dictionary[$0]! }
    }

    /// The dictionary back; throws on different lengths or a repeated key (a damaged file).
    func dictionary(codingPath: [any CodingKey]) throws -> [Key: Value] {
        guard keys.count == values.count else {
            throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription:
                "\(keys.count) keys but \(values.count) values; the fitted pipeline file is damaged."))
        }
        var out = [Key: Value](minimumCapacity: keys.count)
        for (key, value) in zip(keys, values) where out.updateValue(value, forKey: key) != nil {
            throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription:
                "Key \(key) appears twice; the fitted pipeline file is damaged."))
        }
        return out
    }
}

/// A dictionary stored as `SortedEntries`, so that its encoding is deterministic and its decoding
/// refuses a damaged table (`UnitValueReference`'s groups, the fitted route codes).
@propertyWrapper
package struct SortedEncoding<Key: Codable & Comparable & Hashable & Sendable, Value: Codable & Hashable & Sendable>:
    Sendable, Hashable, Codable {
    package var wrappedValue: [Key: Value]

    package init(wrappedValue: [Key: Value]) { self.wrappedValue = wrappedValue }

    package init(from decoder: any Decoder) throws {
        wrappedValue = try decoder.singleValueContainer().decode(SortedEntries<Key, Value>.self)
            .dictionary(codingPath: decoder.codingPath)
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(SortedEntries(wrappedValue))
    }
}

extension Vocabulary {
    /// Only the names are stored; the index is rebuilt on load.
    package init(from decoder: any Decoder) throws {
        let names = try decoder.singleValueContainer().decode([String].self)
        var index = [String: Int32](minimumCapacity: names.count)
        for (code, name) in names.enumerated() where index.updateValue(Int32(code), forKey: name) != nil {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription:
                "\"\(name)\" appears twice in a vocabulary; the fitted pipeline file is damaged."))
        }
        self.names = names
        self.index = index
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(names)
    }
}

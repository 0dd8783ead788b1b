import Foundation

/// Any JSON value, decoded with `JSONDecoder`.
///
/// Not `JSONSerialization`: on Linux (swift-corelibs-foundation) it parses many decimal numbers a
/// few ulps off (measured: 12,251 of 20,000 random doubles printed in shortest form came back
/// different), which would break every bit-exact comparison below. `JSONDecoder` parses them exactly.
enum JSONValue: Decodable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let d = try? c.decode(Double.self) {
            self = .number(d)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([JSONValue].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: JSONValue].self))
        }
    }

    static func parse(_ text: some StringProtocol) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(String(text).utf8))
    }

    subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    var keys: Set<String> {
        if case .object(let o) = self { return Set(o.keys) }
        return []
    }

    var double: Double? {
        if case .number(let d) = self { return d }
        return nil
    }

    var int: Int? { double.flatMap { $0 == $0.rounded() ? Int(exactly: $0) : nil } }

    var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    var bool: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    var array: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }
}

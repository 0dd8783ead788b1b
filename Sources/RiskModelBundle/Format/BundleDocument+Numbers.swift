import Foundation

extension BundleDocument {
    /// The first JSON number in `data` that no bundle field can hold, with its coding path.
    ///
    /// Foundation's `JSONDecoder` rejects `1e999` (infinite as a `Double`) and `1e39` (infinite as a
    /// `Float`) with only "The given data was not valid JSON." and no path; this scan finds the
    /// culprit so the error can name it. A number infinite as a `Double` is reported first, else one
    /// beyond the `Float` range. Strings are skipped; the data is assumed to be well-formed JSON.
    ///
    /// - Complexity: O(`data.count`).
    static func unrepresentableNumber(in data: Data) -> (path: String, text: String)? {
        enum Container { case object(key: String), array(index: Int) }
        let bytes = [UInt8](data)
        var stack: [Container] = []
        var expectingKey = false
        var floatCandidate: (path: String, text: String)?
        func path() -> String {
            var out = "content"
            for level in stack {
                switch level {
                case .object(let key): out += "." + key
                case .array(let index): out += "[\(index)]"
                }
            }
            return out
        }
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            switch b {
            case UInt8(ascii: "{"):
                stack.append(.object(key: ""))
                expectingKey = true
            case UInt8(ascii: "["):
                stack.append(.array(index: 0))
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                _ = stack.popLast()
            case UInt8(ascii: ","):
                if case .array(let index)? = stack.last {
                    stack[stack.count - 1] = .array(index: index + 1)
                } else {
                    expectingKey = true
                }
            case UInt8(ascii: "\""):
                var j = i + 1
                var text: [UInt8] = []
                while j < bytes.count, bytes[j] != UInt8(ascii: "\"") {
                    if bytes[j] == UInt8(ascii: "\\") { j += 1 }
                    if j < bytes.count { text.append(bytes[j]) }
                    j += 1
                }
                if expectingKey, case .object? = stack.last {
                    stack[stack.count - 1] = .object(key: String(decoding: text, as: UTF8.self))
                    expectingKey = false
                }
                i = j
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                var j = i
                while j < bytes.count, "+-.eE0123456789".utf8.contains(bytes[j]) { j += 1 }
                let text = String(decoding: bytes[i..<j], as: UTF8.self)
                if let value = Double(text) {
                    if !value.isFinite { return (path(), text) }
                    if floatCandidate == nil, abs(value) > Double(Float.greatestFiniteMagnitude) {
                        floatCandidate = (path(), text)
                    }
                }
                i = j - 1
            default:
                break
            }
            i += 1
        }
        return floatCandidate
    }
}

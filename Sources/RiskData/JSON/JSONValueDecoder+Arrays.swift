// Fast paths for arrays of scalars: the tree node arrays, bitsets, coefficient vectors and
// vocabularies that make up nearly all of a model bundle. Each reserves the element count known from
// the document index and converts elements in place, with the same checks and messages as the
// element-by-element path.
extension JSONTapeReader {
    /// The array at `value` decoded directly when `T` is an array of a scalar type, else `nil`.
    /// (`cast` is exact here: each branch has checked that `T` is that very array type.)
    @inline(__always)
    func fastArray<T>(_ type: T.Type, at value: JSONDocument.Value, path: [any CodingKey]) throws -> T? {
        func cast<Array>(_ array: Array) -> T { unsafeBitCast(array, to: T.self) }
        if T.self == [Double].self { return cast(try elements(at: value, path: path, doubleAndEnd)) }
        if T.self == [Float].self { return cast(try elements(at: value, path: path, floatAndEnd)) }
        if T.self == [Int32].self { return cast(try integers(Int32.self, at: value, path: path)) }
        if T.self == [Int].self { return cast(try integers(Int.self, at: value, path: path)) }
        if T.self == [Int64].self { return cast(try integers(Int64.self, at: value, path: path)) }
        if T.self == [UInt8].self { return cast(try integers(UInt8.self, at: value, path: path)) }
        if T.self == [UInt32].self { return cast(try integers(UInt32.self, at: value, path: path)) }
        if T.self == [UInt64].self { return cast(try integers(UInt64.self, at: value, path: path)) }
        if T.self == [Bool].self {
            let flags = try elements(at: value, path: path) { offset, path in
                let flag = try bool(at: offset, path)
                return (flag, offset + (flag ? 4 : 5))
            }
            return cast(flags)
        }
        if T.self == [String].self {
            let strings = try elements(at: value, path: path) { offset, path in
                (try string(at: offset, path), JSONDocument.stringEnd(bytes, from: offset).end + 1)
            }
            return cast(strings)
        }
        return nil
    }

    private func integers<I: FixedWidthInteger>(_ type: I.Type, at value: JSONDocument.Value,
                                                path: [any CodingKey]) throws -> [I] {
        try elements(at: value, path: path) { offset, path in try integerAndEnd(I.self, at: offset, path) }
    }

    /// Converts each element of the array at `value` with `convert` (value and offset after it).
    /// The element's path is built only when a conversion fails.
    @inline(__always)
    private func elements<Element>(at value: JSONDocument.Value, path: [any CodingKey],
                                   _ convert: (Int, [any CodingKey]) throws -> (Element, Int)) throws -> [Element] {
        guard bytes[value.offset] == UInt8(ascii: "[") else {
            throw mismatch([Element].self, "an array", at: value.offset, path)
        }
        let count = count(of: value.container)
        var out: [Element] = []
        out.reserveCapacity(count)
        var position = JSONDocument.skipSpace(bytes, value.offset + 1)
        for index in 0..<count {
            let element: Element
            let end: Int
            do {
                (element, end) = try convert(position, [])
            } catch {
                _ = try convert(position, path + [JSONKey(intValue: index)])
                throw error
            }
            out.append(element)
            position = end
            while JSONDocument.isSpace(bytes[position]) { position += 1 }
            if bytes[position] == UInt8(ascii: ",") { position = JSONDocument.skipSpace(bytes, position + 1) }
        }
        return out
    }
}

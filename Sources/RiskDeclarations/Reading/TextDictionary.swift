/// Dictionary-encodes byte strings into `Int32` codes without building a `String` for values
/// already seen.
///
/// Open addressing with linear probing over a power-of-two table; keys live in one byte arena and
/// are compared with `memcmp`-style loops. A `String` is created once per distinct value.
package struct TextDictionary {
    package private(set) var vocabulary: [String] = []
    private var arena: [UInt8] = []
    private var offsets: [Int] = [0]          // entry k = arena[offsets[k]..<offsets[k+1]]
    private var hashes: [UInt64] = []
    private var slots: [Int32] = Array(repeating: -1, count: 64)

    package init() {}

    /// FNV-1a, 64-bit.
    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for c in bytes {
            h ^= UInt64(c)
            h = h &* 0x0000_0100_0000_01B3
        }
        return h
    }

    /// The code of `bytes`, adding it to the vocabulary when new.
    ///
    /// - Complexity: O(length) expected.
    package mutating func code(of bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        let h = Self.hash(bytes)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: h) & mask
        let found: Int32? = slots.withUnsafeBufferPointer { table in
            arena.withUnsafeBufferPointer { keys in
                hashes.withUnsafeBufferPointer { entryHashes in
                    offsets.withUnsafeBufferPointer { entryOffsets in
                        while true {
                            let entry = table[slot]
                            if entry < 0 { return nil }
                            let e = Int(entry)
                            if entryHashes[e] == h {
                                let start = entryOffsets[e]
                                let length = entryOffsets[e + 1] - start
                                if length == bytes.count {
                                    var same = true
                                    for k in 0..<length where keys[start + k] != bytes[k] {
                                        same = false
                                        break
                                    }
                                    if same { return entry }
                                }
                            }
                            slot = (slot + 1) & mask
                        }
                    }
                }
            }
        }
        if let found { return found }
        let code = Int32(vocabulary.count)
        arena.append(contentsOf: bytes)
        offsets.append(arena.count)
        hashes.append(h)
        vocabulary.append(String(decoding: bytes, as: UTF8.self))
        slots[slot] = code
        if vocabulary.count * 2 > slots.count { grow() }
        return code
    }

    private mutating func grow() {
        let newCount = slots.count * 2
        var newSlots = [Int32](repeating: -1, count: newCount)
        let mask = newCount - 1
        for (entry, h) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: h) & mask
            while newSlots[slot] >= 0 { slot = (slot + 1) & mask }
            newSlots[slot] = Int32(entry)
        }
        slots = newSlots
    }
}

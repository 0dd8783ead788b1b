#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Dictionary-encodes byte strings into `Int32` codes without building a `String` for values
/// already seen.
///
/// Open addressing with linear probing over a power-of-two table; keys live in one byte arena and
/// are compared with `memcmp`. A `String` is created once per distinct value. Storage is manual
/// (no reference counting, no exclusivity checks in the reader's inner loop): the owner must call
/// `deallocate()` exactly once.
package struct TextDictionary {
    package private(set) var vocabulary: [String] = []
    private var arena: UnsafeMutablePointer<UInt8>
    private var arenaCount = 0
    private var arenaCapacity: Int
    private var offsets: UnsafeMutablePointer<Int>     // entry k = arena[offsets[k]..<offsets[k+1]]
    private var hashes: UnsafeMutablePointer<UInt64>
    private var entryCapacity: Int
    private var slots: UnsafeMutablePointer<Int32>
    private var slotCount: Int

    package init() {
        arenaCapacity = 1_024
        arena = .allocate(capacity: arenaCapacity)
        entryCapacity = 64
        offsets = .allocate(capacity: entryCapacity + 1)
        offsets[0] = 0
        hashes = .allocate(capacity: entryCapacity)
        slotCount = 128
        slots = .allocate(capacity: slotCount)
        slots.initialize(repeating: -1, count: slotCount)
    }

    /// Frees the storage; the dictionary must not be used afterwards.
    package func deallocate() {
        arena.deallocate()
        offsets.deallocate()
        hashes.deallocate()
        slots.deallocate()
    }

    /// A fast 64-bit hash over 8-byte words (multiply–xorshift mixing, as in wyhash/SplitMix).
    @inline(__always)
    static func hash(_ p: UnsafePointer<UInt8>, _ count: Int) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: count)
        var i = 0
        let raw = UnsafeRawPointer(p)
        while i + 8 <= count {
            let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = (h ^ word) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 31
            i += 8
        }
        if i < count {
            var word: UInt64 = 0
            var shift: UInt64 = 0
            while i < count {
                word |= UInt64(p[i]) << shift
                shift += 8
                i += 1
            }
            h = (h ^ word) &* 0x94D0_49BB_1331_11EB
        }
        h ^= h >> 29
        h = h &* 0xBF58_476D_1CE4_E5B9
        return h ^ (h >> 32)
    }

    /// Byte equality; short keys (most ids and codes) compared word by word without a call.
    @inline(__always)
    static func equal(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        if count > 32 { return memcmp(a, b, count) == 0 }
        var i = 0
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        while i + 8 <= count {
            if ra.loadUnaligned(fromByteOffset: i, as: UInt64.self) != rb.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
                return false
            }
            i += 8
        }
        while i < count {
            if a[i] != b[i] { return false }
            i += 1
        }
        return true
    }

    /// The code of `bytes`, adding it to the vocabulary when new.
    ///
    /// - Complexity: O(length) expected.
    @inline(__always)
    package mutating func code(of bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        let count = bytes.count
        guard let p = bytes.baseAddress else { return code(of: UnsafeBufferPointer(start: arena, count: 0)) }
        let h = Self.hash(p, count)
        let mask = slotCount - 1
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let entry = slots[slot]
            if entry < 0 { break }
            let e = Int(entry)
            if hashes[e] == h {
                let start = offsets[e]
                if offsets[e + 1] - start == count && Self.equal(arena + start, p, count) { return entry }
            }
            slot = (slot + 1) & mask
        }
        return insert(p, count, hash: h, slot: slot)
    }

    private mutating func insert(_ p: UnsafePointer<UInt8>, _ count: Int, hash h: UInt64, slot: Int) -> Int32 {
        let code = Int32(vocabulary.count)
        if arenaCount + count > arenaCapacity {
            let newCapacity = max(arenaCapacity * 2, arenaCount + count)
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
            grown.update(from: arena, count: arenaCount)
            arena.deallocate()
            arena = grown
            arenaCapacity = newCapacity
        }
        if vocabulary.count == entryCapacity {
            let newCapacity = entryCapacity * 2
            let grownOffsets = UnsafeMutablePointer<Int>.allocate(capacity: newCapacity + 1)
            grownOffsets.update(from: offsets, count: entryCapacity + 1)
            offsets.deallocate()
            offsets = grownOffsets
            let grownHashes = UnsafeMutablePointer<UInt64>.allocate(capacity: newCapacity)
            grownHashes.update(from: hashes, count: entryCapacity)
            hashes.deallocate()
            hashes = grownHashes
            entryCapacity = newCapacity
        }
        (arena + arenaCount).update(from: p, count: count)
        arenaCount += count
        offsets[Int(code) + 1] = arenaCount
        hashes[Int(code)] = h
        vocabulary.append(String(decoding: UnsafeBufferPointer(start: p, count: count), as: UTF8.self))
        slots[slot] = code
        if vocabulary.count * 2 > slotCount { growSlots() }
        return code
    }

    private mutating func growSlots() {
        let newCount = slotCount * 2
        let newSlots = UnsafeMutablePointer<Int32>.allocate(capacity: newCount)
        newSlots.initialize(repeating: -1, count: newCount)
        let mask = newCount - 1
        for entry in 0..<vocabulary.count {
            var slot = Int(truncatingIfNeeded: hashes[entry]) & mask
            while newSlots[slot] >= 0 { slot = (slot + 1) & mask }
            newSlots[slot] = Int32(entry)
        }
        slots.deallocate()
        slots = newSlots
        slotCount = newCount
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An append-only byte buffer with fast ASCII number formatting, flushed in chunks to a sink.
package struct ByteWriter {
    package private(set) var bytes: [UInt8] = []

    package init(capacity: Int = 1 << 20) {
        bytes.reserveCapacity(capacity)
    }

    @inline(__always)
    package mutating func byte(_ value: UInt8) { bytes.append(value) }

    @inline(__always)
    package mutating func comma() { bytes.append(0x2C) }

    @inline(__always)
    package mutating func newline() { bytes.append(0x0A) }

    package mutating func append(_ chunk: UnsafeBufferPointer<UInt8>) { bytes.append(contentsOf: chunk) }

    package mutating func text(_ value: String) {
        var value = value
        value.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// Writes `value` as a CSV field, quoting it when it holds a comma, quote or line break.
    package mutating func field(_ value: String) {
        if value.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) {
            bytes.append(0x22)
            for c in value.utf8 {
                if c == 0x22 { bytes.append(0x22) }
                bytes.append(c)
            }
            bytes.append(0x22)
        } else {
            text(value)
        }
    }

    /// Writes a non-negative integer, left-padded with zeros to `width` digits.
    package mutating func integer(_ value: Int, width: Int = 0) {
        precondition(value >= 0)
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var v = value
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[count] = UInt8(v % 10) + 0x30
                v /= 10
                count += 1
            } while v > 0
            while count < width && count < 20 {
                d[count] = 0x30
                count += 1
            }
            for k in stride(from: count - 1, through: 0, by: -1) { bytes.append(d[k]) }
        }
    }

    /// Writes `value` with exactly `decimals` digits after the point (round half away from zero).
    package mutating func fixed(_ value: Double, decimals: Int) {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        if value < 0 && scaled > 0 { bytes.append(0x2D) }
        let units = Int(scaled)
        let power = Int(scale)
        integer(units / power)
        if decimals > 0 {
            bytes.append(0x2E)
            integer(units % power, width: decimals)
        }
    }

    package mutating func removeAll() { bytes.removeAll(keepingCapacity: true) }

    package var count: Int { bytes.count }
}

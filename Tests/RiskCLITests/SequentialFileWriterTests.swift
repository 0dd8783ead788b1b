import Foundation
@testable import RiskCLI
import RiskData
import Testing

/// The direct-I/O writer of `riskctl score` writes exactly the bytes it is given, in order, whether
/// the file system takes `O_DIRECT` (a scratch directory on disk) or refuses it (tmpfs, when present).
@Suite struct SequentialFileWriterTests {
    static func pieces(seed: UInt64) -> [[UInt8]] {
        var g = SeededGenerator(seed: seed)
        return (0..<60).map { _ in
            let count = [0, 1, 7, 4_095, 4_096, 4_097, 10_000, 40_000][g.nextInt(below: 8)]
            return (0..<count).map { _ in UInt8(g.nextInt(below: 256)) }
        }
    }

    static func directories() throws -> [URL] {
        var result = [try makeScratchDirectory("direct-writer")]
        var status = stat()
        if stat("/dev/shm", &status) == 0 { result.append(URL(fileURLWithPath: "/dev/shm")) }
        return result
    }

    @Test(arguments: [1, 2, 3] as [UInt64], [4_096, 8_192, 1 << 20])
    func writesEveryByteInOrder(seed: UInt64, capacity: Int) throws {
        let pieces = Self.pieces(seed: seed)
        let expected = pieces.flatMap { $0 }
        for directory in try Self.directories() {
            let url = directory.appendingPathComponent("writer-\(UUID().uuidString).bin")
            defer { try? FileManager.default.removeItem(at: url) }
            try AtomicFile.write(to: url) { handle in
                let writer = SequentialFileWriter(descriptor: handle.fileDescriptor, path: url.path, capacity: capacity)
                for piece in pieces { try writer.write(piece) }
                try writer.finish()
                #expect(!writer.isDirect)
            }
            let written = try [UInt8](Data(contentsOf: url))
            #expect(written == expected, "\(directory.path), seed \(seed), capacity \(capacity)")
        }
    }

    @Test func aFullDeviceIsAnErrorNamingTheFile() throws {
        var status = stat()
        guard stat("/dev/full", &status) == 0 else { return }
        let descriptor = open("/dev/full", O_WRONLY)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        let writer = SequentialFileWriter(descriptor: descriptor, path: "/dev/full", capacity: 4_096)
        let failure = #expect(throws: CommandFailure.self) {
            try writer.write([UInt8](repeating: 1, count: 10_000))
            try writer.finish()
        }
        #expect(failure?.message == "cannot write /dev/full: No space left on device. Check the free space and that "
                + "the directory is writable, or choose another --out.")
    }
}

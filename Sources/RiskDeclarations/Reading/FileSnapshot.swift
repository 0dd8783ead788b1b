import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A file's identity, size and modification time, to tell whether it changed between two reads.
struct FileSnapshot: Equatable {
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var modifiedSeconds: Int
    var modifiedNanoseconds: Int

    /// - Throws: `DeclarationError(.fileSystem)` when the file cannot be examined.
    init(_ url: URL) throws {
        var status = stat()
        guard stat(url.path, &status) == 0 else {
            let reason = String(cString: strerror(errno))
            throw DeclarationError(.fileSystem, "\(url.path): cannot read the file (\(reason)). Check the path.",
                                   file: url.lastPathComponent)
        }
        self.init(status)
    }

    init(_ status: stat) {
        device = UInt64(status.st_dev)
        inode = UInt64(status.st_ino)
        size = Int64(status.st_size)
        modifiedSeconds = status.st_mtim.tv_sec
        modifiedNanoseconds = status.st_mtim.tv_nsec
    }
}

import Foundation

/// Writes files so that a crash never leaves a half-written file where the old one was:
/// the bytes go to a temporary file in the same directory, are flushed, then renamed over the
/// destination (an atomic operation on POSIX file systems).
public enum AtomicFile {
    /// Writes `data` to `url` atomically.
    ///
    /// - Parameters:
    ///   - data: The complete new contents.
    ///   - url: Destination file.
    ///   - overwrite: When `false` and `url` exists, throws instead of replacing it.
    /// - Throws: `RiskDataError` `.fileExists` or `.io` naming the path and the system error.
    public static func write(_ data: Data, to url: URL, overwrite: Bool = true) throws {
        try write(to: url, overwrite: overwrite) { handle in try handle.write(contentsOf: data) }
    }

    /// Streams content into `url` atomically: `body` writes into a handle on a temporary file,
    /// which replaces `url` only when `body` returns without throwing. An error `body` throws is
    /// rethrown unchanged (the temporary file is removed); failures of the file itself are
    /// `RiskDataError` `.io` naming `url`.
    public static func write(to url: URL, overwrite: Bool = true, _ body: (FileHandle) throws -> Void) throws {
        let manager = FileManager.default
        if !overwrite && manager.fileExists(atPath: url.path) {
            throw RiskDataError(.fileExists, "\(url.path) already exists; refusing to overwrite it. "
                                + "Choose another output path or pass --force.")
        }
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        guard manager.createFile(atPath: temporary.path, contents: nil) else {
            throw RiskDataError(.io, "cannot create a temporary file in \(directory.path): check that the directory "
                                + "exists and is writable.")
        }
        // The body's own errors (e.g. a bad input row found while writing) pass through unchanged;
        // failures of the file itself become `.io` errors naming it.
        var bodyError: (any Error)?
        do {
            let handle = try FileHandle(forWritingTo: temporary)
            do {
                do {
                    try body(handle)
                } catch {
                    bodyError = error
                    throw error
                }
                try handle.synchronize()
                try handle.close()
            } catch {
                try? handle.close()
                throw error
            }
            if rename(temporary.path, url.path) != 0 {
                let reason = String(cString: strerror(errno))
                throw RiskDataError(.io, "cannot move the new file into place at \(url.path): \(reason).")
            }
        } catch {
            try? manager.removeItem(at: temporary)
            if let bodyError { throw bodyError }
            if error is RiskDataError { throw error }
            throw RiskDataError(.io, "cannot write \(url.path): \(error.localizedDescription)")
        }
    }

    /// `true` when `a` and `b` name the same existing file (after resolving links).
    public static func sameFile(_ a: URL, _ b: URL) -> Bool {
        var sa = stat(), sb = stat()
        guard stat(a.path, &sa) == 0, stat(b.path, &sb) == 0 else {
            return a.standardizedFileURL.path == b.standardizedFileURL.path
        }
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino
    }
}

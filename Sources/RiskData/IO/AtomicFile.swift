import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Writes files so that a crash, a full disk or an interrupt never leaves a half-written file where
/// the old one was: the bytes go to a temporary file in the same directory (a ``StagedFile``), are
/// flushed, then renamed over the destination (an atomic operation on POSIX file systems).
///
/// Only regular files are ever replaced: a destination that exists as a symbolic link, FIFO,
/// device, socket or directory is refused (`riskctl` accepts `-` for standard output where the
/// format allows), so `--out /dev/stdout --force` cannot turn a device node into a file.
public enum AtomicFile {
    /// Writes `data` to `url` atomically.
    ///
    /// - Parameters:
    ///   - data: The complete new contents.
    ///   - url: Destination file.
    ///   - overwrite: When `false` and `url` exists, throws instead of replacing it.
    /// - Throws: `RiskDataError` `.fileExists`, `.notRegularFile` or `.io` naming the path and the system error.
    public static func write(_ data: Data, to url: URL, overwrite: Bool = true) throws {
        try write(to: url, overwrite: overwrite) { handle in try handle.write(contentsOf: data) }
    }

    /// Streams content into `url` atomically: `body` writes into a handle on a temporary file,
    /// which replaces `url` only when `body` returns without throwing. An error `body` throws is
    /// rethrown unchanged (the temporary file is removed); failures of the file itself are
    /// `RiskDataError` `.io` naming `url`.
    ///
    /// - Throws: As ``checkDestination(_:overwrite:)`` before `body` runs; then `body`'s errors, or `.io`.
    public static func write(to url: URL, overwrite: Bool = true, _ body: (FileHandle) throws -> Void) throws {
        let staged = try StagedFile(destination: url, overwrite: overwrite)
        let handle = FileHandle(fileDescriptor: staged.descriptor, closeOnDealloc: false)
        do {
            try body(handle)
        } catch {
            staged.discard()
            throw error
        }
        do {
            try staged.commit()
        } catch let error as RiskDataError {
            throw error
        } catch {
            throw RiskDataError(.io, "cannot write \(url.path): \(error.localizedDescription)")
        }
    }

    /// Checks, before any work is done, that `url` can be written: its directory exists and is
    /// writable, and `url` is either absent or a regular file that `overwrite` allows replacing.
    ///
    /// Commands call it first so that a typo in an output path fails in a second, not after an hour
    /// of training.
    ///
    /// - Throws: `RiskDataError` `.fileExists` (exists, `overwrite` off), `.notRegularFile` (a symbolic
    ///   link, FIFO, device, socket or directory), `.io` (the directory is missing or not writable).
    /// - Complexity: Two `stat` calls.
    public static func checkDestination(_ url: URL, overwrite: Bool) throws {
        let path = url.path
        var status = stat()
        if lstat(path, &status) == 0 {
            let kind = status.st_mode & S_IFMT
            guard kind == S_IFREG else {
                throw RiskDataError(.notRegularFile, "\(path) is \(describe(fileType: kind)), not a regular file; "
                                    + "refusing to replace it. Give the path of a regular file (or - for standard "
                                    + "output where the command allows it).")
            }
            guard overwrite else {
                throw RiskDataError(.fileExists, "\(path) already exists; refusing to overwrite it. "
                                    + "Choose another output path or pass --force.")
            }
        } else if errno != ENOENT {
            let reason = String(cString: strerror(errno))
            throw RiskDataError(.io, "cannot write \(path): \(reason). Check the path.")
        }
        let directory = url.deletingLastPathComponent().path
        var directoryStatus = stat()
        guard stat(directory, &directoryStatus) == 0, directoryStatus.st_mode & S_IFMT == S_IFDIR else {
            throw RiskDataError(.io, "cannot write \(path): the directory \(directory) does not exist. Create it "
                                + "or choose another output path.")
        }
        guard access(directory, W_OK | X_OK) == 0 else {
            let reason = String(cString: strerror(errno))
            throw RiskDataError(.io, "cannot write \(path): the directory \(directory) is not writable (\(reason)). "
                                + "Choose another output path.")
        }
    }

    /// Removes every temporary file that a ``StagedFile`` of this process has not yet committed or
    /// discarded. For an interrupt handler (`riskctl` calls it on SIGINT and SIGTERM) before the
    /// process ends; the destinations are left as they were.
    ///
    /// - Complexity: O(temporary files open).
    public static func removeTemporaryFiles() {
        removeTemporaryFiles(in: nil)
    }

    /// As ``removeTemporaryFiles()``, limited to the temporary files in `directory` when given: a
    /// test exercises the cleanup without removing the files other tests of the process are writing.
    package static func removeTemporaryFiles(in directory: URL?) {
        let prefix = directory.map { $0.path + "/" }
        for path in StagedFile.pending.withLock({ pending in
            let chosen = pending.filter { prefix == nil || $0.hasPrefix(prefix!) }
            pending.subtract(chosen)
            return Array(chosen)
        }) {
            unlink(path)
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

    static func describe(fileType kind: mode_t) -> String {
        switch kind {
        case S_IFLNK: "a symbolic link"
        case S_IFIFO: "a FIFO (named pipe)"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        case S_IFDIR: "a directory"
        default: "not a regular file"
        }
    }
}

/// A temporary file beside a destination that replaces the destination only on ``commit()``.
///
/// The temporary file is named `.NAME.tmp-PID-RANDOM` in the destination's directory (so the final
/// rename never crosses file systems). Until it is committed or discarded it is listed for
/// ``AtomicFile/removeTemporaryFiles()``; dropping the object without committing removes it.
/// Not for concurrent use: one writer at a time.
public final class StagedFile {
    /// The temporary files not yet committed or discarded, for interrupt handlers.
    static let pending = Mutex<Set<String>>([])

    /// Where the file goes on ``commit()``.
    public let destination: URL
    /// The temporary file's path.
    public let temporaryPath: String
    /// The temporary file, open for writing (owned by this object: do not close it).
    public let descriptor: Int32
    private var finished = false

    /// Checks the destination (``AtomicFile/checkDestination(_:overwrite:)``) and creates the
    /// temporary file.
    ///
    /// - Throws: `RiskDataError` `.fileExists`, `.notRegularFile` or `.io`.
    public init(destination: URL, overwrite: Bool) throws {
        try AtomicFile.checkDestination(destination, overwrite: overwrite)
        self.destination = destination
        let directory = destination.deletingLastPathComponent()
        let name = ".\(destination.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let path = directory.appendingPathComponent(name).path
        // Listed before it exists, so an interrupt between the two never leaves it behind.
        _ = Self.pending.withLock { $0.insert(path) }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            _ = Self.pending.withLock { $0.remove(path) }
            throw RiskDataError(.io, "cannot create a temporary file in \(directory.path) (\(reason)): check that "
                                + "the directory exists and is writable.")
        }
        temporaryPath = path
        self.descriptor = descriptor
    }

    deinit { discard() }

    /// Flushes the temporary file to disk, closes it and renames it over the destination.
    ///
    /// - Throws: `RiskDataError` `.io` naming the destination (flush or rename failed; the temporary
    ///   file is removed and the destination left as it was), `.notRegularFile` when the
    ///   destination became a link, FIFO or device meanwhile.
    public func commit() throws {
        precondition(!finished, "StagedFile.commit() after commit() or discard()")
        let path = destination.path
        do {
            if fsync(descriptor) != 0 && errno != EINVAL && errno != EROFS {
                let reason = String(cString: strerror(errno))
                throw RiskDataError(.io, "cannot write \(path): \(reason). Check the free space, or choose another "
                                    + "output path.")
            }
            var status = stat()
            if lstat(path, &status) == 0, status.st_mode & S_IFMT != S_IFREG {
                throw RiskDataError(.notRegularFile, "\(path) became \(AtomicFile.describe(fileType: status.st_mode & S_IFMT)) "
                                    + "while it was being written; refusing to replace it.")
            }
            if rename(temporaryPath, path) != 0 {
                let reason = String(cString: strerror(errno))
                throw RiskDataError(.io, "cannot move the new file into place at \(path): \(reason).")
            }
        } catch {
            discard()
            throw error
        }
        close(descriptor)
        finished = true
        _ = Self.pending.withLock { $0.remove(temporaryPath) }
    }

    /// Closes and removes the temporary file; the destination is left as it was. Does nothing
    /// after ``commit()`` or a first `discard()`.
    public func discard() {
        guard !finished else { return }
        finished = true
        close(descriptor)
        unlink(temporaryPath)
        _ = Self.pending.withLock { $0.remove(temporaryPath) }
    }
}

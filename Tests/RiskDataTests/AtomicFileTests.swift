import Foundation
import RiskData
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Issue 14 §4: outputs never destroy data. A link, FIFO or device is never replaced by a regular
/// file; an existing file only with `overwrite`; a failure or an interrupt leaves the old file and
/// no temporary file.
@Suite("AtomicFile and StagedFile")
struct AtomicFileTests {
    static func withDirectory(_ body: (URL) throws -> Void) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("atomic-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try body(directory)
    }

    static func failure(_ body: () throws -> Void) -> RiskDataError? {
        do {
            try body()
            return nil
        } catch {
            return error as? RiskDataError
        }
    }

    static func fileType(_ path: String) -> mode_t {
        var status = stat()
        return lstat(path, &status) == 0 ? status.st_mode & S_IFMT : 0
    }

    @Test(arguments: ["symlink", "fifo", "directory", "device"])
    func aNonRegularDestinationIsNeverReplaced(kind: String) throws {
        try Self.withDirectory { directory in
            let target = directory.appendingPathComponent("target.txt")
            try Data("target".utf8).write(to: target)
            let destination = directory.appendingPathComponent("out")
            let expectedType: mode_t
            let description: String
            switch kind {
            case "symlink":
                try FileManager.default.createSymbolicLink(at: destination, withDestinationURL: target)
                (expectedType, description) = (S_IFLNK, "a symbolic link")
            case "fifo":
                #expect(mkfifo(destination.path, 0o600) == 0)
                (expectedType, description) = (S_IFIFO, "a FIFO (named pipe)")
            case "directory":
                try FileManager.default.createDirectory(at: destination, withIntermediateDirectories: false)
                (expectedType, description) = (S_IFDIR, "a directory")
            default:
                // A character device like /dev/null (major 1, minor 3 = 0x103); only root may make one, so elsewhere skip.
                guard mknod(destination.path, S_IFCHR | 0o666, dev_t(0x103)) == 0 else { return }
                (expectedType, description) = (S_IFCHR, "a character device")
            }
            let error = Self.failure { try AtomicFile.write(Data("new".utf8), to: destination, overwrite: true) }
            #expect(error?.code == .notRegularFile)
            #expect(error?.message == "\(destination.path) is \(description), not a regular file; refusing to replace "
                    + "it. Give the path of a regular file (or - for standard output where the command allows it).")
            #expect(Self.fileType(destination.path) == expectedType)
            #expect(try String(contentsOf: target, encoding: .utf8) == "target")
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["out", "target.txt"])
        }
    }

    @Test func anExistingFileIsReplacedOnlyWithOverwrite() throws {
        try Self.withDirectory { directory in
            let url = directory.appendingPathComponent("out.csv")
            try AtomicFile.write(Data("one".utf8), to: url, overwrite: false)
            let error = Self.failure { try AtomicFile.write(Data("two".utf8), to: url, overwrite: false) }
            #expect(error?.code == .fileExists)
            #expect(error?.message == "\(url.path) already exists; refusing to overwrite it. Choose another output path "
                    + "or pass --force.")
            #expect(try String(contentsOf: url, encoding: .utf8) == "one")
            try AtomicFile.write(Data("two".utf8), to: url, overwrite: true)
            #expect(try String(contentsOf: url, encoding: .utf8) == "two")
        }
    }

    @Test func aMissingDirectoryIsFoundBeforeAnyWork() throws {
        try Self.withDirectory { directory in
            let url = directory.appendingPathComponent("no-such-folder/model.json")
            let error = Self.failure { try AtomicFile.checkDestination(url, overwrite: true) }
            #expect(error?.code == .io)
            #expect(error?.message == "cannot write \(url.path): the directory \(directory.path)/no-such-folder does "
                    + "not exist. Create it or choose another output path.")
        }
    }

    /// A body that fails (a bad row, a full disk) leaves the old file and no temporary file.
    @Test func aFailedWriteLeavesTheOldFileAndNoTemporaryFile() throws {
        struct Stop: Error {}
        try Self.withDirectory { directory in
            let url = directory.appendingPathComponent("out.csv")
            try Data("old".utf8).write(to: url)
            #expect(throws: Stop.self) {
                try AtomicFile.write(to: url) { handle in
                    try handle.write(contentsOf: Data("half".utf8))
                    throw Stop()
                }
            }
            #expect(try String(contentsOf: url, encoding: .utf8) == "old")
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["out.csv"])
        }
    }

    /// What an interrupt handler calls: every uncommitted temporary file goes, the destination stays.
    @Test func removeTemporaryFilesRemovesWhatIsBeingWritten() throws {
        try Self.withDirectory { directory in
            let url = directory.appendingPathComponent("out.csv")
            try Data("old".utf8).write(to: url)
            let staged = try StagedFile(destination: url, overwrite: true)
            #expect(write(staged.descriptor, "new", 3) == 3)
            #expect(FileManager.default.fileExists(atPath: staged.temporaryPath))
            #expect(staged.temporaryPath.hasPrefix(directory.path + "/.out.csv.tmp-"))
            // Limited to this test's directory: the process-wide cleanup would also remove the files
            // that tests running at the same time are writing (it did, once: a rename failed).
            AtomicFile.removeTemporaryFiles(in: directory)
            #expect(!FileManager.default.fileExists(atPath: staged.temporaryPath))
            #expect(try String(contentsOf: url, encoding: .utf8) == "old")
            staged.discard()
            // A committed file is not touched by a later cleanup.
            let next = try StagedFile(destination: url, overwrite: true)
            #expect(write(next.descriptor, "new", 3) == 3)
            try next.commit()
            AtomicFile.removeTemporaryFiles(in: directory)
            #expect(try String(contentsOf: url, encoding: .utf8) == "new")
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["out.csv"])
        }
    }
}

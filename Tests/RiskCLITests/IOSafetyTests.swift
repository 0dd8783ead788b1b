import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Issue 14 §3–§4 through the real binary: outputs that destroyed data, inputs that crashed or lost
/// rows, and failures that were not one line. Every hostile input is made here.
@Suite("riskctl input and output safety (issue 14)")
struct IOSafetyTests {
    // MARK: - Helpers

    static func lines(of path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            .map(String.init)
    }

    /// The test file with `edit` applied to the fields of data rows 1…`rowCount` (the first 21 fields
    /// never hold commas, so a split on commas is exact for them).
    static func editedTestFile(_ w: Workspace, name: String, rowCount: Int = 200,
                               _ edit: (Int, inout [String]) -> Void) throws -> String {
        var lines = try lines(of: w.test)
        for k in 1...rowCount {
            var fields = lines[k].split(separator: ",", maxSplits: 20, omittingEmptySubsequences: false).map(String.init)
            edit(k, &fields)
            lines[k] = fields.joined(separator: ",")
        }
        let path = w.path(name)
        try Array(lines.prefix(rowCount + 1)).joined(separator: "\n").appending("\n")
            .write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Every failure is exactly one line on standard error.
    static func expectOneLine(_ r: Riskctl.Result, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(r.standardError.hasPrefix("error: "), "\(r.standardError)", sourceLocation: sourceLocation)
        #expect(r.standardError.filter { $0 == "\n" }.count == 1, "\(r.standardError)", sourceLocation: sourceLocation)
    }

    static func fileType(_ path: String) -> mode_t {
        var status = stat()
        return lstat(path, &status) == 0 ? status.st_mode & S_IFMT : 0
    }

    // MARK: - §4 Outputs that destroy data

    @Test(arguments: ["symlink", "fifo", "device"])
    func scoreRefusesANonRegularOutputEvenWithForce(kind: String) throws {
        let w = try Workspace.shared()
        let directory = try makeScratchDirectory("nonregular")
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("out").path
        let target = directory.appendingPathComponent("kept.csv").path
        try "kept\n".write(toFile: target, atomically: true, encoding: .utf8)
        let expected: (mode_t, String)
        switch kind {
        case "symlink":
            try FileManager.default.createSymbolicLink(atPath: out, withDestinationPath: target)
            expected = (S_IFLNK, "a symbolic link")
        case "fifo":
            #expect(mkfifo(out, 0o600) == 0)
            expected = (S_IFIFO, "a FIFO (named pipe)")
        default:
            // What `--out /dev/full --force` did as root: a device node (1, 7) in the scratch folder.
            guard mknod(out, S_IFCHR | 0o666, dev_t(0x107)) == 0 else { return }
            expected = (S_IFCHR, "a character device")
        }
        let r = try Riskctl.run(["score", "--model", w.model("gbt"), "--data", w.test, "--out", out, "--force"])
        #expect(r.exitCode == 2)
        #expect(r.standardError == "error: \(out) is \(expected.1), not a regular file; refusing to replace it. Give "
                + "the path of a regular file (or - for standard output where the command allows it).\n")
        #expect(Self.fileType(out) == expected.0)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "kept\n")
    }

    /// `--out -` writes the same bytes to standard output as to a file.
    @Test func scoreWritesToStandardOutputWithADash() throws {
        let w = try Workspace.shared()
        let r = try Riskctl.run(["score", "--model", w.model("gbt"), "--data", w.test, "--out", "-",
                                 "--inspection-rate", "0.05", "--reasons", "3"])
        #expect(r.exitCode == 0, "\(r.standardError)")
        #expect(r.standardOutput == (try String(contentsOfFile: w.scores("gbt"), encoding: .utf8)))
        #expect(r.standardError.hasSuffix("selected) → standard output\n"))
        let jsonl = try Riskctl.run(["score", "--model", w.model("gbt"), "--data", w.test, "--out", "-",
                                     "--format", "jsonl", "--reasons", "0"])
        #expect(jsonl.exitCode == 0)
        #expect(jsonl.standardOutput.split(separator: "\n").count == (try Self.lines(of: w.test)).count - 2)
        let usage = try Riskctl.run(["score", "--model", w.model("gbt"), "--data", w.test, "--out", "-",
                                     "--on-bad-row", "skip"])
        #expect(usage.exitCode == 2)
        #expect(usage.standardError.hasPrefix("Error: --out - with --on-bad-row skip needs --rejects FILE for the "
                                              + "rejected rows.\n"))
    }

    @Test func trainAndSplitNeverWriteOverTheSchema() throws {
        let w = try Workspace.shared()
        let before = try Data(contentsOf: URL(fileURLWithPath: w.schema))
        let train = try Riskctl.run(["train", "--data", w.train, "--schema", w.schema, "--out", w.schema, "--force",
                                     "--iterations", "2"])
        #expect(train.exitCode == 2)
        #expect(train.standardError == "error: the output \(w.schema) is the input file \(w.schema); refusing to "
                + "overwrite what you gave. Choose another --out.\n")
        let split = try Riskctl.run(["split", "--data", w.test, "--schema", w.schema, "--out-train", w.schema,
                                     "--out-test", w.path("never-test.csv"), "--force"])
        #expect(split.exitCode == 2)
        #expect(split.standardError == train.standardError)
        #expect(try Data(contentsOf: URL(fileURLWithPath: w.schema)) == before)
        #expect(!FileManager.default.fileExists(atPath: w.path("never-test.csv")))
    }

    /// The output is checked before training: a typo costs a second, not the run.
    @Test func trainChecksItsOutputBeforeTraining() throws {
        let w = try Workspace.shared()
        let out = w.path("no-such-folder/model.json")
        let r = try Riskctl.run(["train", "--data", w.train, "--schema", w.schema, "--out", out])
        #expect(r.exitCode == 2)
        #expect(r.standardError == "error: cannot write \(out): the directory \(w.path("no-such-folder")) does not "
                + "exist. Create it or choose another output path.\n")
        #expect(r.standardOutput == "")
    }

    @Test func featuresAndEvaluateNeedForceToReplaceAFile() throws {
        let w = try Workspace.shared()
        let existing = w.path("existing-output.txt")
        try "mine\n".write(toFile: existing, atomically: true, encoding: .utf8)
        let features = try Riskctl.run(["features", "--data", w.test, "--schema", w.schema, "--out", existing])
        let evaluate = try Riskctl.run(["evaluate", "--model", w.model("logistic"), "--data", w.test,
                                        "--report", existing])
        for r in [features, evaluate] {
            #expect(r.exitCode == 2)
            #expect(r.standardError == "error: \(existing) already exists; pass --force to replace it.\n")
        }
        #expect(try String(contentsOfFile: existing, encoding: .utf8) == "mine\n")
        let forced = try Riskctl.run(["evaluate", "--model", w.model("logistic"), "--data", w.test,
                                      "--report", existing, "--force"])
        #expect(forced.exitCode == 0)
        #expect(try String(contentsOfFile: existing, encoding: .utf8).hasPrefix("<!DOCTYPE html>"))
    }

    /// Starts `riskctl arguments`, waits until a temporary file of `output` appears, sends `signal`,
    /// and returns the process once it ended.
    static func interrupt(_ arguments: [String], output: URL, signal: Int32) throws -> Process {
        let process = Process()
        process.executableURL = try Riskctl.executableURL()
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let directory = output.deletingLastPathComponent().path
        let prefix = ".\(output.lastPathComponent).tmp-"
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning && Date() < deadline {
            if try FileManager.default.contentsOfDirectory(atPath: directory).contains(where: { $0.hasPrefix(prefix) }) {
                break
            }
            usleep(2_000)
        }
        #expect(process.isRunning, "the command ended before its temporary file was seen")
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        return process
    }

    /// SIGINT and SIGTERM while `score` writes: the process ends by the signal, the old output is
    /// intact and no hidden temporary file is left.
    @Test(arguments: [SIGINT, SIGTERM])
    func anInterruptedScoreLeavesNoTemporaryFile(signal: Int32) throws {
        let w = try Workspace.shared()
        let directory = try makeScratchDirectory("interrupt")
        defer { try? FileManager.default.removeItem(at: directory) }
        // 60 copies of the test file: long enough to be interrupted while scoring.
        let lines = try Self.lines(of: w.test).filter { !$0.isEmpty }
        var text = lines[0] + "\n"
        for _ in 0..<60 { text += lines.dropFirst().joined(separator: "\n") + "\n" }
        let data = directory.appendingPathComponent("big.csv")
        try text.write(to: data, atomically: true, encoding: .utf8)
        let out = directory.appendingPathComponent("scores.csv")
        try "old\n".write(to: out, atomically: true, encoding: .utf8)
        let process = try Self.interrupt(["score", "--model", w.model("gbt"), "--data", data.path, "--out", out.path,
                                          "--force", "--reasons", "3", "--threads", "1"],
                                         output: out, signal: signal)
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(process.terminationStatus == signal)
        #expect(try String(contentsOf: out, encoding: .utf8) == "old\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["big.csv", "scores.csv"])
    }

    /// `synth` killed with SIGKILL mid-write (no cleanup is possible): the old file is intact.
    @Test func aKilledSynthLeavesTheOldFile() throws {
        let directory = try makeScratchDirectory("killed")
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("all.csv")
        try "old\n".write(to: out, atomically: true, encoding: .utf8)
        let process = try Self.interrupt(["synth", "--rows", "5000000", "--out", out.path, "--force"], output: out,
                                         signal: SIGKILL)
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(try String(contentsOf: out, encoding: .utf8) == "old\n")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("all.schema.json").path))
    }

    // MARK: - §3 Inputs that crash or lose rows

    /// `/dev/zero` used to be read into memory without end: it stops at the documented limit.
    @Test func anEndlessDeviceIsALimitError() throws {
        let w = try Workspace.shared()
        let out = w.path("never-zero.csv")
        let r = try Riskctl.run(["score", "--model", w.model("gbt"), "--data", "/dev/zero", "--out", out])
        #expect(r.exitCode == 1)
        #expect(r.standardError == "error: zero: a pipe or device gave more than 1073741824 bytes (the maximum "
                + "in-memory input size). Save the declarations to a file and pass its path.\n")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    /// Ids that a spreadsheet would run as formulas get a leading ' in CSV outputs; JSON keeps them.
    @Test func formulaLikeIdsAreGuardedInCSVOutputs() throws {
        let w = try Workspace.shared()
        let ids = ["=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "D-3"]
        let data = try Self.editedTestFile(w, name: "formula.csv", rowCount: 5) { k, fields in fields[0] = ids[k - 1] }
        let out = w.path("formula-scores.csv")
        try Riskctl.succeed(["score", "--model", w.model("gbt"), "--data", data, "--out", out, "--reasons", "0",
                             "--force"])
        let rows = Array(try Self.lines(of: out).dropFirst().prefix(5))
        #expect(rows[0].hasPrefix("\"'=HYPERLINK(\"\"http://x\"\")\","))
        for (row, id) in zip(rows.dropFirst(), ["'+1", "'-2", "'@SUM(A1)", "D-3"]) { #expect(row.hasPrefix(id + ",")) }
        let jsonl = try Riskctl.run(["score", "--model", w.model("gbt"), "--data", data, "--out", "-",
                                     "--format", "jsonl", "--reasons", "0"])
        #expect(jsonl.standardOutput.contains("\"id\":\"=HYPERLINK(\\\"http://x\\\")\""))
        #expect(jsonl.standardOutput.contains("\"id\":\"-2\""))
    }

    /// An id that is not UTF-8 is refused in one line naming the file, line and column.
    @Test func anIdThatIsNotUTF8IsOneLineNamingTheLine() throws {
        let w = try Workspace.shared()
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: w.test)))
        let secondLine = bytes.firstIndex(of: 0x0A)! + 1
        bytes[secondLine + 1] = 0xFF
        let data = w.path("bad-utf8.csv")
        try Data(bytes).write(to: URL(fileURLWithPath: data))
        let r = try Riskctl.run(["score", "--model", w.model("gbt"), "--data", data, "--out", w.path("never-utf8.csv")])
        #expect(r.exitCode == 1)
        Self.expectOneLine(r)
        #expect(r.standardError.hasPrefix("error: bad-utf8.csv, line 2, column \"declaration_id\": the declaration id "
                                          + "is not valid UTF-8 (byte 2 is 0xFF)."))
    }

    /// Empty revenue cells (allowed) and all-zero revenue used to fail training after the fit.
    @Test(arguments: ["empty", "zero"])
    func trainingWithUnknownOrZeroRevenueSucceeds(revenue: String) throws {
        let w = try Workspace.shared()
        var lines = try Self.lines(of: w.train).filter { !$0.isEmpty }
        for k in 1..<lines.count where revenue == "zero" || k % 3 == 0 {
            var fields = lines[k].split(separator: ",", maxSplits: 20, omittingEmptySubsequences: false).map(String.init)
            fields[19] = revenue == "zero" ? "0.00" : ""
            lines[k] = fields.joined(separator: ",")
        }
        let data = w.path("revenue-\(revenue).csv")
        try (lines.joined(separator: "\n") + "\n").write(toFile: data, atomically: true, encoding: .utf8)
        let model = w.path("revenue-\(revenue).json")
        let r = try Riskctl.run(["train", "--data", data, "--schema", w.schema, "--out", model, "--force",
                                 "--iterations", "3"])
        #expect(r.exitCode == 0, "\(r.standardError)")
        let evaluation = try Riskctl.run(["evaluate", "--model", model, "--data", data, "--json"])
        #expect(evaluation.exitCode == 0, "\(evaluation.standardError)")
        #expect(evaluation.standardOutput.contains("\"revenue_at\"") == (revenue == "empty"))
    }
}

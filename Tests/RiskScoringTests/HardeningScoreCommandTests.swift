import CustomsRisk
import Foundation
import Testing

/// `riskctl score` loses no data: it never overwrites its inputs, writes atomically, and under
/// `--on-bad-row skip` writes every good row plus a reject file naming each bad row and why.
/// Runs the built `riskctl` found beside the test binary (`swift build` / `swift test` build it);
/// skipped with a note when it is not there.
@Suite("Hardening: riskctl score loses no data")
struct HardeningScoreCommandTests {
    /// `riskctl` in the build folder of the running test binary, if built.
    static let riskctl: URL? = {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var candidates = [executable.deletingLastPathComponent().appendingPathComponent("riskctl")]
        if let argument = CommandLine.arguments.first {
            candidates.append(URL(fileURLWithPath: argument).deletingLastPathComponent().appendingPathComponent("riskctl"))
        }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()

    struct Run {
        var status: Int32
        var standardError: String
    }

    static func run(_ arguments: [String]) throws -> Run {
        let process = Process()
        process.executableURL = riskctl!
        process.arguments = arguments
        let errorPipe = Pipe()
        process.standardError = errorPipe
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let errorData = errorPipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, standardError: String(decoding: errorData, as: UTF8.self))
    }

    /// A fresh folder with `model.json` (the shared trees bundle) and `batch.csv` with bad rows.
    struct Workspace {
        var folder: URL
        var model: URL { folder.appendingPathComponent("model.json") }
        var data: URL { folder.appendingPathComponent("batch.csv") }
        var out: URL { folder.appendingPathComponent("scores.csv") }
        var goodIDs: [String] = []
        var expectedRejects: [RejectedRow] = []
    }

    static func workspace() throws -> Workspace {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("riskctl-hardening-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var workspace = Workspace(folder: folder)
        try HardeningFixtures.treesBundle.get().write(to: workspace.model)
        // 40 good synthetic rows, then damage some: every kind of bad row the reader rejects.
        let text = String(decoding: SyntheticDeclarations(rowCount: 40, seed: 8).csvBytes(), as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let header = lines[0].split(separator: ",").map(String.init)
        func damage(_ row: Int, column: String, value: String) {
            var fields = lines[row].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            fields[header.firstIndex(of: column)!] = value
            lines[row] = fields.joined(separator: ",")
        }
        damage(3, column: "customs_value", value: "12,5O0")      // wrong field count (an extra comma)
        damage(7, column: "customs_value", value: "12.5O0")      // not a number
        damage(11, column: "date", value: "2024-02-30")          // no such date
        damage(15, column: "hs_code", value: "87A323")           // not an HS code
        damage(19, column: "declaration_id", value: "\"D19\"x")  // text after a closing quote
        damage(23, column: "aeo", value: "maybe")                // not a flag
        try Data(lines.joined(separator: "\n").utf8).write(to: workspace.data)
        let schema = try HardeningFixtures.treesBundle.get().schema
        let reference = try DeclarationReader.read(contentsOf: workspace.data, schema: schema,
                                                   options: .init(badRowPolicy: .skip, requireLabel: false))
        workspace.goodIDs = reference.table.ids
        workspace.expectedRejects = reference.rejected
        return workspace
    }

    static func contents(_ url: URL) -> Data? { try? Data(contentsOf: url) }

    static func leftovers(_ folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.contains(".tmp-") }
    }

    @Test(.enabled(if: riskctl != nil, "riskctl is not built next to the tests; run `swift build` first"))
    func skipModeWritesEveryGoodRowAndARejectFile() throws {
        let w = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: w.folder) }
        #expect(w.goodIDs.count == 40 - 6)
        #expect(w.expectedRejects.map(\.line) == [4, 8, 12, 16, 20, 24])  // lines[k] is line k + 1
        let before = Self.contents(w.data)
        let run = try Self.run(["score", "--model", w.model.path, "--data", w.data.path, "--out", w.out.path,
                                "--on-bad-row", "skip", "--reasons", "2", "--threads", "1"])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(Self.contents(w.data) == before, "the input changed")
        // Every good row, in input order.
        let scored = try String(contentsOf: w.out, encoding: .utf8).split(separator: "\n").dropFirst()
        #expect(scored.map { String($0.prefix { $0 != "," }) } == w.goodIDs)
        // Every bad row, with its line and the reader's reason.
        let rejectFile = URL(fileURLWithPath: w.out.path + ".rejects.csv")
        let rejects = try DeclarationReader.read(
            contentsOf: rejectFile,
            schema: DeclarationSchema(id: "line", fields: [.init(column: "declaration_id", role: .entity),
                                                           .init(column: "reason", role: .entity)]))
        #expect(rejects.table.ids == w.expectedRejects.map { String($0.line) })
        #expect((0..<rejects.table.rowCount).map { rejects.table.text["reason"]![$0] }
                    == w.expectedRejects.map(\.message))
        #expect(rejects.table.text["declaration_id"]![1] == w.expectedRejects[1].declarationID)
        #expect(run.standardError.contains("wrote 6 rejected row(s) to \(rejectFile.path)"))
        #expect(try Self.leftovers(w.folder).isEmpty)
    }

    @Test(.enabled(if: riskctl != nil, "riskctl is not built next to the tests; run `swift build` first"))
    func neverWritesOverItsInputs() throws {
        let w = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: w.folder) }
        let data = Self.contents(w.data), model = Self.contents(w.model)
        let link = w.folder.appendingPathComponent("link.csv")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: w.data)
        for target in [w.data, w.model, link] {
            let run = try Self.run(["score", "--model", w.model.path, "--data", w.data.path, "--out", target.path,
                                    "--on-bad-row", "skip", "--force"])
            #expect(run.status != 0, "\(target.lastPathComponent)")
            #expect(run.standardError.contains("refusing to overwrite what you gave"), "\(run.standardError)")
        }
        #expect(Self.contents(w.data) == data)
        #expect(Self.contents(w.model) == model)
        #expect(try Self.leftovers(w.folder).isEmpty)
    }

    @Test(.enabled(if: riskctl != nil, "riskctl is not built next to the tests; run `swift build` first"))
    func aFailedRunLeavesThePreviousOutputIntact() throws {
        let w = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: w.folder) }
        let previous = Data("previous scores\n".utf8)
        try previous.write(to: w.out)
        // Without --force an existing output is kept.
        let refused = try Self.run(["score", "--model", w.model.path, "--data", w.data.path, "--out", w.out.path,
                                    "--on-bad-row", "skip"])
        #expect(refused.status != 0)
        #expect(refused.standardError.contains("already exists; pass --force to replace it"))
        // With --force but a bad row under the default fail policy: nothing is written.
        let failed = try Self.run(["score", "--model", w.model.path, "--data", w.data.path, "--out", w.out.path,
                                   "--force"])
        #expect(failed.status != 0)
        #expect(failed.standardError.contains(w.expectedRejects[0].message), "\(failed.standardError)")
        #expect(Self.contents(w.out) == previous)
        #expect(try Self.leftovers(w.folder).isEmpty)
    }

    @Test(.enabled(if: riskctl != nil, "riskctl is not built next to the tests; run `swift build` first"))
    func theRejectFileNeverReplacesAnInput() throws {
        let w = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: w.folder) }
        let data = Self.contents(w.data), model = Self.contents(w.model)
        for target in [w.data, w.model] {
            _ = try Self.run(["score", "--model", w.model.path, "--data", w.data.path, "--out", w.out.path,
                              "--on-bad-row", "skip", "--force", "--rejects", target.path])
        }
        #expect(Self.contents(w.data) == data)
        #expect(Self.contents(w.model) == model)
    }
}

import Foundation
import Testing

/// Runs the real `riskctl` binary as a subprocess, the way a user or a script would.
///
/// The binary is the one `swift test` just built (the test target depends on `RiskCLI`): first
/// beside the test bundle, then `.build/debug/riskctl` under the package root found from
/// `#filePath`. Help text is wrapped at the terminal width, so every run sets `COLUMNS=80`.
enum Riskctl {
    struct Result: Sendable {
        var exitCode: Int32
        var standardOutput: String
        var standardError: String
    }

    struct NotBuilt: Error, CustomStringConvertible {
        var searched: [String]
        var description: String {
            "riskctl was not found (looked at \(searched.joined(separator: ", "))). "
                + "Build it with `swift build --product riskctl` or run the tests through `swift test`."
        }
    }

    /// The package root: this file is `<root>/Tests/RiskCLITests/Support/Riskctl.swift`.
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func executableURL() throws -> URL {
        var candidates: [URL] = []
        // `swift test` runs …/.build/<triple>/debug/<package>PackageTests.xctest: riskctl sits beside it.
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        candidates.append(testBinary.deletingLastPathComponent().appendingPathComponent("riskctl"))
        candidates.append(packageRoot.appendingPathComponent(".build/debug/riskctl"))
        for url in candidates where FileManager.default.isExecutableFile(atPath: url.path) {
            return url
        }
        throw NotBuilt(searched: candidates.map(\.path))
    }

    /// Runs `riskctl arguments…` in `directory` and waits for it.
    static func run(_ arguments: [String], in directory: URL? = nil) throws -> Result {
        let process = Process()
        process.executableURL = try executableURL()
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        var environment = ProcessInfo.processInfo.environment
        environment["COLUMNS"] = "80"
        environment["LINES"] = "25"
        process.environment = environment
        // Files rather than pipes: no deadlock however much the child writes.
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("riskctl-run-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("stdout")
        let errURL = scratch.appendingPathComponent("stderr")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        return Result(exitCode: process.terminationStatus,
                      standardOutput: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
                      standardError: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }

    /// Runs and requires exit code 0, recording stderr when it fails.
    @discardableResult
    static func succeed(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> Result {
        let result = try run(arguments)
        #expect(result.exitCode == 0, "riskctl \(arguments.joined(separator: " ")) failed: \(result.standardError)",
                sourceLocation: sourceLocation)
        return result
    }
}

/// A fresh temporary directory, removed by the caller when done.
func makeScratchDirectory(_ label: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("riskctl-\(label)-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

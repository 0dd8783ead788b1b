import Foundation
import Testing

/// `riskctl score --audit` and `riskctl audit verify`.
@Suite struct AuditCommandTests {
    @Test func scoringAppendsAVerifiableChainAndTheScoresDoNotChange() throws {
        let w = try Workspace.shared()
        let log = w.path("audit-\(UUID().uuidString).jsonl")
        let plain = w.path("audit-plain.csv"), withAudit = w.path("audit-scores.csv")
        let arguments = ["score", "--model", w.model("gbt"), "--data", w.test, "--reasons", "2",
                         "--inspection-rate", "0.05", "--force"]
        try Riskctl.succeed(arguments + ["--out", plain])
        try Riskctl.succeed(arguments + ["--out", withAudit, "--audit", log])
        #expect(try Data(contentsOf: URL(fileURLWithPath: plain)) == Data(contentsOf: URL(fileURLWithPath: withAudit)))
        try Riskctl.succeed(arguments + ["--out", withAudit, "--audit", log, "--format", "jsonl"])
        let rows = try CSVTable(contentsOf: URL(fileURLWithPath: plain)).rows.count
        let verified = try Riskctl.succeed(["audit", "verify", log])
        #expect(verified.standardOutput.contains(": \(2 * rows) records, chain intact"))
        // One edited decision is named by its line.
        var lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map(String.init)
        lines[5] = lines[5].replacingOccurrences(of: "\"rules\":[]", with: "\"rules\":[\"R9\"]")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: log))
        let broken = try Riskctl.run(["audit", "verify", log])
        #expect(broken.exitCode == 1)
        #expect(broken.standardError.contains("line 6: the line was changed"), "\(broken.standardError)")
        // Scoring refuses to extend it.
        let refused = try Riskctl.run(arguments + ["--out", withAudit, "--audit", log])
        #expect(refused.exitCode == 1)
    }
}

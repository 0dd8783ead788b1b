import Foundation
import Testing

/// `riskctl replay` end to end: the JSON the issue names, the report, and one-line errors.
@Suite struct ReplayCommandTests {
    @Test func replayWritesPeriodsTotalsAndAReport() throws {
        let w = try Workspace.shared()
        let out = w.path("replay.json"), report = w.path("replay.html")
        let result = try Riskctl.succeed(["replay", "--data", w.path("all.csv"), "--schema", w.schema,
                                          "--start", "2025-09-01", "--period", "month", "--budget", "0.05",
                                          "--exploration", "0,0.1", "--retrain-every", "2", "--iterations", "10",
                                          "--no-oracle", "--seed", "3", "--threads", "2", "--out", out,
                                          "--report", report, "--force"])
        #expect(result.standardOutput.contains("exploration 10 %"))
        let json = try JSONValue.parse(String(decoding: try Data(contentsOf: URL(fileURLWithPath: out)), as: UTF8.self))
        guard case .array(let periods)? = json["periods"] else { Issue.record("no periods: \(json)"); return }
        #expect(periods.count == 4)
        for key in ["start", "declarations", "selected", "illicit_found", "revenue_found", "precision", "revenue_share"] {
            #expect(periods[0][key] != nil, "periods[0] lacks \(key)")
        }
        for key in ["precision", "recall", "revenue_share", "random_revenue_share"] {
            #expect(json["totals"]?[key] != nil, "totals lack \(key)")
        }
        #expect(json["totals"]?["oracle_revenue_share"] == nil)
        let html = try String(contentsOfFile: report, encoding: .utf8)
        #expect(html.contains("Cumulative revenue share"))
    }

    @Test(arguments: [
        (["--start", "2025-13-01"], "--start is \"2025-13-01\"; expected a date as YYYY-MM-DD."),
        (["--start", "2025-09-01", "--exploration", "0,x"], "--exploration has \"x\"; expected shares"),
        (["--start", "2025-09-01", "--budget", "2"], "--budget is 2.0; expected a share"),
    ])
    func badOptionsAreUsageErrors(extra: [String], message: String) throws {
        let w = try Workspace.shared()
        let result = try Riskctl.run(["replay", "--data", w.path("all.csv"), "--schema", w.schema,
                                      "--out", w.path("replay-bad.json"), "--force"] + extra)
        #expect(result.exitCode == 2)
        #expect(result.standardError.contains(message), "\(result.standardError)")
    }
}

import CustomsRisk
import Foundation
import Testing

/// The audit log's hash chain (issue 18, item 3): every kind of tampering is caught at its line.
@Suite struct AuditLogTests {
    static func records(_ n: Int, from start: Int = 0) -> [AuditRecord] {
        (start..<(start + n)).map { k -> AuditRecord in
            let probability = Double(k) / 100
            let raw = Double(k) - 2.5
            let lane = k % 2 == 0 ? "green" : "red"
            let rules: [String] = k == 1 ? ["R1"] : []
            return AuditRecord(id: "D\(k)", time: "2026-12-08T10:00:0\(k % 10)Z",
                               bundleChecksum: String(repeating: "a", count: 64), bundleVersion: "0.5.0",
                               probability: probability, rawScore: raw, lane: lane, selected: k % 3 == 0,
                               selectionProbability: 1, reasonCodes: ["UV_LOW", "NEW_\"TRADER\""], rules: rules)
        }
    }

    func scratch() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("audit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent("audit.jsonl")
    }

    @Test func appendsContinueTheChainAndVerify() throws {
        let url = try scratch()
        let first = try AuditLog(url: url).append(Self.records(3))
        let last = try AuditLog(url: url).append(Self.records(2, from: 3))
        let result = try AuditLog.verify(url)
        #expect(result.lines == 5)
        #expect(result.lastHash == last && last != first)
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        #expect(lines[3].contains("\"seq\":4,"))
        #expect(lines[0].contains("\"reasons\":[\"UV_LOW\",\"NEW_\\\"TRADER\\\"\"]"))
        #expect(try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) is [String: Any])
    }

    @Test(arguments: ["edit", "delete", "swap", "insert", "garbage"])
    func tamperingIsCaughtAtItsLine(kind: String) throws {
        let url = try scratch()
        try AuditLog(url: url).append(Self.records(5))
        var lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
        let expected: String
        switch kind {
        case "edit":
            lines[2] = lines[2].replacingOccurrences(of: "\"lane\":\"green\"", with: "\"lane\":\"red\"")
            expected = "audit.jsonl, line 3: the line was changed"
        case "delete":
            lines.remove(at: 1)
            expected = "audit.jsonl, line 2: the chain is broken"
        case "swap":
            lines.swapAt(1, 2)
            expected = "audit.jsonl, line 2: the chain is broken"
        case "insert":
            lines.insert(lines[0], at: 3)
            expected = "audit.jsonl, line 4: the chain is broken"
        default:
            lines[4] = "{\"seq\":5}"
            expected = "audit.jsonl, line 5: not an audit record"
        }
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: url)
        let error = #expect(throws: AuditError.self) { try AuditLog.verify(url) }
        #expect(error?.message.hasPrefix(expected) == true, "\(error?.message ?? "")")
        // An append never extends a broken chain.
        #expect(throws: AuditError.self) { try AuditLog(url: url).append(Self.records(1)) }
    }
}

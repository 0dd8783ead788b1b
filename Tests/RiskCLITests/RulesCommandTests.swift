import Foundation
import Testing

/// `riskctl rules check` and `rules evaluate` on the shared generated workspace, against counts
/// computed here from the CSV files with the test's own reader.
@Suite struct RulesCommandTests {
    static func write(_ json: String, _ name: String, in workspace: Workspace) throws -> String {
        let path = workspace.path(name)
        try Data(json.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func evaluateMatchesHandComputedCounts() throws {
        let w = try Workspace.shared()
        let test = try CSVTable(contentsOf: URL(fileURLWithPath: w.test))
        let ids = try test.column("declaration_id"), labels = try test.numbers("illicit")
        let revenue = try test.numbers("revenue"), origins = try test.column("origin_country")
        let hs = try test.column("hs_code").map { $0.filter { $0 != "." } }, values = try test.numbers("customs_value")
        let commonOrigin = Dictionary(grouping: origins, by: { $0 }).max { $0.value.count < $1.value.count }!.key
        let cleanIDs = Array(zip(ids, labels).filter { $0.1 == 0 }.prefix(2).map(\.0))
        let rules = """
            {"rules": [
              {"id": "ORIGIN", "description": "Most common origin", "action": "select",
               "conditions": {"field": "origin_country", "equals": "\(commonOrigin)"}},
              {"id": "CH61-1000", "description": "Chapter 61 above 1000", "action": "red", "priority": 2,
               "conditions": {"all": [{"field": "hs_code", "prefix": "61"}, {"field": "customs_value", "min": 1000}]}},
              {"id": "NOPE", "description": "An office that does not exist", "action": "yellow",
               "conditions": {"field": "office", "equals": "NO-SUCH-OFFICE"}},
              {"id": "CLEAN", "description": "Two clean declarations", "action": "select",
               "conditions": {"field": "declaration_id", "in": ["\(cleanIDs[0])", "\(cleanIDs[1])"]}}
            ]}
            """
        let path = try Self.write(rules, "rules-evaluate.json", in: w)
        let result = try Riskctl.succeed(["rules", "evaluate", "--rules", path, "--model", w.model("gbt"),
                                          "--data", w.test, "--top", "5", "--json"])
        let json = try JSONValue.parse(result.standardOutput)
        // The model's top 5 %, from the scores file.
        let scores = try CSVTable(contentsOf: URL(fileURLWithPath: w.scores("gbt")))
        let probabilities = try scores.numbers("probability"), raw = try scores.numbers("raw_score")
        #expect(try scores.column("id") == ids)
        let topCount = Int((0.05 * Double(ids.count)).rounded(.up))
        // Probability, then raw score, then file order (the tie rule of every budget).
        let order = ids.indices.sorted { a, b in
            probabilities[a] != probabilities[b] ? probabilities[a] > probabilities[b]
                : raw[a] != raw[b] ? raw[a] > raw[b] : a < b
        }
        let top = Set(order.prefix(topCount))
        #expect(json["model_selected"] == .number(Double(topCount)))
        #expect(json["declarations"] == .number(Double(ids.count)))
        #expect(json["illicit"] == .number(labels.reduce(0, +)))

        let matchers: [(String, (Int) -> Bool)] = [
            ("ORIGIN", { origins[$0] == commonOrigin }),
            ("CH61-1000", { hs[$0].hasPrefix("61") && values[$0] >= 1000 }),
            ("NOPE", { _ in false }),
            ("CLEAN", { cleanIDs.contains(ids[$0]) }),
        ]
        guard case .array(let rows)? = json["rules"] else { Issue.record("no rules array"); return }
        #expect(rows.count == 4)
        for (row, (id, matches)) in zip(rows, matchers) {
            let hits = ids.indices.filter(matches)
            let illicit = hits.filter { labels[$0] == 1 }.count
            #expect(row["id"] == .string(id))
            #expect(row["hits"] == .number(Double(hits.count)), "\(id)")
            #expect(row["illicit_hits"] == .number(Double(illicit)), "\(id)")
            if hits.isEmpty {
                #expect(row["precision"] == nil && row["model_overlap"] == nil, "\(id)")
                #expect(row["flag"] == .string("never fires"))
            } else {
                #expect(row["precision"] == .number(Double(illicit) / Double(hits.count)), "\(id)")
                #expect(row["model_overlap"] == .number(Double(hits.filter(top.contains).count) / Double(hits.count)), "\(id)")
                guard case .number(let recovered)? = row["revenue"] else { Issue.record("\(id): no revenue"); continue }
                #expect(abs(recovered - hits.reduce(0) { $0 + revenue[$1] }) <= 1e-9 * max(1, recovered), "\(id)")
                #expect(row["flag"] == (illicit == 0 ? .string("fires only on clean declarations") : nil), "\(id)")
            }
        }
        // The generated data make the first two rules fire on illicit declarations.
        #expect(rows[0]["illicit_hits"] != .number(0) && rows[1]["hits"] != .number(0))
    }

    @Test func checkValidatesAgainstTheSchemaAndReportsCollisions() throws {
        let w = try Workspace.shared()
        let good = try Self.write("""
            {"rules": [
              {"id": "AEO", "description": "AEO traders: green except the random share", "action": "exempt",
               "conditions": {"field": "aeo", "equals": true}},
              {"id": "IM-WATCH", "description": "Watched importers", "action": "red",
               "conditions": {"field": "importer_id", "in": ["IM000001", "IM000002"]}},
              {"id": "VALUE", "description": "Low unit value", "action": "add_score", "amount": 0.5,
               "conditions": {"field": "unit_value", "max": 1}}
            ]}
            """, "rules-good.json", in: w)
        let ok = try Riskctl.succeed(["rules", "check", "--rules", good, "--schema", w.schema])
        #expect(ok.standardOutput == """
            \(good): 3 rule(s) valid for all.schema.json (1 red, 1 add_score, 1 exempt)
            warning: rules "AEO" (exempt, priority 0) and "IM-WATCH" (red, priority 0) can match the same \
            declaration; "IM-WATCH" (red) wins at equal priority (stricter).

            """)
        let bad = try Self.write("""
            {"rules": [{"id": "X", "description": "x", "action": "red", "conditions": {"field": "country", "equals": "BD"}}]}
            """, "rules-bad.json", in: w)
        let refused = try Riskctl.run(["rules", "check", "--rules", bad, "--schema", w.schema])
        #expect(refused.exitCode == 1)
        #expect(refused.standardError.hasPrefix(#"error: rule "X": conditions tests "country", which is not a column of the schema. Columns: aeo, customs_value"#))
        #expect(refused.standardError.split(separator: "\n").count == 1)
    }
}

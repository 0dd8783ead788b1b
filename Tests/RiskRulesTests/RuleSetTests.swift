import Foundation
import RiskDeclarations
import Testing
@testable import RiskRules

/// A small schema with the column names of the issue's example and hand-made declarations whose
/// expected matches are written out by hand.
enum RuleFixtures {
    static let schema = DeclarationSchema(id: "id", date: "date", label: "illicit", revenue: "revenue", fields: [
        .init(column: "hs_code", role: .hsCode),
        .init(column: "country_origin", role: .originCountry),
        .init(column: "country_departure", role: .departureCountry),
        .init(column: "importer_id", role: .importer),
        .init(column: "office", role: .office),
        .init(column: "customs_value", role: .customsValue),
        .init(column: "net_weight", role: .netWeight),
        .init(column: "aeo", role: .aeoFlag),
        .init(column: "notes", role: .ignore),
    ])

    /// id, date, hs, origin, departure, importer, office, value, weight, aeo
    static let rows: [(String, String, String, String, String, String, String, String, String, String)] = [
        ("D1", "2023-01-01", "6109.10.0000", "BD", "AE", "IM1", "OF1", "1000", "100", "N"),  // 61, BD via AE, first day
        ("D2", "2024-12-31", "6110.20.1000", "BD", "AE", "IM2", "OF1", "50", "100", "Y"),    // 61, BD via AE, last day
        ("D3", "2025-01-01", "6109.10.0000", "BD", "AE", "IM1", "OF2", "1000", "10", "N"),   // the day after valid_to
        ("D4", "2022-12-31", "6109.10.0000", "BD", "AE", "IM3", "OF2", "2000", "", "Y"),     // the day before valid_from
        ("D5", "2023-06-01", "6209.10.0000", "BD", "AE", "IM3", "OF1", "", "5", "N"),        // chapter 62
        ("D6", "2023-06-01", "6109.10.0000", "CN", "AE", "IM4", "OF2", "10", "1", "Y"),      // origin CN
        ("D7", "", "6109.10.0000", "BD", "SG", "IM5", "OF1", "300", "3", "N"),               // no date, via SG
    ]

    static func table() throws -> DeclarationTable {
        let declarations = rows.map { r in
            Declaration(id: r.0, values: ["date": r.1, "hs_code": r.2, "country_origin": r.3, "country_departure": r.4,
                                          "importer_id": r.5, "office": r.6, "customs_value": r.7, "net_weight": r.8,
                                          "aeo": r.9])
        }
        return try DeclarationTable(declarations: declarations, schema: schema)
    }

    static func day(_ text: String) -> Int32 {
        Array(text.utf8).withUnsafeBufferPointer { ValueParsers.parseDate($0)! }
    }

    static func rules(_ json: String) throws -> RuleSet {
        try RuleSet(json: Data(json.utf8), source: "rules.json")
    }

    /// The ids matched by the single rule of `json`.
    static func hits(_ json: String, asOf: Int32? = nil) throws -> [String] {
        let compiled = try rules(json).compile(for: schema)
        let table = try table()
        let matches = compiled.evaluate(table, asOf: asOf)
        return (0..<table.rowCount).filter { matches.matched(rule: 0, row: $0) }.map { table.ids[$0] }
    }

    static func one(_ conditions: String, extra: String = "") -> String {
        """
        {"rules": [{"id": "R1", "description": "test rule", "action": "select"\(extra), "conditions": \(conditions)}]}
        """
    }
}

@Suite("Rules: reading the file")
struct RuleSetReadingTests {
    /// The issue's example, accepted exactly as written.
    @Test func acceptsTheDocumentedShape() throws {
        let json = """
            {"rules": [
             {"id": "BD-AE-61", "description": "Knitted apparel from Bangladesh via the Emirates: documentary check",
              "valid_from": "2023-01-01", "valid_to": "2024-12-31", "priority": 10, "action": "yellow",
              "conditions": {"all": [{"field": "hs_code", "prefix": "61"}, {"field": "country_origin", "equals": "BD"},
                                     {"field": "country_departure", "equals": "AE"}]}}]}
            """
        let set = try RuleFixtures.rules(json)
        #expect(set.rules.count == 1)
        let rule = set.rules[0]
        #expect(rule.id == "BD-AE-61")
        #expect(rule.priority == 10)
        #expect(rule.action == .yellow)
        #expect(rule.validFrom == RuleFixtures.day("2023-01-01"))
        #expect(rule.validTo == RuleFixtures.day("2024-12-31"))
        #expect(rule.conditions == .all([.field("hs_code", .prefix(["61"])), .field("country_origin", .equals("BD")),
                                         .field("country_departure", .equals("AE"))]))
        // Validity boundaries: D1 on valid_from and D2 on valid_to match; D3 (day after) and D4 (day
        // before) do not; D5 is chapter 62, D6 from CN, D7 via SG.
        #expect(try RuleFixtures.hits(json) == ["D1", "D2"])
    }

    @Test(arguments: [
        (#"{"rules": [{"id": "R1", "description": "d", "action": "red", "conditions": {"all": []}, "colour": 1}]}"#,
         #"rules.json: rule "R1": unknown key "colour"; expected action, amount, author, conditions, description, id, priority, valid_from, valid_to."#),
        (#"{"rules": [{"id": "R 1", "description": "d", "action": "red", "conditions": {"all": []}}]}"#,
         #"rules.json: rules[0]: id "R 1" is not 1–64 letters, digits, '.', '_', ':' or '-' (it becomes the reason code RULE:<id>)."#),
        (#"{"rules": [{"id": "R1", "description": "d", "action": "red", "conditions": {"all": []}}, {"id": "R1", "description": "d", "action": "red", "conditions": {"all": []}}]}"#,
         #"rules.json: rules[1] has id "R1", already used by rules[0]; ids must be unique."#),
        (#"{"rules": [{"id": "R1", "description": " ", "action": "red", "conditions": {"all": []}}]}"#,
         #"rules.json: rule "R1": "description" is text; expected the justification shown to officers, as non-empty text."#),
        (#"{"rules": [{"id": "R1", "description": "d", "action": "block", "conditions": {"all": []}}]}"#,
         #"rules.json: rule "R1": "action" is "block"; expected red, yellow, select, add_score or exempt."#),
        (#"{"rules": [{"id": "R1", "description": "d", "action": "add_score", "conditions": {"all": []}}]}"#,
         #"rules.json: rule "R1": action add_score needs "amount", the log-odds to add, a number from -20 to 20; got none."#),
        (#"{"rules": [{"id": "R1", "description": "d", "action": "red", "amount": 2, "conditions": {"all": []}}]}"#,
         #"rules.json: rule "R1": "amount" is only read with action add_score; this rule's action is red."#),
        (#"{"rules": [{"id": "R1", "description": "d", "action": "red", "valid_from": "2024-02-30", "conditions": {"all": []}}]}"#,
         #"rules.json: rule "R1": "valid_from" is "2024-02-30"; expected a date YYYY-MM-DD such as "2025-03-31" (inclusive)."#),
        (#"{"rules": [{"id": "R1", "description": "d", "action": "red", "valid_from": "2024-03-01", "valid_to": "2024-02-29", "conditions": {"all": []}}]}"#,
         #"rules.json: rule "R1": valid_to 2024-02-29 is before valid_from 2024-03-01; the rule would never apply."#),
        (#"{"rules": [{"id": "R1", "description": "d", "action": "red", "priority": 1.5, "conditions": {"all": []}}]}"#,
         #"rules.json: rule "R1": "priority" is 1.5; expected a whole number from -1000000 to 1000000 (larger wins)."#),
        (#"{"rules": [{"id": "R1", "description": "d", "action": "red"}]}"#,
         #"rules.json: rule "R1": "conditions" is missing; expected e.g. {"all": [{"field": "hs_code", "prefix": "61"}]}."#),
        (#"{"rules": [{"id": "R1", "description": "d", "action": "red", "conditions": {"field": "office", "equal": "OF1"}}]}"#,
         #"rules.json: rule "R1": conditions has unknown key "equal"; expected field with one of prefix, equals, in, min/max, or all, any, not."#),
        (#"{"rules": [{"id": "R1", "description": "d", "action": "red", "conditions": {"field": "office", "equals": "OF1", "in": ["OF2"]}}]}"#,
         #"rules.json: rule "R1": conditions on "office" has the tests equals and in; expected exactly one of prefix, equals, in, or min and/or max."#),
        (#"{"rules": [{"id": "R1", "description": "d", "action": "red", "conditions": {"field": "customs_value", "min": 10, "max": 5}}]}"#,
         #"rules.json: rule "R1": conditions on "customs_value" has min 10 above max 5; no value can match."#),
        (#"{"rules": [{"id": "R1", "description": "d", "action": "red", "conditions": {"all": [{"field": "office"}], "any": []}}]}"#,
         #"rules.json: rule "R1": conditions has keys "all", "any"; a condition with "all" holds nothing else (nest the others inside it)."#),
        (#"{"rules": [{"id": "R1", "description": "d", "action": "red", "conditions": {"any": [{"field": "office", "in": []}]}}]}"#,
         #"rules.json: rule "R1": conditions.any[0].in on "office" is an array; expected a non-empty array of text, e.g. ["IM000123", "IM000456"]."#),
        (#"{"rule": []}"#, #"rules.json: expected a JSON object with a "rules" array, {"rules": [{"id": …, "action": …, "conditions": …}]}."#),
    ] as [(String, String)])
    func refusesWithOneLineNamingTheRuleAndKey(json: String, message: String) throws {
        let error = try #require(throws: RuleError.self) { try RuleFixtures.rules(json) }
        #expect(error.message == message)
        #expect(!error.message.contains("\n"))
    }

    @Test func malformedJSONNamesTheByte() throws {
        let broken = try #require(throws: RuleError.self) { try RuleFixtures.rules("root:x:0:0") }
        #expect(broken.code == .malformedFile)
        #expect(broken.message.hasPrefix("rules.json: not valid JSON: at the top level: "))
        #expect(broken.message.contains("(byte 0)") && !broken.message.contains("NSCocoaErrorDomain"))
    }

    @Test func refusesDeepNesting() throws {
        var condition = #"{"field": "office", "equals": "OF1"}"#
        for _ in 0..<40 { condition = #"{"not": "# + condition + "}" }
        let error = try #require(throws: RuleError.self) { try RuleFixtures.rules(RuleFixtures.one(condition)) }
        #expect(error.message.hasSuffix("nests all/any/not deeper than 32 levels."))
    }

    @Test(arguments: [
        (#"{"field": "country", "equals": "BD"}"#,
         #"rule "R1": conditions tests "country", which is not a column of the schema. Columns: aeo, country_departure, country_origin, customs_value, hs_code, id, importer_id, net_weight, office, unit_value."#),
        (#"{"field": "notes", "equals": "x"}"#,
         #"rule "R1": conditions tests "notes", a column the schema marks ignore (not read). Columns: aeo, country_departure, country_origin, customs_value, hs_code, id, importer_id, net_weight, office, unit_value."#),
        (#"{"field": "hs_code", "prefix": "6a"}"#,
         #"rule "R1": conditions: HS prefix "6a" on "hs_code" is not 1–10 digits (e.g. "61" for a chapter, "6109" for a heading)."#),
        (#"{"field": "customs_value", "prefix": "1"}"#,
         #"rule "R1": conditions: "customs_value" is a number (role customs_value); test it with equals or min/max, not prefix."#),
        (#"{"all": [{"field": "office", "min": 1}]}"#,
         #"rule "R1": conditions.all[0]: "office" is text (role office); min/max apply to numeric columns."#),
        (#"{"field": "customs_value", "equals": "lots"}"#,
         #"rule "R1": conditions: "customs_value" is a number (role customs_value); equals "lots" is not a number."#),
    ] as [(String, String)])
    func compileNamesTheColumnAndWhatItAllows(condition: String, message: String) throws {
        let set = try RuleFixtures.rules(RuleFixtures.one(condition))
        let error = try #require(throws: RuleError.self) { try set.compile(for: RuleFixtures.schema) }
        #expect(error.code == .schemaMismatch)
        #expect(error.message == message)
    }

    @Test func refusesOversizeAndUnreadableFiles() throws {
        let missing = try #require(throws: RuleError.self) {
            try RuleSet.load(contentsOf: URL(fileURLWithPath: "/nonexistent/rules.json"))
        }
        #expect(missing.message == "/nonexistent/rules.json: no such rules file. Check the path.")
        let big = Data(count: RuleSet.maximumFileBytes + 1)
        let error = try #require(throws: RuleError.self) { try RuleSet(json: big, source: "big.json") }
        #expect(error.code == .fileSystem)
    }
}

@Suite("Rules: operators")
struct RuleOperatorTests {
    @Test(arguments: [
        // prefix: HS dots ignored on both sides; a list is any-of.
        (#"{"field": "hs_code", "prefix": "61.09"}"#, ["D1", "D3", "D4", "D6", "D7"]),
        (#"{"field": "hs_code", "prefix": ["6110", "62"]}"#, ["D2", "D5"]),
        (#"{"field": "importer_id", "prefix": "IM"}"#, ["D1", "D2", "D3", "D4", "D5", "D6", "D7"]),
        // equals / in on text, on the id column too.
        (#"{"field": "country_origin", "equals": "CN"}"#, ["D6"]),
        (#"{"field": "country_origin", "equals": "bd"}"#, [String]()),
        (#"{"field": "importer_id", "in": ["IM3", "IM5", "IM9"]}"#, ["D4", "D5", "D7"]),
        (#"{"field": "id", "in": ["D2", "D6"]}"#, ["D2", "D6"]),
        // numbers: inclusive bounds; a missing value fails (D5 has no value, D4 no weight).
        (#"{"field": "customs_value", "min": 1000}"#, ["D1", "D3", "D4"]),
        (#"{"field": "customs_value", "max": 50}"#, ["D2", "D6"]),
        (#"{"field": "customs_value", "min": 50, "max": 300}"#, ["D2", "D7"]),
        (#"{"field": "customs_value", "equals": 300}"#, ["D7"]),
        // the derived unit value (value per kg of net weight): D1 10, D2 0.5, D3 100, D6 10, D7 100.
        (#"{"field": "unit_value", "max": 1}"#, ["D2"]),
        (#"{"field": "unit_value", "min": 100}"#, ["D3", "D7"]),
        // AEO flag: true/false or Y/N.
        (#"{"field": "aeo", "equals": true}"#, ["D2", "D4", "D6"]),
        (#"{"field": "aeo", "equals": "N"}"#, ["D1", "D3", "D5", "D7"]),
        // combinators; not of a test on a missing value holds.
        (#"{"not": {"field": "customs_value", "min": 0}}"#, ["D5"]),
        (#"{"any": [{"field": "country_origin", "equals": "CN"}, {"field": "country_departure", "equals": "SG"}]}"#, ["D6", "D7"]),
        (#"{"all": [{"field": "office", "equals": "OF2"}, {"not": {"field": "aeo", "equals": true}}]}"#, ["D3"]),
        (#"{"all": []}"#, ["D1", "D2", "D3", "D4", "D5", "D6", "D7"]),
        (#"{"any": []}"#, [String]()),
    ] as [(String, [String])])
    func matchesExactlyTheHandPickedDeclarations(condition: String, expected: [String]) throws {
        #expect(try RuleFixtures.hits(RuleFixtures.one(condition)) == expected)
    }

    /// Validity at its boundaries, for declarations with a date and, through `asOf`, without one.
    @Test func validityDatesAreInclusive() throws {
        let json = RuleFixtures.one(#"{"field": "hs_code", "prefix": "61"}"#,
                                    extra: #", "valid_from": "2023-01-01", "valid_to": "2024-12-31""#)
        // D7 has no date: judged on asOf; with no asOf the rule counts as in force.
        #expect(try RuleFixtures.hits(json) == ["D1", "D2", "D6", "D7"])
        #expect(try RuleFixtures.hits(json, asOf: RuleFixtures.day("2024-12-31")) == ["D1", "D2", "D6", "D7"])
        #expect(try RuleFixtures.hits(json, asOf: RuleFixtures.day("2025-01-01")) == ["D1", "D2", "D6"])
        #expect(try RuleFixtures.hits(json, asOf: RuleFixtures.day("2022-12-31")) == ["D1", "D2", "D6"])
        let rule = try RuleFixtures.rules(json).rules[0]
        #expect(rule.isValid(on: RuleFixtures.day("2023-01-01")) && rule.isValid(on: RuleFixtures.day("2024-12-31")))
        #expect(!rule.isValid(on: RuleFixtures.day("2022-12-31")) && !rule.isValid(on: RuleFixtures.day("2025-01-01")))
    }
}

@Suite("Rules: actions and resolution")
struct RuleActionTests {
    static let json = """
        {"rules": [
          {"id": "AEO", "description": "AEO traders: green", "action": "exempt", "priority": 5,
           "conditions": {"field": "aeo", "equals": true}},
          {"id": "IM3", "description": "Importer IM3: physical inspection", "action": "red", "priority": 5,
           "conditions": {"field": "importer_id", "equals": "IM3"}},
          {"id": "OF2", "description": "Office 2 documentary", "action": "yellow", "priority": 1,
           "conditions": {"field": "office", "equals": "OF2"}},
          {"id": "CN", "description": "China origin", "action": "select", "priority": 1,
           "conditions": {"field": "country_origin", "equals": "CN"}},
          {"id": "BOOST", "description": "Chapter 61", "action": "add_score", "amount": 0.75,
           "conditions": {"field": "hs_code", "prefix": "61"}},
          {"id": "DAMP", "description": "Small values", "action": "add_score", "amount": -0.25,
           "conditions": {"field": "customs_value", "max": 100}}
        ]}
        """

    @Test func resolvesByPriorityThenStrictness() throws {
        let compiled = try RuleFixtures.rules(Self.json).compile(for: RuleFixtures.schema)
        let table = try RuleFixtures.table()
        let matches = compiled.evaluate(table)
        func outcome(_ id: String) -> RuleOutcome { compiled.outcome(matches, row: table.ids.firstIndex(of: id)!) }
        // D1: only chapter 61 → +0.75, no decision.
        #expect(outcome("D1") == RuleOutcome(firedRules: [4], decidingRule: nil, decision: nil, addedLogOdds: 0.75))
        // D2: AEO exempt (priority 5); 61 boost and small value: 0.75 − 0.25.
        #expect(outcome("D2") == RuleOutcome(firedRules: [0, 4, 5], decidingRule: 0, decision: .exempt, addedLogOdds: 0.5))
        #expect(outcome("D2").isExempt && !outcome("D2").selects)
        // D4: AEO exempt and importer IM3 red at equal priority 5: red is stricter and wins; OF2 yellow loses.
        #expect(outcome("D4") == RuleOutcome(firedRules: [0, 1, 2, 4], decidingRule: 1, decision: .red, addedLogOdds: 0.75))
        // D6: AEO exempt (5) beats OF2 yellow (1) and CN select (1).
        #expect(outcome("D6").decision == .exempt)
        #expect(outcome("D6").firedRules == [0, 2, 3, 4, 5])
        // D3: OF2 yellow, priority 1.
        #expect(outcome("D3").decision == .yellow && outcome("D3").selects)
        // D5: IM3 red.
        #expect(outcome("D5").decision == .red)
        #expect(matches.hitCount(rule: 0) == 3)
        #expect(matches.rules(matching: 3) == [0, 1, 2, 4])
    }

    @Test func reportsExemptRulesThatCollideWithSelectingOnes() throws {
        let overlaps = try RuleFixtures.rules(Self.json).exemptionOverlaps()
        #expect(overlaps.map(\.description) == [
            #"rules "AEO" (exempt, priority 5) and "IM3" (red, priority 5) can match the same declaration; "IM3" (red) wins at equal priority (stricter)."#,
            #"rules "AEO" (exempt, priority 5) and "OF2" (yellow, priority 1) can match the same declaration; "AEO" (exempt) wins by priority."#,
            #"rules "AEO" (exempt, priority 5) and "CN" (select, priority 1) can match the same declaration; "AEO" (exempt) wins by priority."#,
        ])
    }

    @Test(arguments: [
        // Different equals on one field, disjoint in-lists, prefixes neither extending the other,
        // disjoint ranges, disjoint validity: no collision.
        (#"{"field": "country_origin", "equals": "BD"}"#, #"{"field": "country_origin", "equals": "CN"}"#, "", false),
        (#"{"field": "importer_id", "in": ["A", "B"]}"#, #"{"field": "importer_id", "in": ["C"]}"#, "", false),
        (#"{"field": "hs_code", "prefix": "61"}"#, #"{"field": "hs_code", "prefix": "62"}"#, "", false),
        (#"{"field": "customs_value", "max": 10}"#, #"{"field": "customs_value", "min": 10.5}"#, "", false),
        (#"{"field": "office", "equals": "OF1"}"#, #"{"field": "office", "equals": "OF1"}"#,
         #", "valid_to": "2023-12-31""#, false),
        // Compatible: nested prefixes, overlapping ranges, an equals inside an in-list, any-of with one compatible branch.
        (#"{"field": "hs_code", "prefix": "61"}"#, #"{"field": "hs_code", "prefix": "6109"}"#, "", true),
        (#"{"field": "customs_value", "max": 10}"#, #"{"field": "customs_value", "min": 10}"#, "", true),
        (#"{"field": "importer_id", "in": ["A", "B"]}"#, #"{"field": "importer_id", "equals": "B"}"#, "", true),
        (#"{"field": "country_origin", "equals": "BD"}"#,
         #"{"any": [{"field": "country_origin", "equals": "CN"}, {"field": "office", "equals": "OF1"}]}"#, "", true),
        // Negations are not used to prove disjointness (conservative).
        (#"{"field": "office", "equals": "OF1"}"#, #"{"not": {"field": "office", "equals": "OF1"}}"#, "", true),
    ] as [(String, String, String, Bool)])
    func overlapIsDecidedFieldByField(exempt: String, red: String, validity: String, expected: Bool) throws {
        let json = """
            {"rules": [{"id": "E", "description": "e", "action": "exempt", "conditions": \(exempt)},
                       {"id": "S", "description": "s", "action": "red", "valid_from": "2024-01-01"\(validity),
                        "conditions": \(red)}]}
            """
        // Validity of the second case set: E has none; S starts 2024-01-01 (and may end earlier than it starts → error).
        if validity.isEmpty {
            #expect(try RuleFixtures.rules(json).exemptionOverlaps().count == (expected ? 1 : 0))
        } else {
            #expect(throws: RuleError.self) { try RuleFixtures.rules(json) }
            let disjoint = """
                {"rules": [{"id": "E", "description": "e", "action": "exempt", "valid_to": "2023-12-31", "conditions": \(exempt)},
                           {"id": "S", "description": "s", "action": "red", "valid_from": "2024-01-01", "conditions": \(red)}]}
                """
            #expect(try RuleFixtures.rules(disjoint).exemptionOverlaps().count == (expected ? 1 : 0))
        }
    }
}

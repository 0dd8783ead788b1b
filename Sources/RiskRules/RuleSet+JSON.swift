import Foundation
import RiskData
import RiskDeclarations

// Reading a rules file (format: Docs/Rules.md). Hand-walked from JSONSerialization's objects so
// every error names the rule and the key the way an officer wrote them.
extension RuleSet {
    /// The largest rules file read: rule sets are written by people, so 16 MiB is far beyond any.
    public static let maximumFileBytes = 16 << 20
    /// The most rules in one file.
    public static let maximumRuleCount = 100_000
    /// The deepest nesting of `all`/`any`/`not`.
    public static let maximumConditionDepth = 32

    /// Reads and checks a rules file.
    ///
    /// - Throws: `RuleError` `.fileSystem` when the file cannot be read or exceeds
    ///   ``maximumFileBytes``; otherwise as ``init(json:source:)``.
    /// - Complexity: O(file size).
    public static func load(contentsOf url: URL) throws -> RuleSet {
        let attributes = try? FileManager.default.attributesOfItem(atPath: url.path)
        guard let size = attributes?[.size] as? NSNumber else {
            throw RuleError(.fileSystem, "\(url.path): no such rules file. Check the path.")
        }
        guard size.intValue <= maximumFileBytes else {
            throw RuleError(.fileSystem, "\(url.path): \(size.intValue) bytes; a rules file may hold at most "
                            + "\(maximumFileBytes) bytes.")
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw RuleError(.fileSystem, "\(url.path): cannot read the rules file (\(error.localizedDescription)).")
        }
        return try RuleSet(json: data, source: url.lastPathComponent)
    }

    /// Decodes and checks a rule set from JSON.
    ///
    /// Checks the format only; ``compile(for:)`` checks the fields against a schema.
    ///
    /// - Parameters:
    ///   - json: `{"rules": [{"id", "description", "valid_from", "valid_to", "priority", "action",
    ///     "amount", "conditions"}, …]}`.
    ///   - source: A name for error messages (usually the file name).
    /// - Throws: `RuleError` `.malformedFile` when the JSON is not an object with a `rules` array,
    ///   `.invalidRule` naming the rule, the key and the expected form for anything else: an unknown
    ///   key, a missing or repeated id, an id with characters other than letters, digits, `.`, `_`,
    ///   `:`, `-`, an empty description, a date that is not `YYYY-MM-DD` or ends before it starts, an
    ///   unknown action, `add_score` without a finite `amount` in −20…20, a malformed condition.
    /// - Complexity: O(size of the JSON).
    public init(json: Data, source: String) throws {
        guard json.count <= Self.maximumFileBytes else {
            throw RuleError(.fileSystem, "\(source): \(json.count) bytes; a rules file may hold at most "
                            + "\(Self.maximumFileBytes) bytes.")
        }
        // Our strict scanner first (Docs/BundleFormat.md, "How a bundle is read"): a malformed file is
        // named by byte and path. (A key given twice in one object passes the scan; JSONSerialization
        // then keeps one of them.)
        do {
            try JSONDocument.withDocument(json, limits: JSONLimits()) { _ in }
        } catch let error as JSONReadError {
            throw RuleError(.malformedFile, "\(source): not valid JSON: \(error.description). "
                            + "Expected {\"rules\": [{\"id\": …, \"action\": …, \"conditions\": …}]}.")
        }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: json)
        } catch {
            throw RuleError(.malformedFile, "\(source): not valid JSON (\(Self.describe(error))). "
                            + "Expected {\"rules\": [{\"id\": …, \"action\": …, \"conditions\": …}]}.")
        }
        guard let root = object as? [String: Any], let list = root["rules"] else {
            throw RuleError(.malformedFile, "\(source): expected a JSON object with a \"rules\" array, "
                            + "{\"rules\": [{\"id\": …, \"action\": …, \"conditions\": …}]}.")
        }
        if let extra = root.keys.sorted().first(where: { $0 != "rules" }) {
            throw RuleError(.malformedFile, "\(source): unknown top-level key \"\(extra)\"; expected only \"rules\".")
        }
        guard let items = list as? [Any] else {
            throw RuleError(.malformedFile, "\(source): \"rules\" is \(Self.kind(list)); expected an array of rules.")
        }
        guard items.count <= Self.maximumRuleCount else {
            throw RuleError(.malformedFile, "\(source): \(items.count) rules; at most \(Self.maximumRuleCount) are read.")
        }
        var rules: [Rule] = []
        rules.reserveCapacity(items.count)
        var seen: [String: Int] = [:]
        for (index, item) in items.enumerated() {
            let rule = try Self.parseRule(item, index: index, source: source)
            if let first = seen[rule.id] {
                throw RuleError(.invalidRule, "\(source): rules[\(index)] has id \"\(rule.id)\", already used by "
                                + "rules[\(first)]; ids must be unique.")
            }
            seen[rule.id] = index
            rules.append(rule)
        }
        try self.init(rules: rules)
    }

    private static let ruleKeys: Set<String> = ["id", "description", "valid_from", "valid_to", "priority", "action",
                                                "amount", "conditions", "author"]

    private static func parseRule(_ item: Any, index: Int, source: String) throws -> Rule {
        guard let object = item as? [String: Any] else {
            throw RuleError(.invalidRule, "\(source): rules[\(index)] is \(kind(item)); expected an object.")
        }
        var place = "\(source): rules[\(index)]"
        guard let id = object["id"] as? String else {
            throw RuleError(.invalidRule, "\(place): \"id\" is \(object["id"].map(kind) ?? "missing"); expected text "
                            + "such as \"BD-AE-61\".")
        }
        guard !id.isEmpty, id.count <= 64, id.unicodeScalars.allSatisfy(isIdentifierScalar) else {
            throw RuleError(.invalidRule, "\(place): id \"\(id)\" is not 1–64 letters, digits, '.', '_', ':' or '-' "
                            + "(it becomes the reason code RULE:<id>).")
        }
        place = "\(source): rule \"\(id)\""
        if let unknown = object.keys.sorted().first(where: { !ruleKeys.contains($0) }) {
            throw RuleError(.invalidRule, "\(place): unknown key \"\(unknown)\"; expected "
                            + ruleKeys.sorted().joined(separator: ", ") + ".")
        }
        guard let description = object["description"] as? String,
              !description.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw RuleError(.invalidRule, "\(place): \"description\" is \(object["description"].map(kind) ?? "missing"); "
                            + "expected the justification shown to officers, as non-empty text.")
        }
        let validFrom = try date(object["valid_from"], key: "valid_from", place: place)
        let validTo = try date(object["valid_to"], key: "valid_to", place: place)
        if let validFrom, let validTo, validTo < validFrom {
            throw RuleError(.invalidRule, "\(place): valid_to \(object["valid_to"]!) is before valid_from "
                            + "\(object["valid_from"]!); the rule would never apply.")
        }
        var priority = 0
        if let value = object["priority"] {
            guard let number = value as? NSNumber, !isBoolean(number), let exact = Int(exactly: number.doubleValue),
                  abs(exact) <= 1_000_000 else {
                throw RuleError(.invalidRule, "\(place): \"priority\" is \(describe(value)); expected a whole number "
                                + "from -1000000 to 1000000 (larger wins).")
            }
            priority = exact
        }
        let actionName = object["action"] as? String
        let action: RuleAction
        switch actionName {
        case "red": action = .red
        case "yellow": action = .yellow
        case "select": action = .select
        case "exempt": action = .exempt
        case "add_score":
            guard let amount = object["amount"] as? NSNumber, !isBoolean(amount), amount.doubleValue.isFinite,
                  abs(amount.doubleValue) <= 20 else {
                throw RuleError(.invalidRule, "\(place): action add_score needs \"amount\", the log-odds to add, "
                                + "a number from -20 to 20; got \(object["amount"].map(describe) ?? "none").")
            }
            action = .addScore(logOdds: amount.doubleValue)
        default:
            throw RuleError(.invalidRule, "\(place): \"action\" is \(object["action"].map(describe) ?? "missing"); "
                            + "expected red, yellow, select, add_score or exempt.")
        }
        if actionName != "add_score", object["amount"] != nil {
            throw RuleError(.invalidRule, "\(place): \"amount\" is only read with action add_score; this rule's "
                            + "action is \(actionName!).")
        }
        guard let conditionObject = object["conditions"] else {
            throw RuleError(.invalidRule, "\(place): \"conditions\" is missing; expected e.g. "
                            + "{\"all\": [{\"field\": \"hs_code\", \"prefix\": \"61\"}]}.")
        }
        let conditions = try condition(conditionObject, path: "conditions", place: place, depth: 0)
        return Rule(id: id, description: description, validFrom: validFrom, validTo: validTo, priority: priority,
                    action: action, conditions: conditions)
    }

    private static let testKeys = ["prefix", "equals", "in", "min", "max"]

    private static func condition(_ value: Any, path: String, place: String, depth: Int) throws -> RuleCondition {
        guard depth < maximumConditionDepth else {
            throw RuleError(.invalidRule, "\(place): \(path) nests all/any/not deeper than \(maximumConditionDepth) levels.")
        }
        guard let object = value as? [String: Any] else {
            throw RuleError(.invalidRule, "\(place): \(path) is \(kind(value)); expected an object such as "
                            + "{\"field\": \"origin_country\", \"equals\": \"BD\"} or {\"all\": […]}.")
        }
        let combinators = ["all", "any", "not"].filter { object[$0] != nil }
        if let combinator = combinators.first {
            guard combinators.count == 1, object.count == 1 else {
                let keys = object.keys.sorted().map { "\"\($0)\"" }.joined(separator: ", ")
                throw RuleError(.invalidRule, "\(place): \(path) has keys \(keys); a condition with \"\(combinator)\" "
                                + "holds nothing else (nest the others inside it).")
            }
            if combinator == "not" {
                return .not(try condition(object["not"]!, path: "\(path).not", place: place, depth: depth + 1))
            }
            guard let list = object[combinator] as? [Any] else {
                throw RuleError(.invalidRule, "\(place): \(path).\(combinator) is \(kind(object[combinator]!)); "
                                + "expected an array of conditions.")
            }
            let children = try list.enumerated().map { index, child in
                try condition(child, path: "\(path).\(combinator)[\(index)]", place: place, depth: depth + 1)
            }
            return combinator == "all" ? .all(children) : .any(children)
        }
        if let unknown = object.keys.sorted().first(where: { $0 != "field" && !testKeys.contains($0) }) {
            throw RuleError(.invalidRule, "\(place): \(path) has unknown key \"\(unknown)\"; expected field with one of "
                            + "prefix, equals, in, min/max, or all, any, not.")
        }
        guard let field = object["field"] as? String, !field.isEmpty else {
            throw RuleError(.invalidRule, "\(place): \(path).field is \(object["field"].map(describe) ?? "missing"); "
                            + "expected the name of a schema column.")
        }
        let tests = testKeys.filter { object[$0] != nil }
        let isRange = !tests.isEmpty && tests.allSatisfy { $0 == "min" || $0 == "max" }
        guard tests.count == 1 || isRange else {
            throw RuleError(.invalidRule, "\(place): \(path) on \"\(field)\" has "
                            + (tests.isEmpty ? "no test" : "the tests " + tests.joined(separator: " and "))
                            + "; expected exactly one of prefix, equals, in, or min and/or max.")
        }
        if isRange {
            func bound(_ key: String) throws -> Double? {
                guard let raw = object[key] else { return nil }
                guard let number = raw as? NSNumber, !isBoolean(number), number.doubleValue.isFinite else {
                    throw RuleError(.invalidRule, "\(place): \(path).\(key) on \"\(field)\" is \(describe(raw)); "
                                    + "expected a finite number.")
                }
                return number.doubleValue
            }
            let minimum = try bound("min"), maximum = try bound("max")
            if let minimum, let maximum, maximum < minimum {
                throw RuleError(.invalidRule, "\(place): \(path) on \"\(field)\" has min \(format(minimum)) above "
                                + "max \(format(maximum)); no value can match.")
            }
            return .field(field, .range(minimum: minimum, maximum: maximum))
        }
        switch tests[0] {
        case "prefix":
            let prefixes: [String]
            if let text = object["prefix"] as? String {
                prefixes = [text]
            } else if let list = object["prefix"] as? [Any], !list.isEmpty, list.allSatisfy({ $0 is String }) {
                prefixes = list.map { $0 as! String }
            } else {
                throw RuleError(.invalidRule, "\(place): \(path).prefix on \"\(field)\" is \(describe(object["prefix"]!)); "
                                + "expected text or a non-empty array of text.")
            }
            if let empty = prefixes.firstIndex(where: \.isEmpty) {
                throw RuleError(.invalidRule, "\(place): \(path).prefix[\(empty)] on \"\(field)\" is empty; every "
                                + "value would match. Remove the condition instead.")
            }
            return .field(field, .prefix(prefixes))
        case "equals":
            let raw = object["equals"]!
            if let text = raw as? String { return .field(field, .equals(text)) }
            if let number = raw as? NSNumber {
                if isBoolean(number) { return .field(field, .numberEquals(number.boolValue ? 1 : 0)) }
                if number.doubleValue.isFinite { return .field(field, .numberEquals(number.doubleValue)) }
            }
            throw RuleError(.invalidRule, "\(place): \(path).equals on \"\(field)\" is \(describe(raw)); expected "
                            + "text, a number or true/false.")
        default:  // "in"
            guard let list = object["in"] as? [Any], !list.isEmpty, list.allSatisfy({ $0 is String }) else {
                throw RuleError(.invalidRule, "\(place): \(path).in on \"\(field)\" is \(describe(object["in"]!)); "
                                + "expected a non-empty array of text, e.g. [\"IM000123\", \"IM000456\"].")
            }
            return .field(field, .oneOf(list.map { $0 as! String }))
        }
    }

    private static func date(_ value: Any?, key: String, place: String) throws -> Int32? {
        guard let value, !(value is NSNull) else { return nil }
        guard let text = value as? String, text.utf8.count == 10,
              let day = Array(text.utf8).withUnsafeBufferPointer({ ValueParsers.parseDate($0) }),
              text.utf8[text.utf8.index(text.utf8.startIndex, offsetBy: 4)] == UInt8(ascii: "-") else {
            throw RuleError(.invalidRule, "\(place): \"\(key)\" is \(describe(value)); expected a date YYYY-MM-DD "
                            + "such as \"2025-03-31\" (inclusive).")
        }
        return day
    }

    private static func isIdentifierScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", ".", "_", ":", "-": true
        default: false
        }
    }

    /// JSONSerialization gives booleans as NSNumber too; tell them apart by the type it gives them.
    static func isBoolean(_ number: NSNumber) -> Bool {
        type(of: number) != type(of: NSNumber(value: 1)) && (number == NSNumber(value: true) || number == NSNumber(value: false))
    }

    static func kind(_ value: Any) -> String {
        switch value {
        case is NSNull: "null"
        case is String: "text"
        case let number as NSNumber: isBoolean(number) ? "a boolean" : "a number"
        case is [Any]: "an array"
        case is [String: Any]: "an object"
        default: "\(type(of: value))"
        }
    }

    static func describe(_ value: Any) -> String {
        switch value {
        case let text as String: "\"\(text.count > 40 ? String(text.prefix(40)) + "…" : text)\""
        case let number as NSNumber: isBoolean(number) ? (number.boolValue ? "true" : "false") : format(number.doubleValue)
        default: kind(value)
        }
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
    }

    private static func describe(_ error: any Error) -> String {
        let text = "\(error)"
        return text.count > 160 ? String(text.prefix(160)) + "…" : text
    }
}

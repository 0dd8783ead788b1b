import RiskData
import RiskDeclarations

/// The name of the derived field a rule may test besides the schema's columns: the customs value
/// per kilogram of net weight (missing when either is missing or the weight is not positive).
public let unitValueFieldName = "unit_value"

extension RuleSet {
    /// Checks every condition against `schema` and prepares the rules for evaluation.
    ///
    /// A condition may name the id column, any column with a text role (prefix, equals, in), any
    /// column with a numeric role (equals, min/max; `aeo_flag` columns also take true/false), and
    /// ``unitValueFieldName`` when the schema has `customs_value` and `net_weight` columns. A
    /// `prefix` on the `hs_code` column must be 1–10 digits (dots and spaces ignored).
    ///
    /// - Throws: `RuleError(.schemaMismatch)` naming the rule, the condition's path, the column and
    ///   the columns that exist, or the test and what the column's role allows.
    /// - Complexity: O(size of the rules).
    public func compile(for schema: DeclarationSchema) throws -> CompiledRuleSet {
        try CompiledRuleSet(rules: self, schema: schema)
    }
}

/// A rule set checked against a schema, ready to evaluate on tables of that schema.
///
/// Immutable and `Sendable`: share one instance across threads.
public struct CompiledRuleSet: Sendable {
    /// The rules.
    public let ruleSet: RuleSet
    /// The schema the rules were checked against.
    public let schema: DeclarationSchema

    enum Source: Sendable, Hashable {
        case id
        case text(column: String, isHSCode: Bool)
        case number(column: String)
        case unitValue(value: String, weight: String)
    }

    indirect enum Node: Sendable {
        case all([Node])
        case any([Node])
        case not(Node)
        case test(Source, FieldTest)
    }

    let nodes: [Node]

    init(rules: RuleSet, schema: DeclarationSchema) throws {
        self.ruleSet = rules
        self.schema = schema
        var sources: [String: (Source, FieldRole?)] = [schema.id: (.id, nil)]
        for field in schema.fields where field.role != .ignore {
            sources[field.column] = field.role.isNumeric ? (.number(column: field.column), field.role)
                : (.text(column: field.column, isHSCode: field.role == .hsCode), field.role)
        }
        if sources[unitValueFieldName] == nil, let value = schema.column(for: .customsValue),
           let weight = schema.column(for: .netWeight) {
            sources[unitValueFieldName] = (.unitValue(value: value, weight: weight), nil)
        }
        let known = sources.keys.sorted()
        func compile(_ condition: RuleCondition, path: String, rule: Rule) throws -> Node {
            switch condition {
            case .all(let children):
                return .all(try children.enumerated().map { try compile($1, path: "\(path).all[\($0)]", rule: rule) })
            case .any(let children):
                return .any(try children.enumerated().map { try compile($1, path: "\(path).any[\($0)]", rule: rule) })
            case .not(let child):
                return .not(try compile(child, path: "\(path).not", rule: rule))
            case .field(let name, let test):
                let place = "rule \"\(rule.id)\": \(path)"
                guard let (source, role) = sources[name] else {
                    let ignored = schema.fields.contains { $0.column == name && $0.role == .ignore }
                    throw RuleError(.schemaMismatch, "\(place) tests \"\(name)\", "
                                    + (ignored ? "a column the schema marks ignore (not read). "
                                              : "which is not a column of the schema. ")
                                    + "Columns: " + Self.list(known) + ".")
                }
                let isNumeric: Bool
                switch source {
                case .id, .text: isNumeric = false
                case .number, .unitValue: isNumeric = true
                }
                switch test {
                case .prefix(let prefixes), .oneOf(let prefixes):
                    guard !isNumeric else {
                        throw RuleError(.schemaMismatch, "\(place): \"\(name)\" is a number (role \(role?.rawValue ?? "derived")); "
                                        + "test it with equals or min/max, not \(test.name).")
                    }
                    if case .prefix = test, case .text(_, true) = source {
                        var digits: [String] = []
                        for prefix in prefixes {
                            let stripped = prefix.filter { $0 != "." && $0 != " " }
                            guard (1...10).contains(stripped.count), stripped.allSatisfy({ ("0"..."9").contains($0) }) else {
                                throw RuleError(.schemaMismatch, "\(place): HS prefix \"\(prefix)\" on \"\(name)\" is not "
                                                + "1–10 digits (e.g. \"61\" for a chapter, \"6109\" for a heading).")
                            }
                            digits.append(stripped)
                        }
                        return .test(source, .prefix(digits))
                    }
                    return .test(source, test)
                case .equals(let text):
                    if isNumeric {
                        if role == .aeoFlag, let flag = Self.flag(text) { return .test(source, .numberEquals(flag)) }
                        guard let number = Double(text), number.isFinite else {
                            throw RuleError(.schemaMismatch, "\(place): \"\(name)\" is a number (role "
                                            + "\(role?.rawValue ?? "derived")); equals \"\(text)\" is not a number.")
                        }
                        return .test(source, .numberEquals(number))
                    }
                    return .test(source, test)
                case .numberEquals(let number):
                    guard isNumeric else {
                        // Text columns hold codes such as "0012": compare the text the number is written as.
                        return .test(source, .equals(RuleSet.format(number)))
                    }
                    return .test(source, test)
                case .range:
                    guard isNumeric else {
                        throw RuleError(.schemaMismatch, "\(place): \"\(name)\" is text (role \(role?.rawValue ?? "id")); "
                                        + "min/max apply to numeric columns.")
                    }
                    return .test(source, test)
                }
            }
        }
        nodes = try rules.rules.map { try compile($0.conditions, path: "conditions", rule: $0) }
    }

    static func flag(_ text: String) -> Double? {
        switch text.lowercased() {
        case "1", "true", "yes", "y": 1
        case "0", "false", "no", "n": 0
        default: nil
        }
    }

    static func list(_ names: [String]) -> String {
        names.count <= 30 ? names.joined(separator: ", ")
            : names.prefix(30).joined(separator: ", ") + ", … \(names.count - 30) more"
    }
}

extension FieldTest {
    var name: String {
        switch self {
        case .prefix: "prefix"
        case .equals, .numberEquals: "equals"
        case .oneOf: "in"
        case .range: "min/max"
        }
    }
}

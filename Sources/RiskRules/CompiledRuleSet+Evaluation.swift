import RiskData
import RiskDeclarations

/// Which declarations of a table each rule matched (in force on the declaration's date and its
/// conditions hold).
public struct RuleMatches: Sendable, Hashable {
    /// Number of declarations.
    public let rowCount: Int
    /// One bit set per rule, `rowCount` bits each.
    let words: [[UInt64]]

    /// Whether rule `rule` (index into the rule set) matched declaration `row`.
    public func matched(rule: Int, row: Int) -> Bool {
        words[rule][row >> 6] & (1 << UInt64(row & 63)) != 0
    }

    /// How many declarations rule `rule` matched. - Complexity: O(rowCount / 64).
    public func hitCount(rule: Int) -> Int {
        words[rule].reduce(0) { $0 + $1.nonzeroBitCount }
    }

    /// The indices of the rules that matched `row`, in rule-set order. - Complexity: O(rules).
    public func rules(matching row: Int) -> [Int] {
        words.indices.filter { matched(rule: $0, row: row) }
    }
}

/// What the rules decide for one declaration, before the model.
///
/// Resolution (Docs/Rules.md): every matching `add_score` rule adds its log-odds. Among the
/// matching `red`, `yellow`, `select` and `exempt` rules the one with the largest `priority`
/// decides; at equal priority the stricter one (red, then yellow, then select, then exempt).
public struct RuleOutcome: Sendable, Hashable {
    /// The rules that matched, in rule-set order (indices into the rule set).
    public var firedRules: [Int]
    /// The deciding rule (index), if any matching rule decides a lane or selection.
    public var decidingRule: Int?
    /// The deciding action: `.red`, `.yellow`, `.select` or `.exempt`; `nil` when no such rule matched.
    public var decision: RuleAction?
    /// The sum of the matching `add_score` amounts (0 when none).
    public var addedLogOdds: Double

    /// Whether the rules select the declaration for control by themselves.
    public var selects: Bool { decision?.selects ?? false }
    /// Whether the declaration is exempt: green and never selected by the model (exploration still applies).
    public var isExempt: Bool { decision == .exempt }
}

extension CompiledRuleSet {
    /// Evaluates every rule on every declaration of `table`.
    ///
    /// A rule is in force on the declaration's date (`valid_from` … `valid_to`, inclusive); a
    /// declaration without a date (or a schema without a date column) is judged on `asOf`, and when
    /// `asOf` is `nil` too, every rule is taken to be in force. A test on a missing value fails.
    ///
    /// - Parameters:
    ///   - table: Declarations read with this rule set's schema (the same column names).
    ///   - asOf: The day (since 1970-01-01) for declarations without a date, e.g. today when scoring.
    /// - Returns: The matches, one bit per rule and declaration.
    /// - Complexity: O(rules × conditions × rows); text tests are decided once per distinct value.
    public func evaluate(_ table: DeclarationTable, asOf: Int32? = nil) -> RuleMatches {
        let rowCount = table.rowCount
        let wordCount = (rowCount + 63) / 64
        var result: [[UInt64]] = []
        result.reserveCapacity(nodes.count)
        for (index, node) in nodes.enumerated() {
            let rule = ruleSet.rules[index]
            var mask = evaluate(node, table)
            if rule.validFrom != nil || rule.validTo != nil {
                for row in 0..<rowCount where mask[row] {
                    if let day = table.dates?[row] ?? asOf, !rule.isValid(on: day) { mask[row] = false }
                }
            }
            var words = [UInt64](repeating: 0, count: wordCount)
            for row in 0..<rowCount where mask[row] { words[row >> 6] |= 1 << UInt64(row & 63) }
            result.append(words)
        }
        return RuleMatches(rowCount: rowCount, words: result)
    }

    /// Resolves what the matching rules decide for declaration `row` (see ``RuleOutcome``).
    /// - Complexity: O(rules).
    public func outcome(_ matches: RuleMatches, row: Int) -> RuleOutcome {
        var outcome = RuleOutcome(firedRules: [], decidingRule: nil, decision: nil, addedLogOdds: 0)
        var best: (priority: Int, strictness: Int)?
        for index in ruleSet.rules.indices where matches.matched(rule: index, row: row) {
            outcome.firedRules.append(index)
            let rule = ruleSet.rules[index]
            let strictness: Int
            switch rule.action {
            case .addScore(let logOdds):
                outcome.addedLogOdds += logOdds
                continue
            case .red: strictness = 3
            case .yellow: strictness = 2
            case .select: strictness = 1
            case .exempt: strictness = 0
            }
            if best == nil || (rule.priority, strictness) > best! {
                best = (rule.priority, strictness)
                outcome.decidingRule = index
                outcome.decision = rule.action
            }
        }
        return outcome
    }

    private func evaluate(_ node: Node, _ table: DeclarationTable) -> [Bool] {
        let rowCount = table.rowCount
        switch node {
        case .all(let children):
            var mask = [Bool](repeating: true, count: rowCount)
            for child in children {
                let other = evaluate(child, table)
                for row in 0..<rowCount { mask[row] = mask[row] && other[row] }
            }
            return mask
        case .any(let children):
            var mask = [Bool](repeating: false, count: rowCount)
            for child in children {
                let other = evaluate(child, table)
                for row in 0..<rowCount { mask[row] = mask[row] || other[row] }
            }
            return mask
        case .not(let child):
            return evaluate(child, table).map { !$0 }
        case .test(let source, let test):
            switch source {
            case .id:
                return table.ids.map { Self.textPasses($0, test) }
            case .text(let column, _):
                guard let values = table.text[column] else { return [Bool](repeating: false, count: rowCount) }
                let passes = values.vocabulary.map { Self.textPasses($0, test) }
                return values.codes.map { $0 >= 0 && Int($0) < passes.count && passes[Int($0)] }
            case .number(let column):
                guard let values = table.numbers[column] else { return [Bool](repeating: false, count: rowCount) }
                return values.map { Self.numberPasses($0, test) }
            case .unitValue(let valueColumn, let weightColumn):
                guard let values = table.numbers[valueColumn], let weights = table.numbers[weightColumn] else {
                    return [Bool](repeating: false, count: rowCount)
                }
                return (0..<rowCount).map { row in
                    weights[row] > 0 ? Self.numberPasses(values[row] / weights[row], test) : false
                }
            }
        }
    }

    static func textPasses(_ value: String, _ test: FieldTest) -> Bool {
        switch test {
        case .prefix(let prefixes): prefixes.contains { value.hasPrefix($0) }
        case .equals(let expected): value == expected
        case .oneOf(let values): values.contains(value)
        case .numberEquals, .range: false
        }
    }

    static func numberPasses(_ value: Double, _ test: FieldTest) -> Bool {
        guard !value.isNaN else { return false }
        switch test {
        case .numberEquals(let expected): return value == expected
        case .range(let minimum, let maximum):
            if let minimum, !(value >= minimum) { return false }
            if let maximum, !(value <= maximum) { return false }
            return true
        case .prefix, .equals, .oneOf: return false
        }
    }
}

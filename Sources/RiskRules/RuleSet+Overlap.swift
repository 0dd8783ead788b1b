/// Two rules with opposite intents that can match the same declaration: an `exempt` rule and a
/// `red`, `yellow` or `select` rule. Priority decides which one wins (``RuleOutcome``), but an
/// officer should know the two collide.
public struct RuleOverlap: Sendable, Hashable, CustomStringConvertible {
    /// Index of the `exempt` rule.
    public var exemptRule: Int
    /// Index of the selecting rule.
    public var selectingRule: Int
    /// The one-line report.
    public var description: String
}

extension RuleSet {
    /// Pairs of an `exempt` rule and a selecting rule (`red`, `yellow`, `select`) whose validity
    /// periods overlap and whose conditions can hold together.
    ///
    /// The test is conservative: conditions are expanded into alternatives of field tests (up to
    /// 256 per rule; beyond that a pair is reported as possibly overlapping), and a pair is reported
    /// unless some field's tests contradict (different `equals`/`in` values, prefixes neither of
    /// which extends the other, disjoint ranges). Negated tests are not used to prove disjointness.
    ///
    /// - Complexity: O(pairs × alternatives²).
    public func exemptionOverlaps() -> [RuleOverlap] {
        let alternatives = rules.map { Self.alternatives($0.conditions, negated: false) }
        var overlaps: [RuleOverlap] = []
        for (e, exempt) in rules.enumerated() where exempt.action == .exempt {
            for (s, selecting) in rules.enumerated() where selecting.action.selects {
                let from = max(exempt.validFrom ?? .min, selecting.validFrom ?? .min)
                let to = min(exempt.validTo ?? .max, selecting.validTo ?? .max)
                guard from <= to else { continue }
                let possible: Bool
                if let a = alternatives[e], let b = alternatives[s] {
                    possible = a.contains { x in b.contains { y in Self.satisfiable(x + y) } }
                } else {
                    possible = true
                }
                guard possible else { continue }
                let winner = exempt.priority > selecting.priority ? "\"\(exempt.id)\" (exempt) wins by priority"
                    : "\"\(selecting.id)\" (\(selecting.action.name)) wins"
                        + (exempt.priority == selecting.priority ? " at equal priority (stricter)" : " by priority")
                overlaps.append(RuleOverlap(
                    exemptRule: e, selectingRule: s,
                    description: "rules \"\(exempt.id)\" (exempt, priority \(exempt.priority)) and \"\(selecting.id)\" "
                        + "(\(selecting.action.name), priority \(selecting.priority)) can match the same declaration; "
                        + "\(winner)."))
            }
        }
        return overlaps
    }

    struct Literal {
        var field: String
        var test: FieldTest
        var negated: Bool
    }

    /// The condition as alternatives (OR) of conjunctions (AND) of literals; nil when too many.
    static func alternatives(_ condition: RuleCondition, negated: Bool) -> [[Literal]]? {
        let limit = 256
        switch (condition, negated) {
        case (.field(let field, let test), _):
            return [[Literal(field: field, test: test, negated: negated)]]
        case (.not(let child), _):
            return alternatives(child, negated: !negated)
        case (.all(let children), false), (.any(let children), true):   // AND
            var result: [[Literal]] = [[]]
            for child in children {
                guard let options = alternatives(child, negated: negated) else { return nil }
                var next: [[Literal]] = []
                for left in result { for right in options { next.append(left + right) } }
                guard next.count <= limit else { return nil }
                result = next
            }
            return result
        case (.any(let children), false), (.all(let children), true):   // OR
            var result: [[Literal]] = []
            for child in children {
                guard let options = alternatives(child, negated: negated) else { return nil }
                result += options
                guard result.count <= limit else { return nil }
            }
            return result
        }
    }

    /// Whether the positive literals of a conjunction can hold together (negations are ignored).
    static func satisfiable(_ literals: [Literal]) -> Bool {
        var byField: [String: [FieldTest]] = [:]
        for literal in literals where !literal.negated { byField[literal.field, default: []].append(literal.test) }
        for tests in byField.values {
            var allowed: Set<String>?
            var prefixGroups: [[String]] = []
            var low = -Double.infinity, high = Double.infinity
            for test in tests {
                switch test {
                case .equals(let value): allowed = (allowed ?? [value]).intersection([value])
                case .oneOf(let values): allowed = (allowed ?? Set(values)).intersection(values)
                case .prefix(let prefixes): prefixGroups.append(prefixes.map { $0.filter { $0 != "." && $0 != " " } })
                case .numberEquals(let value): low = max(low, value); high = min(high, value)
                case .range(let minimum, let maximum):
                    if let minimum { low = max(low, minimum) }
                    if let maximum { high = min(high, maximum) }
                }
            }
            if low > high { return false }
            if let allowed {
                let survivors = allowed.filter { value in
                    prefixGroups.allSatisfy { group in group.contains { value.filter { $0 != "." && $0 != " " }.hasPrefix($0) } }
                }
                if survivors.isEmpty { return false }
            } else if var candidates = prefixGroups.first {
                for group in prefixGroups.dropFirst() {
                    var next: [String] = []
                    for a in candidates {
                        for b in group {
                            if a.hasPrefix(b) { next.append(a) } else if b.hasPrefix(a) { next.append(b) }
                        }
                    }
                    candidates = next
                    if candidates.isEmpty { return false }
                }
            }
        }
        return true
    }
}

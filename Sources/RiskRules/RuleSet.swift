import RiskData

/// Officer-defined selectivity criteria that run beside a model: "chapter 61 from BD via AE until
/// 31 March: documentary check", "this importer: physical inspection", "AEO traders: green except
/// the random share".
///
/// Modelled on the selectivity modules of ASYCUDA and the EU's common risk criteria: each rule has
/// an author-facing `id`, a `description` that is the justification shown to officers, validity
/// dates, conditions on declaration fields and one action. The file format is in Docs/Rules.md;
/// ``RuleSet/init(json:source:)`` reads it with one-line errors naming the rule and the key.
///
/// Immutable and `Sendable`.
public struct RuleSet: Sendable, Hashable {
    /// The rules in file order (the order `RULE:<id>` reason codes are listed in).
    public var rules: [Rule]

    /// Creates a rule set.
    ///
    /// - Throws: `RuleError(.invalidRule)` when two rules share an id.
    public init(rules: [Rule]) throws {
        var seen = Set<String>()
        for rule in rules where !seen.insert(rule.id).inserted {
            throw RuleError(.invalidRule, "rule id \"\(rule.id)\" appears twice; ids must be unique.")
        }
        self.rules = rules
    }
}

/// One selectivity criterion.
public struct Rule: Sendable, Hashable {
    /// A short unique identifier (letters, digits, `.`, `_`, `:`, `-`), used in `RULE:<id>` reason codes.
    public var id: String
    /// The justification shown to officers, e.g. "Knitted apparel from Bangladesh via the Emirates".
    public var description: String
    /// First day the rule applies (days since 1970-01-01, inclusive), or `nil` for no start.
    public var validFrom: Int32?
    /// Last day the rule applies (inclusive), or `nil` for no end.
    public var validTo: Int32?
    /// Larger wins when rules that set a lane disagree (see ``RuleOutcome``).
    public var priority: Int
    /// What the rule does to a declaration it matches.
    public var action: RuleAction
    /// When the rule matches.
    public var conditions: RuleCondition

    /// Creates a rule. Validation of the id, dates and amounts is done by ``RuleSet/init(json:source:)``
    /// and ``RuleSet/compile(for:)``.
    public init(id: String, description: String, validFrom: Int32? = nil, validTo: Int32? = nil, priority: Int = 0,
                action: RuleAction, conditions: RuleCondition) {
        self.id = id
        self.description = description
        self.validFrom = validFrom
        self.validTo = validTo
        self.priority = priority
        self.action = action
        self.conditions = conditions
    }

    /// Whether the rule is in force on `day` (days since 1970-01-01); bounds are inclusive.
    public func isValid(on day: Int32) -> Bool {
        if let validFrom, day < validFrom { return false }
        if let validTo, day > validTo { return false }
        return true
    }
}

/// What a rule does to the declarations it matches.
public enum RuleAction: Sendable, Hashable {
    /// Physical inspection (red lane), selected.
    case red
    /// Documentary check (yellow lane), selected.
    case yellow
    /// Selected for inspection; the lane is left to the model's thresholds.
    case select
    /// Adds `logOdds` to the model's raw score before calibration (may be negative).
    case addScore(logOdds: Double)
    /// Green lane and never selected by the model; the random exploration share still applies.
    case exempt

    /// The JSON spelling of the action.
    public var name: String {
        switch self {
        case .red: "red"
        case .yellow: "yellow"
        case .select: "select"
        case .addScore: "add_score"
        case .exempt: "exempt"
        }
    }

    /// Whether the action selects the declaration for control by itself.
    public var selects: Bool {
        switch self {
        case .red, .yellow, .select: true
        case .addScore, .exempt: false
        }
    }
}

/// When a rule matches: tests on declaration fields combined with `all`, `any` and `not`.
public indirect enum RuleCondition: Sendable, Hashable {
    /// Every condition holds (an empty list always holds).
    case all([RuleCondition])
    /// At least one condition holds (an empty list never holds).
    case any([RuleCondition])
    /// The condition does not hold.
    case not(RuleCondition)
    /// A test of one field's value.
    case field(String, FieldTest)
}

/// A test of one field. A missing value passes no test (so `not` of a test on a missing value holds).
public enum FieldTest: Sendable, Hashable {
    /// The text starts with one of the prefixes. On the HS code, dots and spaces are ignored on both sides.
    case prefix([String])
    /// The text equals the value exactly (case-sensitive, surrounding spaces trimmed by the reader).
    case equals(String)
    /// The text equals one of the values.
    case oneOf([String])
    /// The number equals the value.
    case numberEquals(Double)
    /// The number lies in `minimum ... maximum` (either bound may be absent; bounds inclusive).
    case range(minimum: Double?, maximum: Double?)
}

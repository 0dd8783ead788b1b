import RiskDeclarations
import RiskFeatures

/// The warnings of a table's rows: inputs that were missing or unusable (in schema order), then
/// identifier and category values never seen in training (in key-field order), each with how it
/// was scored. The one routine of every entry point and output format: `RiskAssessment.warnings`
/// holds its sentences (when `ScoringOptions.includeWarnings`), and `count(row:)` the number of
/// them that every `riskctl score` format summarises on standard error.
///
/// A quantity or customs value ≤ 0 leaves the ratios divided by it undefined; the feature
/// pipeline scores those ratios as missing (Docs/FeatureEngineering.md), and the warning says so.
struct ScoringWarnings {
    /// A checked column of the table, looked up once per table rather than once per row.
    struct Source {
        var column: String
        var role: FieldRole
        var numbers: [Double]?
        var codes: [Int32]?
    }

    enum Warning {
        case missingNumber(column: String)
        case nonPositiveQuantity(column: String, value: Double)
        case nonPositiveCustomsValue(column: String, value: Double)
        case missingText(column: String)
        case unseen(column: String, value: String)
    }

    let sources: [Source]
    let unseen: UnseenValueIndex
    /// Trees learn a direction for a missing value; a linear model imputes the median.
    let treesModel: Bool

    init(_ scorer: RiskScorer, table: DeclarationTable) {
        sources = scorer.checkedColumns.map { column, role in
            role.isNumeric ? Source(column: column, role: role, numbers: table.numbers[column] ?? [], codes: nil)
                           : Source(column: column, role: role, numbers: nil, codes: table.text[column]?.codes ?? [])
        }
        unseen = scorer.bundle.pipeline.unseenValueIndex(for: table)
        if case .boostedTrees = scorer.bundle.model { treesModel = true } else { treesModel = false }
    }

    /// Calls `body` for each warning of row `r`, in order. Allocation-free.
    @inline(__always)
    func forEach(row r: Int, _ body: (Warning) -> Void) {
        for source in sources {
            if let numbers = source.numbers {
                guard r < numbers.count else { continue }
                let value = numbers[r]
                if value.isNaN {
                    body(.missingNumber(column: source.column))
                } else if value <= 0, source.role == .quantity {
                    body(.nonPositiveQuantity(column: source.column, value: value))
                } else if value <= 0, source.role == .customsValue {
                    body(.nonPositiveCustomsValue(column: source.column, value: value))
                }
            } else if let codes = source.codes, r < codes.count, codes[r] < 0 {
                body(.missingText(column: source.column))
            }
        }
        unseen.forEach(row: r) { body(.unseen(column: $0, value: $1)) }
    }

    /// The number of warnings of row `r`: the conditions of `forEach`, counted without building a
    /// warning (no string is retained: this runs for every row of every `riskctl score`).
    func count(row r: Int) -> Int {
        var count = 0
        for source in sources {
            if let numbers = source.numbers {
                guard r < numbers.count else { continue }
                let value = numbers[r]
                if value.isNaN || (value <= 0 && (source.role == .quantity || source.role == .customsValue)) {
                    count += 1
                }
            } else if let codes = source.codes, r < codes.count, codes[r] < 0 {
                count += 1
            }
        }
        return count + unseen.count(row: r)
    }

    /// The warnings of row `r` as sentences.
    func sentences(row r: Int) -> [String] {
        var out: [String] = []
        forEach(row: r) { out.append(sentence($0)) }
        return out
    }

    func sentence(_ warning: Warning) -> String {
        switch warning {
        case .missingNumber(let column):
            treesModel ? "\(column) is missing; scored as missing (trees learned a direction for it)."
                       : "\(column) is missing; scored as missing (imputed with the training median)."
        case .nonPositiveQuantity(let column, let value):
            "\(column) is \(value); the unit value is undefined and scored as missing."
        case .nonPositiveCustomsValue(let column, let value):
            "\(column) is \(value); the tax and FOB ratios are undefined and scored as missing."
        case .missingText(let column):
            "\(column) is missing; scored as an unseen value (the training prior)."
        case .unseen(let column, let value):
            "\(column) \"\(value)\" was not seen in training; scored with the training prior (no history)."
        }
    }
}

import Foundation
import RiskDeclarations
import RiskModelBundle

/// A selected history made ready for training (issue 17, Docs/Feedback.md).
///
/// A customs label exists only where an officer inspected, and the old policy chose whom to
/// inspect. Training keeps the inspected rows (the only labelled ones) and, when the history
/// records each declaration's `selection_probability`, weights each inspected row by the inverse of
/// that probability: a declaration the old policy rarely selected stands for many unselected ones
/// like it (Horvitz-Thompson), so the model learns the population's risk, not the old policy's
/// choices. The weights are
///
///     wᵢ = 1 / max(pᵢ, clip),   then divided by their mean over the rows of each fit,
///
/// clipped because a tiny pᵢ would let one row dominate a fit (variance), and self-normalised so
/// that hyperparameters that count weight (the smallest hessian in a leaf, the L2 penalty) keep
/// their meaning. The weights reach the trees and logistic regression (gradients and hessians),
/// early stopping, the calibrator and the revenue model. Risk profiles and lane thresholds are
/// fitted unweighted (listed in Docs/Feedback.md as what is left).
struct InspectedHistory {
    /// The history's column of selection probabilities, kept in the prepared tables' numbers under
    /// role `ignore` (so that it follows every row selection) and read for the weights.
    let probabilityColumn: String?
    /// What the bundle records.
    let record: SelectedHistoryFit

    /// The inspected rows of `table` (nil when its schema has no `inspected` role), with the
    /// `inspected` and `selection_probability` roles turned into `ignore`: they describe how the
    /// history was collected, and a declaration being scored has neither.
    ///
    /// - Throws: `TrainingError` `.invalidData` naming the declaration when an inspected row has no
    ///   selection probability, or when no row was inspected.
    static func inspectedRows(of table: DeclarationTable) throws -> DeclarationTable? {
        guard let column = table.schema.column(for: .inspected) else { return nil }
        let flags = table.numbers[column] ?? []
        let rows = flags.indices.filter { flags[$0] == 1 }
        guard !rows.isEmpty else {
            throw TrainingError(.invalidData, "the selected history has no inspected declaration (column \"\(column)\" "
                                + "is 1 on no row); there is no label to learn from.")
        }
        if let probabilityColumn = table.schema.column(for: .selectionProbability),
           let probabilities = table.numbers[probabilityColumn],
           let bad = rows.first(where: { !(probabilities[$0] > 0 && probabilities[$0] <= 1) }) {
            let line = table.sourceLines.map { "line \($0[bad]), " } ?? ""
            throw TrainingError(.invalidData, "\(line)declaration \(table.ids[bad]): \(probabilityColumn) is "
                                + "\"\(probabilities[bad])\" on an inspected row; expected the probability with which "
                                + "it was selected, in (0, 1].")
        }
        var kept = table.selectingRows(rows)
        kept.schema.fields = kept.schema.fields.map { field in
            field.role.isSelectionRecord ? DeclarationSchema.Field(column: field.column, role: .ignore) : field
        }
        if let column = table.schema.column(for: .inspected) { kept.numbers[column] = nil }
        return kept
    }

    /// Prepares `training` (and `validation`) when they are a selected history; nil otherwise.
    ///
    /// - Throws: `TrainingError` for an out-of-range clip, a history without inspected rows or an
    ///   inspected row without a selection probability.
    static func prepare(_ training: DeclarationTable, validation: DeclarationTable?, options: TrainingOptions)
        throws -> (history: InspectedHistory, training: DeclarationTable, validation: DeclarationTable?)? {
        guard let kept = try inspectedRows(of: training) else { return nil }
        let clip = options.propensityClip
        guard clip > 0, clip <= 1 else {
            throw TrainingError(.invalidParameter, "propensity clip is \(clip); expected a selection probability in "
                                + "(0, 1] below which probabilities are raised to it.")
        }
        let probabilityColumn = options.propensityWeighting ? training.schema.column(for: .selectionProbability) : nil
        let keptValidation = try validation.map { try inspectedRows(of: $0) ?? $0 }
        var record = SelectedHistoryFit(historyRows: training.rowCount, inspectedRows: kept.rowCount,
                                        weighting: "none: every inspected declaration counts once")
        if let probabilityColumn, let probabilities = kept.numbers[probabilityColumn] {
            record.propensityClip = clip
            record.clippedRows = probabilities.filter { $0 < clip }.count
            let weights = Self.weights(probabilities, clip: clip)
            record.largestWeight = Double(weights.max() ?? 1)
            let sum = weights.reduce(0) { $0 + Double($1) }, squares = weights.reduce(0) { $0 + Double($1 * $1) }
            record.effectiveRows = squares > 0 ? sum * sum / squares : 0
            record.weighting = "inverse selection probability (\(probabilityColumn)), probabilities below \(clip) "
                + "raised to it, self-normalised to mean 1 in each fit"
        }
        return (InspectedHistory(probabilityColumn: probabilityColumn, record: record), kept, keptValidation)
    }

    /// 1 / max(p, clip), divided by the mean: mean 1 over `probabilities`.
    static func weights(_ probabilities: [Double], clip: Double) -> [Float] {
        guard !probabilities.isEmpty else { return [] }
        let inverse = probabilities.map { 1 / max($0, clip) }
        let mean = inverse.reduce(0, +) / Double(inverse.count)
        return inverse.map { Float($0 / mean) }
    }

    /// `weights` divided by their mean (mean 1), for a subset of rows that are fitted on their own.
    static func normalised(_ weights: [Float]) -> [Float] {
        let mean = weights.reduce(0) { $0 + Double($1) } / Double(max(1, weights.count))
        return mean > 0 ? weights.map { Float(Double($0) / mean) } : weights
    }

    /// The weights of `table`'s rows, self-normalised over them; nil without weighting (or for a
    /// validation file that is not a selected history).
    func weights(_ table: DeclarationTable, clip: Double) -> [Float]? {
        guard let probabilityColumn, let probabilities = table.numbers[probabilityColumn] else { return nil }
        return Self.weights(probabilities, clip: clip)
    }
}

extension DeclarationTable {
    /// The inspected declarations of a selected history (a schema with an `inspected` role), with
    /// the `inspected` and `selection_probability` roles turned into `ignore`: the rows training
    /// learns from (Docs/Feedback.md). nil when the table is not a selected history.
    ///
    /// - Throws: `TrainingError` `.invalidData` when no row was inspected, or an inspected row has
    ///   no selection probability (naming its line and id).
    /// - Complexity: O(rows × columns).
    public func inspectedRows() throws -> DeclarationTable? {
        try InspectedHistory.inspectedRows(of: self)
    }
}


import RiskData
import RiskDeclarations

/// One customs concept of the feature pipeline (amounts, unit-value reference, risk profiles, codes,
/// calendar, passthrough): it learns its statistics from the training rows and names the trees
/// columns it contributes. `FeaturePipeline.fit` fits every family and lays their columns out by
/// `ColumnBlock`; the fitted parts go into the stored fields of `FittedFeaturePipeline` (the bundle's
/// format). Encoding and facts still read those fields directly (see Docs/Architecture.md).
protocol FeatureFamily {
    /// Learns the family's statistics from the training rows (the keys are already coded).
    init(fitting training: TrainingInput)
    /// The trees columns of the family, each tagged with its block, in order within a block.
    var columns: [FamilyColumn] { get }
}

/// Where a column goes in the trees matrix. Blocks are laid out in the order of these cases, and
/// families within a block in `FeaturePipeline.fit`'s order: this is the column order of every
/// bundle written so far, so changing it changes bundles (the byte-identity checks would fail).
enum ColumnBlock: CaseIterable {
    case amounts, unitValue, keyCodes, calendar, flags, profiles, categoricalCodes, numerics
}

/// One trees column a family contributes: its slot (how the encoder computes it), its name and group,
/// and how it reaches the linear matrix.
struct FamilyColumn {
    var block: ColumnBlock
    var slot: Slot
    var column: FeatureColumn
    /// nil: standardised from the training trees column (`Slot.linearTransform`, with a missing
    /// indicator when the column has missing values); otherwise exactly these linear columns
    /// (one-hot levels; empty = the column reaches the linear model only through other columns).
    var linear: [(plan: LinearColumnPlan, column: FeatureColumn)]?

    init(_ block: ColumnBlock, _ slot: Slot, _ name: String, _ group: String, kind: FeatureKind = .numeric,
         linear: [(plan: LinearColumnPlan, column: FeatureColumn)]? = nil) {
        self.block = block
        self.slot = slot
        self.column = FeatureColumn(name: name, group: group, kind: kind)
        self.linear = linear
    }
}

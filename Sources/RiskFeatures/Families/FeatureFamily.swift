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
    /// How a trees column reaches the linear matrix.
    enum Linear {
        /// Standardised after `LinearTransform` with statistics of the training trees column, plus a
        /// missing indicator when that column has missing values.
        case standardized(LinearTransform)
        /// Exactly these linear columns (one-hot levels; none = only through other columns).
        case columns([(plan: LinearColumnPlan, column: FeatureColumn)])
    }

    var block: ColumnBlock
    var slot: Slot
    var column: FeatureColumn
    var linear: Linear

    init(_ block: ColumnBlock, _ slot: Slot, _ name: String, _ group: FeatureGroup, kind: FeatureKind = .numeric,
         linear: Linear = .standardized(.identity)) {
        self.block = block
        self.slot = slot
        self.column = FeatureColumn(name: name, group: group.name, kind: kind)
        self.linear = linear
    }
}

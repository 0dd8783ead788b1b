import RiskData
import RiskDeclarations

/// The result of `FeaturePipeline.fit`: the fitted pipeline and the training matrices.
///
/// The training matrices differ from `pipeline.transform(trainingTable, …)`: their risk profiles
/// are out-of-fold (no row sees its own label) and their declaration counts exclude the row itself,
/// which is what a model must be trained on to see the same distribution at scoring time.
public struct FeaturePipelineFit: Sendable {
    /// The fitted pipeline to store in the model bundle and use for scoring.
    public let pipeline: FittedFeaturePipeline
    /// Training matrix for tree models (NaN = missing).
    public let treesMatrix: FeatureMatrix
    /// Training matrix for the linear model (no NaN/±∞).
    public let linearMatrix: FeatureMatrix
    /// The training labels, one per row.
    public let labels: [Float]
    /// The training revenue, when the table has it.
    public let revenue: [Double]?

    /// The training matrix of `kind`.
    public func matrix(for kind: FeatureMatrixKind) -> FeatureMatrix {
        kind == .trees ? treesMatrix : linearMatrix
    }

    /// The training data set of `kind` (features, labels and revenue).
    ///
    /// - Throws: `RiskDataError` when the labels are not finite (never after a successful fit).
    public func dataset(for kind: FeatureMatrixKind) throws -> Dataset {
        try Dataset(features: matrix(for: kind), labels: labels, revenue: revenue)
    }
}

/// Learns the feature transform from labelled declarations. See Docs/FeatureEngineering.md.
///
/// ```swift
/// let fit = try FeaturePipeline(configuration: .init(profileMode: .timeOrdered)).fit(training)
/// let model = try BoostedTrees(…).fit(fit.dataset(for: .trees))
/// let features = try fit.pipeline.transform(newDeclarations, for: .trees)
/// ```
public struct FeaturePipeline: Sendable {
    /// The parameters `fit` uses (validated by `fit`).
    public var configuration: FeaturePipelineConfiguration

    /// Creates a pipeline with `configuration` (defaults suit customs data; see each property).
    public init(configuration: FeaturePipelineConfiguration = FeaturePipelineConfiguration()) {
        self.configuration = configuration
    }

    /// Fits vocabularies, risk profiles, reference prices and linear statistics on `table`, and
    /// builds both training matrices with out-of-fold risk profiles.
    ///
    /// Deterministic: the same table and configuration give bit-identical results for every thread count.
    ///
    /// - Parameter table: Labelled training declarations (labels in `0...1`).
    /// - Returns: The fitted pipeline and the training matrices.
    /// - Throws: `RiskFeaturesError`: `.invalidConfiguration`, `.emptyTable`, `.missingLabels`,
    ///   `.invalidLabel`, `.shapeMismatch` (a column of the wrong length) or `.invalidSchema`
    ///   (two output columns with the same name).
    /// - Complexity: O(*n* log *n* + *n* × columns).
    public func fit(_ table: DeclarationTable) throws -> FeaturePipelineFit {
        let configuration = self.configuration
        try configuration.validate()
        let (labels, revenue) = try Self.trainingLabels(of: table)
        let training = try TrainingInput(table: table, configuration: configuration, labels: labels, revenue: revenue)
        let amounts = AmountsFamily(fitting: training), unitValue = UnitValueFamily(fitting: training)
        let codes = CodesFamily(fitting: training), calendar = CalendarFamily(fitting: training)
        let passthrough = PassthroughFamily(fitting: training), profiles = ProfilesFamily(fitting: training)
        let families: [any FeatureFamily] = [amounts, unitValue, codes, calendar, passthrough, profiles]
        let columns = ColumnBlock.allCases.flatMap { block in
            families.flatMap { $0.columns.filter { $0.block == block } }
        }
        try Self.checkUniqueNames(columns.map(\.column.name))

        var fitted = FittedFeaturePipeline(
            configuration: configuration, roles: training.roles, hasDate: training.hasDate,
            hasRevenue: revenue != nil, keyFields: training.keyFields, vocabularies: training.vocabularies,
            routePairTable: training.routePairs, profiledFields: profiles.fields,
            profiles: profiles.profiles, prior: profiles.prior, priorRevenue: profiles.priorRevenue,
            referencePerKilogram: unitValue.perKilogram, referencePerUnit: unitValue.perUnit,
            importerFirstDate: calendar.importerFirstDate, categoricalLevels: codes.levels,
            treeSlots: columns.map(\.slot), treeSchema: FeatureSchema(columns: columns.map(\.column)),
            linearPlan: [], linearSchema: FeatureSchema(columns: []))
        // The training view: route codes are computed from the countries, so the route vocabulary
        // fitted since the view was made does not change it.
        let view = training.view, override = TrainingOverride(profiles: profiles.outOfFold)
        let trees = fitted.emit(view, kind: .trees, override: override, threadCount: configuration.threadCount)

        // The linear plan, from the training trees matrix.
        let linearColumns = columns.enumerated().flatMap { source, column in
            switch column.linear {
            case .columns(let columns): columns
            case .standardized(let transform):
                trees.withUnsafeColumn(source) { Self.standardized($0, source: source, transform, column.column) }
            }
        }
        try Self.checkUniqueNames(linearColumns.map(\.column.name))
        fitted.linearPlan = linearColumns.map(\.plan)
        fitted.linearSchema = FeatureSchema(columns: linearColumns.map(\.column))  // every one numeric
        let linear = fitted.emit(view, kind: .linear, override: override, threadCount: configuration.threadCount)
        return FeaturePipelineFit(pipeline: fitted, treesMatrix: trees, linearMatrix: linear, labels: labels,
                                  revenue: revenue)
    }

    /// The labels and revenue of a training table, checked.
    static func trainingLabels(of table: DeclarationTable) throws -> (labels: [Float], revenue: [Double]?) {
        let n = table.rowCount
        guard n > 0 else {
            throw RiskFeaturesError(.emptyTable, "Cannot fit the feature pipeline on an empty table (0 declarations). "
                + "Provide at least one labelled declaration.")
        }
        guard let labels = table.labels else {
            let column = table.schema.label.map { "\"\($0)\"" } ?? "none"
            throw RiskFeaturesError(.missingLabels, "Cannot fit the feature pipeline: the table has no labels "
                + "(schema label column: \(column)). Name the 0/1 label column in the schema and include it "
                + "in the data.")
        }
        guard labels.count == n, table.ids.count == n else {
            throw RiskFeaturesError(.shapeMismatch, "The table has \(n) rows but \(labels.count) labels and "
                + "\(table.ids.count) ids. Rebuild the table so every column has one value per row.")
        }
        if let bad = labels.firstIndex(where: { !($0 >= 0 && $0 <= 1) }) {
            throw RiskFeaturesError(.invalidLabel, "Label of declaration \"\(table.ids[bad])\" (row \(bad)) is "
                + "\(labels[bad]); expected a number in 0...1 (1 = illicit). Fix the label column before fitting.")
        }
        if let revenue = table.revenue, revenue.count != n {
            throw RiskFeaturesError(.shapeMismatch, "The revenue column has \(revenue.count) values; the table has "
                + "\(n) rows. Rebuild the table so every column has one value per row.")
        }
        return (labels, table.revenue)
    }

    /// The linear columns of trees column `source` (`values` in training): standardised after `transform`
    /// with the median (over present values), mean and scale (over imputed values) of the transformed
    /// column, plus a missing indicator when the training column has missing values.
    static func standardized(_ values: UnsafeBufferPointer<Float>, source: Int, _ transform: LinearTransform,
                             _ column: FeatureColumn) -> [(plan: LinearColumnPlan, column: FeatureColumn)] {
        var present: [Double] = []
        present.reserveCapacity(values.count)
        for x in values where !x.isNaN {
            present.append(FittedFeaturePipeline.linearInput(Double(x), transform: transform))
        }
        let median = present.isEmpty ? 0 : Numerics.median(selecting: &present)
        let missing = values.count - present.count
        var sum = 0.0
        for x in present { sum += x }
        sum += Double(missing) * median
        let mean = values.isEmpty ? 0 : sum / Double(values.count)
        var squares = 0.0
        for x in present { squares += (x - mean) * (x - mean) }
        squares += Double(missing) * (median - mean) * (median - mean)
        let deviation = values.isEmpty ? 0 : (squares / Double(values.count)).squareRoot()
        let scale = deviation > 1e-12 ? deviation : 1
        let plan: LinearColumnPlan = transform == .logOdds
            ? .standardizedLogOdds(source: source, median: median, mean: mean, scale: scale)
            : .standardized(source: source, logarithm: transform == .signedLogarithm, median: median, mean: mean,
                            scale: scale)
        return [(plan, column)] + (missing == 0 ? [] : [
            (.missingIndicator(source: source), FeatureColumn(name: "\(column.name)_missing", group: column.group)),
        ])
    }

    static func checkUniqueNames(_ names: [String]) throws {
        var seen = Set<String>()
        for name in names where !seen.insert(name).inserted {
            throw RiskFeaturesError(.invalidSchema, "Two feature columns are named \"\(name)\". Rename the "
                + "declaration column that produces it (a numeric, entity or categorical role) in the schema.")
        }
    }
}

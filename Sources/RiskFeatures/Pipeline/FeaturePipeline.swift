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
        let revenue = table.revenue
        if let revenue, revenue.count != n {
            throw RiskFeaturesError(.shapeMismatch, "The revenue column has \(revenue.count) values; the table has "
                + "\(n) rows. Rebuild the table so every column has one value per row.")
        }

        // Roles whose columns the training table actually has.
        var roles = RoleColumns(table.schema)
        func present(_ column: String?, text: Bool) -> String? {
            guard let column else { return nil }
            return (text ? table.text[column] != nil : table.numbers[column] != nil) ? column : nil
        }
        roles.hsCode = present(roles.hsCode, text: true)
        roles.importer = present(roles.importer, text: true)
        roles.declarant = present(roles.declarant, text: true)
        roles.origin = present(roles.origin, text: true)
        roles.departure = present(roles.departure, text: true)
        roles.office = present(roles.office, text: true)
        roles.customsValue = present(roles.customsValue, text: false)
        roles.fobValue = present(roles.fobValue, text: false)
        roles.quantity = present(roles.quantity, text: false)
        roles.grossWeight = present(roles.grossWeight, text: false)
        roles.netWeight = present(roles.netWeight, text: false)
        roles.taxes = present(roles.taxes, text: false)
        roles.aeoFlag = present(roles.aeoFlag, text: false)
        roles.entities = roles.entities.filter { table.text[$0] != nil }
        roles.categoricals = roles.categoricals.filter { table.text[$0] != nil }
        roles.numerics = roles.numerics.filter { table.numbers[$0] != nil }
        let hasDate = table.schema.date != nil && table.dates != nil

        // Key fields and their vocabularies.
        var keyFields: [KeyField] = []
        if roles.hsCode != nil { keyFields += [.hs6, .hs4, .hs2] }
        if roles.origin != nil { keyFields.append(.origin) }
        if roles.departure != nil { keyFields.append(.departure) }
        if roles.origin != nil, roles.departure != nil { keyFields.append(.route) }
        if roles.importer != nil { keyFields.append(.importer) }
        if roles.declarant != nil { keyFields.append(.declarant) }
        if roles.office != nil { keyFields.append(.office) }
        keyFields += roles.entities.map { .entity($0) }
        keyFields += roles.categoricals.map { .categorical($0) }

        var distinct: [String: Set<String>] = [:]
        for field in keyFields {
            guard let column = roles.textColumn(of: field), let text = table.text[column] else { continue }
            var used = [Bool](repeating: false, count: text.vocabulary.count)
            for code in text.codes where code >= 0 && Int(code) < used.count { used[Int(code)] = true }
            var keys = distinct[field.space] ?? []
            for (code, raw) in text.vocabulary.enumerated() where used[code] {
                if let key = KeyText.key(of: field, from: raw) { keys.insert(key) }
            }
            distinct[field.space] = keys
        }
        var vocabularies = distinct.mapValues { Vocabulary(distinct: $0) }
        if keyFields.contains(.route) { vocabularies["route"] = Vocabulary(distinct: []) }
        let preliminary = try TableView(table: table, roles: roles, hasDate: hasDate, keyFields: keyFields,
                                        vocabularies: vocabularies)

        // Per-row codes (field-major); routes are named once countries are coded.
        var codes = keyFields.map { _ in [Int32](repeating: KeyCode.missing, count: n) }
        var routePairs: [Int64: Int32] = [:]
        do {
            let scratch = UnsafeMutableBufferPointer<Int32>.allocate(capacity: max(1, keyFields.count))
            defer { scratch.deallocate() }
            preliminary.withKernel { kernel in
                for row in 0..<n {
                    kernel.resolveCodes(row: row, routePairs: [:], into: scratch)
                    for field in keyFields.indices { codes[field][row] = scratch[field] }
                }
            }
            if let routeField = preliminary.routeField, let originField = preliminary.originField,
               let departureField = preliminary.departureField {
                let countries = vocabularies["country"]?.names ?? []
                var pairNames: [Int64: String] = [:]
                for row in 0..<n {
                    let origin = codes[originField][row], departure = codes[departureField][row]
                    guard origin >= 0, departure >= 0 else { continue }
                    let key = KeyText.pair(departure, origin)
                    if pairNames[key] == nil {
                        pairNames[key] = KeyText.route(departure: countries[Int(departure)],
                                                       origin: countries[Int(origin)])
                    }
                }
                let routes = Vocabulary(distinct: Set(pairNames.values))
                vocabularies["route"] = routes
                for (key, name) in pairNames { routePairs[key] = routes.code(of: name) }
                for row in 0..<n {
                    let origin = codes[originField][row], departure = codes[departureField][row]
                    codes[routeField][row] = origin >= 0 && departure >= 0
                        ? routePairs[KeyText.pair(departure, origin)]! : KeyCode.missing
                }
            }
        }
        func vocabularyCount(_ field: Int) -> Int { vocabularies[keyFields[field].space]?.count ?? 0 }

        // Risk profiles: all-data statistics and out-of-fold training values.
        let labelTotal = labels.reduce(0.0) { $0 + Double($1) }
        let prior = labelTotal / Double(n)
        let priorRevenue = revenue.map { r in
            (0..<n).reduce(0.0) { $0 + ProfileEstimator.revenueValue(r, $1) } / Double(n)
        } ?? 0
        let profiledFields = keyFields.indices.filter {
            switch keyFields[$0] {
            case .departure, .categorical: false
            default: true
            }
        }
        let strength = configuration.smoothingStrength
        let profiles = profiledFields.map {
            ProfileEstimator.full(codes: codes[$0], vocabularyCount: vocabularyCount($0), labels: labels,
                                  revenue: revenue, prior: prior, priorRevenue: priorRevenue, strength: strength)
        }
        let profiledCodes = profiledFields.map { codes[$0] }
        let profiledCounts = profiledFields.map { vocabularyCount($0) }
        let outOfFold: OutOfFoldProfiles
        if configuration.profileMode == .timeOrdered, hasDate, let dates = table.dates {
            outOfFold = ProfileEstimator.timeOrdered(codes: profiledCodes, vocabularyCounts: profiledCounts,
                                                     labels: labels, revenue: revenue, dates: dates, strength: strength)
        } else {
            let folds = Sampling.foldAssignment(count: n, foldCount: configuration.foldCount,
                                                seed: configuration.randomSeed)
            outOfFold = ProfileEstimator.kFold(codes: profiledCodes, vocabularyCounts: profiledCounts, labels: labels,
                                               revenue: revenue, folds: folds, foldCount: configuration.foldCount,
                                               strength: strength)
        }

        // Reference unit values (per kg and per unit), learned from every row with a positive price.
        var logPerKilogram = [Double](repeating: .nan, count: n)
        var logPerUnit = [Double](repeating: .nan, count: n)
        preliminary.withKernel { kernel in
            for row in 0..<n {
                let amounts = kernel.amounts(row: row)
                if amounts.valuePerKilogram > 0, amounts.valuePerKilogram.isFinite {
                    logPerKilogram[row] = Numerics.logarithm(amounts.valuePerKilogram)
                }
                if amounts.unitValue > 0, amounts.unitValue.isFinite {
                    logPerUnit[row] = Numerics.logarithm(amounts.unitValue)
                }
            }
        }
        func codesOf(_ field: KeyField) -> [Int32] { keyFields.firstIndex(of: field).map { codes[$0] } ?? [] }
        let minimumRows = configuration.minimumReferenceGroupRows
        let referencePerKilogram = UnitValueReference.fit(
            logValues: logPerKilogram, hs6: codesOf(.hs6), hs4: codesOf(.hs4), hs2: codesOf(.hs2),
            origin: codesOf(.origin), minimumRows: minimumRows)
        let referencePerUnit = UnitValueReference.fit(
            logValues: logPerUnit, hs6: codesOf(.hs6), hs4: codesOf(.hs4), hs2: codesOf(.hs2),
            origin: codesOf(.origin), minimumRows: minimumRows)

        // Trader tenure: first training date of each importer.
        var importerFirstDate: [Int32] = []
        if let importerField = preliminary.importerField {
            importerFirstDate = [Int32](repeating: .max, count: vocabularyCount(importerField))
            if hasDate, let dates = table.dates {
                for row in 0..<n {
                    let code = codes[importerField][row]
                    if code >= 0, let date = dates[row] {
                        importerFirstDate[Int(code)] = min(importerFirstDate[Int(code)], date)
                    }
                }
            }
        }

        // Frequency of every code of every field (for rare-level merging and one-hot levels).
        func frequencies(_ field: Int) -> [Int] {
            var counts = [Int](repeating: 0, count: vocabularyCount(field))
            for code in codes[field] where code >= 0 { counts[Int(code)] += 1 }
            return counts
        }
        func frequentCodes(_ field: Int, limit: Int) -> [Int32] {
            let counts = frequencies(field)
            let names = vocabularies[keyFields[field].space]?.names ?? []
            let kept = counts.indices.filter { counts[$0] >= configuration.rareLevelThreshold }
                .sorted { counts[$0] != counts[$1] ? counts[$0] > counts[$1] : names[$0] < names[$1] }
            return kept.prefix(limit).map { Int32($0) }
        }

        // Trees columns.
        var slots: [Slot] = []
        var columns: [FeatureColumn] = []
        var categoricalLevels: [CategoricalLevels] = []
        func add(_ slot: Slot, _ name: String, _ group: FeatureGroup, _ kind: FeatureKind = .numeric) {
            slots.append(slot)
            columns.append(FeatureColumn(name: name, group: group.name, kind: kind))
        }
        let hasValue = roles.customsValue != nil, hasQuantity = roles.quantity != nil
        let hasWeight = roles.netWeight != nil || roles.grossWeight != nil
        if hasValue { add(.declaredValue, "declared_value", FeatureGroup.declaredValue) }
        if roles.fobValue != nil { add(.fobValue, "fob_value", FeatureGroup.declaredValue) }
        if roles.fobValue != nil, hasValue { add(.fobCifRatio, "fob_cif_ratio", FeatureGroup.declaredValue) }
        if hasQuantity { add(.quantity, "quantity", FeatureGroup.quantity) }
        if hasWeight { add(.weightKilograms, "weight_kg", FeatureGroup.weight) }
        if hasQuantity, hasWeight { add(.quantityPerKilogram, "quantity_per_kg", FeatureGroup.quantity) }
        if roles.taxes != nil { add(.taxes, "taxes", FeatureGroup.tax) }
        if roles.taxes != nil, hasValue { add(.taxRatio, "tax_ratio", FeatureGroup.tax) }
        if hasValue, hasQuantity { add(.unitValue, "unit_value", FeatureGroup.unitValue) }
        if hasValue, hasWeight { add(.valuePerKilogram, "value_per_kg", FeatureGroup.unitValue) }
        if hasValue, hasQuantity || hasWeight {
            add(.unitValueLogRatio, "unit_value_log_ratio", FeatureGroup.unitValue)
            add(.unitValueRobustZ, "unit_value_robust_z", FeatureGroup.unitValue)
            add(.unitValueReferenceLevel, "unit_value_reference_level", FeatureGroup.unitValue)
        }
        func addCode(_ field: KeyField) {
            guard let index = keyFields.firstIndex(of: field) else { return }
            let names = vocabularies[field.space]?.names ?? []
            let kept = frequentCodes(index, limit: configuration.maximumCategoricalLevels - 1)
            var levelOfCode = [Int32](repeating: Int32(kept.count), count: vocabularyCount(index))
            for (level, code) in kept.enumerated() { levelOfCode[Int(code)] = Int32(level) }
            categoricalLevels.append(CategoricalLevels(levelOfCode: levelOfCode,
                                                       names: kept.map { names[Int($0)] } + ["other"]))
            add(.code(field: index, levels: categoricalLevels.count - 1), "\(field.columnPrefix)_code", field.group,
                .categorical(levelCount: kept.count + 1))
        }
        for field in [KeyField.hs2, .hs4, .hs6, .origin, .departure, .office] { addCode(field) }
        if keyFields.contains(.route) { add(.routeDiffers, "route_differs", FeatureGroup.route) }
        if hasDate {
            add(.month, "month", FeatureGroup.date)
            add(.weekday, "weekday", FeatureGroup.date)
            if roles.importer != nil { add(.traderTenureDays, "trader_tenure_days", FeatureGroup.traderTenure) }
        }
        if roles.aeoFlag != nil { add(.aeo, "aeo", FeatureGroup.aeo) }
        for (profile, field) in profiledFields.enumerated() {
            let key = keyFields[field]
            add(.rate(profile: profile), "\(key.columnPrefix)_illicit_rate", key.group)
            if revenue != nil { add(.meanRevenue(profile: profile), "\(key.columnPrefix)_mean_revenue", key.group) }
            add(.count(profile: profile), "\(key.columnPrefix)_declaration_count", key.group)
        }
        for column in roles.categoricals { addCode(.categorical(column)) }
        for (index, column) in roles.numerics.enumerated() {
            add(.numeric(column: index), column, FeatureGroup.numeric(column))
        }
        try Self.checkUniqueNames(columns.map(\.name))

        var fitted = FittedFeaturePipeline(
            configuration: configuration, roles: roles, hasDate: hasDate, hasRevenue: revenue != nil,
            keyFields: keyFields, vocabularies: vocabularies, routePairTable: RoutePairTable(routePairs),
            profiledFields: profiledFields,
            profiles: profiles, prior: prior, priorRevenue: priorRevenue, referencePerKilogram: referencePerKilogram,
            referencePerUnit: referencePerUnit, importerFirstDate: importerFirstDate,
            categoricalLevels: categoricalLevels, treeSlots: slots, treeSchema: FeatureSchema(columns: columns),
            linearPlan: [], linearSchema: FeatureSchema(columns: []))
        let view = try TableView(table: table, fitted: fitted)
        let override = TrainingOverride(profiles: outOfFold)
        let trees = fitted.emit(view, kind: .trees, override: override, threadCount: configuration.threadCount)

        // Linear plan from the training trees matrix.
        var plan: [LinearColumnPlan] = []
        var linearColumns: [FeatureColumn] = []
        for (source, slot) in slots.enumerated() {
            let column = columns[source]
            if case .code(let field, _) = slot {
                let key = keyFields[field]
                switch key {
                case .hs2, .categorical:
                    let names = vocabularies[key.space]?.names ?? []
                    for code in frequentCodes(field, limit: configuration.maximumOneHotLevels) {
                        plan.append(.oneHot(field: field, code: code))
                        linearColumns.append(FeatureColumn(name: "\(key.columnPrefix)=\(names[Int(code)])",
                                                           group: column.group))
                    }
                default:
                    break  // high-cardinality codes reach the linear model through their risk profiles
                }
                continue
            }
            let transform = slot.linearTransform
            let statistics = trees.withUnsafeColumn(source) { values in
                Self.linearStatistics(values, transform: transform)
            }
            if transform == .logOdds {
                plan.append(.standardizedLogOdds(source: source, median: statistics.median, mean: statistics.mean,
                                                 scale: statistics.scale))
            } else {
                plan.append(.standardized(source: source, logarithm: transform == .signedLogarithm,
                                          median: statistics.median, mean: statistics.mean, scale: statistics.scale))
            }
            linearColumns.append(FeatureColumn(name: column.name, group: column.group))
            if statistics.hasMissing {
                plan.append(.missingIndicator(source: source))
                linearColumns.append(FeatureColumn(name: "\(column.name)_missing", group: column.group))
            }
        }
        try Self.checkUniqueNames(linearColumns.map(\.name))
        fitted.linearPlan = plan
        fitted.linearSchema = FeatureSchema(columns: linearColumns)
        let linear = fitted.emit(view, kind: .linear, override: override, threadCount: configuration.threadCount)
        return FeaturePipelineFit(pipeline: fitted, treesMatrix: trees, linearMatrix: linear, labels: labels,
                                  revenue: revenue)
    }

    /// Median (over present values), mean and scale (over imputed values) of the linear input.
    static func linearStatistics(_ values: UnsafeBufferPointer<Float>, transform: LinearTransform)
        -> (median: Double, mean: Double, scale: Double, hasMissing: Bool) {
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
        return (median, mean, deviation > 1e-12 ? deviation : 1, missing > 0)
    }

    static func checkUniqueNames(_ names: [String]) throws {
        var seen = Set<String>()
        for name in names where !seen.insert(name).inserted {
            throw RiskFeaturesError(.invalidSchema, "Two feature columns are named \"\(name)\". Rename the "
                + "declaration column that produces it (a numeric, entity or categorical role) in the schema.")
        }
    }
}

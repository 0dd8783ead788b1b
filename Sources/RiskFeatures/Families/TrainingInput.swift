import RiskData
import RiskDeclarations

/// The training table as every family's `fit` reads it: the roles it has, its labels, and its key
/// fields (HS levels, countries, route, traders, office, entity and categorical columns) with their
/// vocabularies and every row's fitted code.
struct TrainingInput {
    let table: DeclarationTable
    let configuration: FeaturePipelineConfiguration
    /// The schema's roles whose columns the table has.
    let roles: RoleColumns
    let hasDate: Bool
    let labels: [Float]
    let revenue: [Double]?
    /// The key fields the table has, in `FittedFeaturePipeline.keyFields` order.
    let keyFields: [KeyField]
    /// Sorted distinct keys per vocabulary space (origin and departure share "country").
    let vocabularies: [String: Vocabulary]
    /// `codes[field][row]`: the row's fitted code of `keyFields[field]` (−1 when missing).
    let codes: [[Int32]]
    /// Route codes by packed (departure, origin) country codes.
    let routePairs: [Int64: Int32]
    /// The table's columns resolved against the vocabularies.
    let view: TableView

    /// - Throws: `RiskFeaturesError` `.shapeMismatch` when a column has the wrong length.
    /// - Complexity: O(rows × key fields + distinct strings).
    init(table: DeclarationTable, configuration: FeaturePipelineConfiguration, labels: [Float],
         revenue: [Double]?) throws {
        var roles = RoleColumns(table.schema)
        func present(_ column: String?, text: Bool) -> String? {
            guard let column else { return nil }
            return (text ? table.text[column] != nil : table.numbers[column] != nil) ? column : nil
        }
        for role in [\RoleColumns.hsCode, \.importer, \.declarant, \.origin, \.departure, \.office] {
            roles[keyPath: role] = present(roles[keyPath: role], text: true)
        }
        for role in [\RoleColumns.customsValue, \.fobValue, \.quantity, \.grossWeight, \.netWeight, \.taxes,
                     \.aeoFlag] {
            roles[keyPath: role] = present(roles[keyPath: role], text: false)
        }
        roles.entities = roles.entities.filter { table.text[$0] != nil }
        roles.categoricals = roles.categoricals.filter { table.text[$0] != nil }
        roles.numerics = roles.numerics.filter { table.numbers[$0] != nil }
        let hasDate = table.schema.date != nil && table.dates != nil
        var fields: [KeyField] = []
        if roles.hsCode != nil { fields += [.hs6, .hs4, .hs2] }
        if roles.origin != nil { fields.append(.origin) }
        if roles.departure != nil { fields.append(.departure) }
        if roles.origin != nil, roles.departure != nil { fields.append(.route) }
        if roles.importer != nil { fields.append(.importer) }
        if roles.declarant != nil { fields.append(.declarant) }
        if roles.office != nil { fields.append(.office) }
        fields += roles.entities.map { .entity($0) } + roles.categoricals.map { .categorical($0) }

        // Vocabularies of the keys the rows use; routes are named once countries are coded.
        var distinct: [String: Set<String>] = [:]
        for field in fields {
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
        if fields.contains(.route) { vocabularies["route"] = Vocabulary(distinct: []) }
        let view = try TableView(table: table, roles: roles, hasDate: hasDate, keyFields: fields,
                                 vocabularies: vocabularies)

        // Every row's fitted code of every field (as `TableKernel.resolveCodes`; routes below).
        let n = table.rowCount
        var codes = view.sources.map { source in
            source.tableCodes.isEmpty ? [Int32](repeating: KeyCode.missing, count: n) : source.tableCodes.map {
                $0 >= 0 && Int($0) < source.map.count ? source.map[Int($0)] : KeyCode.missing
            }
        }
        var routePairs: [Int64: Int32] = [:]
        if let routeField = view.routeField, let originField = view.originField,
           let departureField = view.departureField {
            let countries = vocabularies["country"]?.names ?? []
            var pairNames: [Int64: String] = [:]
            for row in 0..<n {
                let origin = codes[originField][row], departure = codes[departureField][row]
                guard origin >= 0, departure >= 0 else { continue }
                let key = KeyText.pair(departure, origin)
                if pairNames[key] == nil {
                    pairNames[key] = KeyText.route(departure: countries[Int(departure)], origin: countries[Int(origin)])
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
        (self.table, self.configuration, self.roles, self.hasDate) = (table, configuration, roles, hasDate)
        (self.labels, self.revenue, keyFields, self.vocabularies) = (labels, revenue, fields, vocabularies)
        (self.codes, self.routePairs, self.view) = (codes, routePairs, view)
    }

    var rowCount: Int { table.rowCount }

    /// Index of `field` in `keyFields`, if the table has it.
    func index(of field: KeyField) -> Int? { keyFields.firstIndex(of: field) }

    /// The codes of `field` per row, or `[]` when the table does not have it.
    func codes(of field: KeyField) -> [Int32] { index(of: field).map { codes[$0] } ?? [] }

    /// Number of fitted codes of `keyFields[field]`.
    func vocabularyCount(_ field: Int) -> Int { vocabularies[keyFields[field].space]?.count ?? 0 }

    /// The names of the codes of `keyFields[field]`.
    func names(_ field: Int) -> [String] { vocabularies[keyFields[field].space]?.names ?? [] }
}

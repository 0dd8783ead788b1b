import Foundation
import RiskData
import RiskDeclarations
import RiskExplain
import RiskFeatures
import RiskMetrics
import RiskModelBundle

/// How far a measure has moved from the training declarations.
public enum DriftStatus: String, Sendable, Hashable, Codable, Comparable {
    case ok, watch, act

    public static func < (a: DriftStatus, b: DriftStatus) -> Bool {
        let order: [DriftStatus] = [.ok, .watch, .act]
        return order.firstIndex(of: a)! < order.firstIndex(of: b)!
    }
}

/// Drift of one window of declarations against the bundle's training declarations.
public struct DriftWindow: Sendable, Hashable, Codable {
    /// First and last declaration date of the window (`YYYY-MM-DD`), nil without dates.
    public var start: String?
    public var end: String?
    public var rows: Int
    /// Population stability index of the model's raw score.
    public var scorePSI: Double
    public var scoreStatus: DriftStatus
    /// Per feature group: the largest index of its features, the feature it comes from, and its status.
    public var groups: [String: GroupDrift]
    /// Features that move with the calendar by construction (the month of the year; a trader's
    /// tenure, which grows every day): their PSI, reported but left out of every status — any month
    /// differs from a training year in its month, and later declarations of the same traders have
    /// longer tenures.
    public var clock: [String: Double]
    /// Per key field (entities and categories): the share of declarations whose value was not seen in
    /// training (scored with the training prior).
    public var unseen: [String: Double]
    /// Per lane, when the window is labelled: declarations and their illicit rate.
    public var lanes: [String: LaneOutcome]?
    /// The worst status of the window.
    public var status: DriftStatus

    public struct GroupDrift: Sendable, Hashable, Codable {
        public var psi: Double
        public var feature: String
        public var status: DriftStatus
    }

    public struct LaneOutcome: Sendable, Hashable, Codable {
        public var rows: Int
        public var illicitRate: Double?

        enum CodingKeys: String, CodingKey { case rows, illicitRate = "illicit_rate" }
    }

    enum CodingKeys: String, CodingKey {
        case start, end, rows, scorePSI = "score_psi", scoreStatus = "score_status", groups, clock, unseen, lanes,
             status
    }
}

/// Measures how declarations being scored differ from those the bundle learned from (issue 18):
/// the population stability index (PSI) of every trees feature and of the raw score against the
/// histograms stored in the bundle at training (`ModelBundle.reference`), summarised per feature
/// group (the largest PSI of its features), the share of unseen key values, and, where labels exist,
/// the hit rate per lane. Thresholds follow the usual reading of the PSI: below `watch` (0.1) stable,
/// from `act` (0.25) a shift to act on (retrain, or check the data feed).
public struct DriftMonitor: Sendable {
    public let bundle: ModelBundle
    /// PSI from which a measure is `watch` / `act`.
    public var watchThreshold = 0.1
    public var actThreshold = 0.25
    let scorer: RiskScorer

    /// - Throws: `ScoringError` `.modelMismatch` when the bundle has no reference histograms (trained
    ///   before they existed: retrain it), and `BundleError` when it fails validation.
    public init(bundle: ModelBundle) throws {
        guard bundle.reference != nil else {
            throw ScoringError(.modelMismatch, "the bundle has no reference histograms (it was trained before "
                               + "CustomsRisk stored them); retrain it to monitor drift.")
        }
        self.bundle = bundle
        scorer = try RiskScorer(bundle: bundle)
    }

    func status(_ psi: Double) -> DriftStatus { psi >= actThreshold ? .act : psi >= watchThreshold ? .watch : .ok }

    /// The drift of `table` (one window) against the training declarations.
    ///
    /// - Throws: errors of the feature transform and of scoring (shape mismatches).
    /// - Complexity: O(rows × (features + trees)).
    public func measure(_ table: DeclarationTable, threadCount: Int = ParallelLoop.processorCount) throws -> DriftWindow {
        let reference = bundle.reference!
        let matrix = try bundle.pipeline.transform(table, for: .trees, threadCount: threadCount)
        let grouping = FeatureGrouping(schema: matrix.schema)
        var groups: [String: DriftWindow.GroupDrift] = [:]
        var clock: [String: Double] = [:]
        for (j, name) in matrix.schema.names.enumerated() {
            guard let histogram = reference.features[name] else { continue }
            let psi = histogram.stabilityIndex(of: (0..<matrix.rowCount).map { Double(matrix[$0, j]) })
            if Self.clockFeatures.contains(name) {
                clock[name] = psi
                continue
            }
            let group = grouping.groups[grouping.groupOfFeature[j]].name
            if psi > groups[group]?.psi ?? -1 {
                groups[group] = .init(psi: psi, feature: name, status: status(psi))
            }
        }
        let assessments = try scorer.score(table, options: ScoringOptions(reasonCount: 0, threadCount: threadCount,
                                                                          includeWarnings: false))
        let scorePSI = reference.score.stabilityIndex(of: assessments.map(\.rawScore))
        var unseenCounts: [String: Int] = [:]
        let keyRoles: Set<FieldRole> = [.hsCode, .originCountry, .departureCountry, .importer, .declarant, .office,
                                         .entity, .categorical]
        let keyColumns = table.schema.fields.filter { keyRoles.contains($0.role) }.map(\.column)
        for column in keyColumns { unseenCounts[column] = 0 }
        for row in 0..<table.rowCount {
            for (column, _) in bundle.pipeline.unseenValues(for: table, row: row) { unseenCounts[column, default: 0] += 1 }
        }
        var lanes: [String: DriftWindow.LaneOutcome]?
        if let labels = table.labels {
            lanes = [:]
            for lane in Lane.allCases {
                let rows = assessments.indices.filter { assessments[$0].lane == lane && !labels[$0].isNaN }
                let illicit = rows.filter { labels[$0] == 1 }.count
                lanes![lane.rawValue] = .init(rows: rows.count,
                                              illicitRate: rows.isEmpty ? nil : Double(illicit) / Double(rows.count))
            }
        }
        let dates = table.dates?.compactMap { $0 }
        let worst = ([status(scorePSI)] + groups.values.map(\.status)).max() ?? .ok
        return DriftWindow(start: dates?.min().map { CivilDate.format(daysSinceEpoch: $0) },
                           end: dates?.max().map { CivilDate.format(daysSinceEpoch: $0) },
                           rows: table.rowCount, scorePSI: scorePSI, scoreStatus: status(scorePSI), groups: groups,
                           clock: clock,
                           unseen: unseenCounts.mapValues { Double($0) / Double(max(1, table.rowCount)) },
                           lanes: lanes, status: worst)
    }

    /// The pipeline's calendar-driven features (see `DriftWindow.clock`).
    public static let clockFeatures: Set<String> = ["month", "trader_tenure_days"]
}

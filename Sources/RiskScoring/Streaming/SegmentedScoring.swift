import Foundation
import RiskData
import RiskDeclarations
import RiskModelBundle

/// How `SegmentedScoring.write(contentsOf:format:to:)` turns assessments into bytes. A row is
/// written in three parts — before the targeting decision, the decision, after it — so that a
/// segment's rows can be formatted while it is in the cache, before the whole batch is ranked,
/// and the decision added when the rows are written out.
public protocol ScoredRowFormat: Sendable {
    /// The bytes before the first row (a header line), possibly none.
    func header() -> [UInt8]
    /// Appends the part of `assessment`'s row before its decision.
    func appendLeading(_ assessment: RiskAssessment, to out: inout [UInt8])
    /// Appends the decision fields (rank, lane, selection), which depend on the whole batch.
    func appendDecision(_ decision: TargetingPolicy.Decision?, lane: Lane, to out: inout [UInt8])
    /// Appends the part of `assessment`'s row after its decision, line end included.
    func appendTrailing(_ assessment: RiskAssessment, to out: inout [UInt8])
}

/// Scores a declarations CSV file at the speed of `riskctl score`: each thread reads a segment of
/// whole records (`DeclarationReader.mapSegments`), scores it and keeps only what the output needs
/// (formatted bytes, or the assessments), then the whole batch is ranked under the policy and the
/// rows come out in input order with their decisions.
///
/// The results are those of reading the whole file and scoring the table with the policy
/// (`RiskScorer.score(_:policy:options:)`): rows are scored by the same code one segment at a time
/// (a row's scores do not depend on the batch), and the batch is ranked by the same rule
/// (`TargetingPolicy.select(probabilities:expectedRevenue:rawScores:)`) over the same values in the
/// same order. What changes is memory and parallelism: reading is parallel too, and with `write`
/// no `RiskAssessment` outlives its segment.
///
/// ```swift
/// let scoring = SegmentedScoring(scorer: scorer, policy: try TargetingPolicy(budget: .inspectionRate(0.05)))
/// let (assessments, summary) = try scoring.assessments(contentsOf: URL(fileURLWithPath: "today.csv"))
/// ```
public struct SegmentedScoring: Sendable {
    /// The scorer applied to every row.
    public var scorer: RiskScorer
    /// Ranks and selects over the whole file.
    public var policy: TargetingPolicy
    /// Reasons, explanations and warnings of each row; `threadCount` is the threads of the whole
    /// run (each segment is scored on one of them).
    public var options: ScoringOptions
    /// Bad-row policy and limits of the reader (a label is never required to score).
    public var readOptions: DeclarationReadOptions
    /// Approximate input bytes per segment (`DeclarationReader.mapSegments`).
    public var segmentByteCount: Int

    public init(scorer: RiskScorer, policy: TargetingPolicy, options: ScoringOptions = ScoringOptions(),
                readOptions: DeclarationReadOptions = DeclarationReadOptions(requireLabel: false),
                segmentByteCount: Int = 1 << 21) {
        self.scorer = scorer
        self.policy = policy
        self.options = options
        self.readOptions = readOptions
        self.segmentByteCount = segmentByteCount
    }

    /// What a run did.
    public struct Summary: Sendable, Hashable {
        /// Declarations scored.
        public var rowCount: Int
        /// Declarations selected by the policy.
        public var selectedCount: Int
        /// Rows skipped under `.skip`, in file order.
        public var rejected: [RejectedRow]
        /// Declarations with at least one warning (`RiskAssessment.warnings`, counted whether or
        /// not `options.includeWarnings` asks for their sentences).
        public var declarationsWithWarnings: Int
        /// Warnings in all.
        public var warningCount: Int
    }

    /// Scores every row of `url` and returns the assessments, in file order, with their decisions.
    ///
    /// - Throws: The reader's errors (under `.fail` the first bad row in file order), the scorer's.
    /// - Complexity: O(rows × per-row cost / threads); memory: every assessment.
    public func assessments(contentsOf url: URL) throws -> (assessments: [RiskAssessment], summary: Summary) {
        let run = try score(url) { $0 }
        var assessments = run.segments.flatMap(\.kept)
        for r in assessments.indices { assessments[r].decision = run.decisions[r] }
        return (assessments, run.summary)
    }

    /// Scores every row of `url` and hands the formatted output (`format.header()`, then one row per
    /// declaration in file order) to `sink` in pieces, one call at a time. While one thread writes a
    /// group of segments, the others assemble the next group's rows with their decisions.
    ///
    /// - Throws: The reader's errors (under `.fail` the first bad row in file order), the scorer's,
    ///   and what `sink` throws (the run stops there).
    /// - Complexity: O(rows × per-row cost / threads); memory: the formatted bytes of every row.
    public func write<Format: ScoredRowFormat>(contentsOf url: URL, format: Format,
                                               to sink: ([UInt8]) throws -> Void) throws -> Summary {
        let run = try score(url) { assessments -> FormattedRows in
            var rows = FormattedRows()
            rows.leading.reserveCapacity(assessments.count * 48)
            rows.trailing.reserveCapacity(assessments.count * (options.reasonCount > 0 ? 256 : 16))
            rows.leadingEnds.reserveCapacity(assessments.count)
            rows.trailingEnds.reserveCapacity(assessments.count)
            rows.lanes.reserveCapacity(assessments.count)
            for a in assessments {
                format.appendLeading(a, to: &rows.leading)
                rows.leadingEnds.append(rows.leading.count)
                format.appendTrailing(a, to: &rows.trailing)
                rows.trailingEnds.append(rows.trailing.count)
                rows.lanes.append(a.lane)
            }
            return rows
        }
        var timer = StageTimer()
        try sink(format.header())
        let segments = run.segments, decisions = run.decisions, threadCount = max(1, options.threadCount)
        var starts: [Int] = []
        var start = 0
        for segment in segments {
            starts.append(start)
            start += segment.count
        }
        /// Segment `k`'s rows with their decision fields, into `out` (emptied first).
        func assemble(_ k: Int, into out: inout [UInt8]) {
            let rows = segments[k].kept
            out.removeAll(keepingCapacity: true)
            out.reserveCapacity(rows.leading.count + rows.trailing.count + rows.lanes.count * 24)
            var leadingStart = 0, trailingStart = 0
            for r in 0..<rows.lanes.count {
                out.append(contentsOf: rows.leading[leadingStart..<rows.leadingEnds[r]])
                format.appendDecision(decisions[starts[k] + r], lane: rows.lanes[r], to: &out)
                out.append(contentsOf: rows.trailing[trailingStart..<rows.trailingEnds[r]])
                leadingStart = rows.leadingEnds[r]
                trailingStart = rows.trailingEnds[r]
            }
        }
        // Rows are assembled a group of segments at a time on the other threads while one thread
        // writes the previous group in order: buffered writes to one file serialise in the kernel
        // (pwrite from several threads only made them wait for each other; a shared memory map
        // moved the same page-allocation cost into page faults), assembling does not.
        let group = threadCount * 2
        var current = [[UInt8]](repeating: [], count: group), upcoming = current
        current.withUnsafeMutableBufferPointer { buffers in
            ParallelLoop.forEach(count: min(group, segments.count), threadCount: threadCount) { k in
                assemble(k, into: &buffers[k])
            }
        }
        var first = 0
        while first < segments.count {
            let count = min(group, segments.count - first)
            let nextFirst = first + count, nextCount = min(group, segments.count - nextFirst)
            var failure: (any Error)?
            current.withUnsafeMutableBufferPointer { current in
                upcoming.withUnsafeMutableBufferPointer { upcoming in
                    ParallelLoop.forEachChunk(count: 2, threadCount: min(2, threadCount)) { _, tasks in
                        for task in tasks {
                            if task == 0 {
                                do {
                                    for k in 0..<count { try sink(current[k]) }
                                } catch {
                                    failure = error
                                }
                            } else {
                                ParallelLoop.forEach(count: nextCount, threadCount: max(1, threadCount - 1)) { k in
                                    assemble(nextFirst + k, into: &upcoming[k])
                                }
                            }
                        }
                    }
                }
            }
            if let failure { throw failure }
            swap(&current, &upcoming)
            first = nextFirst
        }
        timer.lap("write output")
        return run.summary
    }

    // MARK: - Segments

    /// One segment's rows formatted without their decisions: each row's bytes before and after them.
    struct FormattedRows {
        var leading: [UInt8] = []
        var trailing: [UInt8] = []
        /// End of each row's part in `leading` / `trailing`.
        var leadingEnds: [Int] = []
        var trailingEnds: [Int] = []
        var lanes: [Lane] = []
    }

    /// What a segment keeps: the caller's part, and what the batch ranking reads.
    struct Segment<Kept> {
        var kept: Kept
        var count: Int
        var probabilities: [Double]
        /// Raw scores, the tie-breaker of the batch ranking.
        var rawScores: [Double]
        var expectedRevenue: [Double]?
        var rejected: [RejectedRow]
        var declarationsWithWarnings: Int
        var warningCount: Int
    }

    /// Reads and scores `url` a segment at a time, keeps `keep` of each segment's assessments
    /// (whose decisions are not known yet), and ranks the batch.
    func score<Kept>(_ url: URL, keep: ([RiskAssessment]) throws -> Kept) throws
        -> (segments: [Segment<Kept>], decisions: [TargetingPolicy.Decision], summary: Summary) {
        var timer = StageTimer()
        var single = options
        single.threadCount = 1
        let scorer = self.scorer
        let hasRevenue = scorer.engine.revenue != nil
        let segments = try DeclarationReader.mapSegments(
            contentsOf: url, schema: scorer.bundle.schema, options: readOptions,
            segmentByteCount: segmentByteCount, threadCount: max(1, options.threadCount)
        ) { read -> Segment<Kept> in
            let assessments = try scorer.assessments(read.table, options: single)
            // The same routine as the assessments' sentences, counted whatever the output shows.
            let warnings = ScoringWarnings(scorer, table: read.table)
            var declarationsWithWarnings = 0, warningCount = 0
            for r in 0..<read.table.rowCount {
                let count = warnings.count(row: r)
                warningCount += count
                if count > 0 { declarationsWithWarnings += 1 }
            }
            return Segment(kept: try keep(assessments), count: assessments.count,
                           probabilities: assessments.map(\.probability), rawScores: assessments.map(\.rawScore),
                           expectedRevenue: hasRevenue ? assessments.map { $0.expectedRevenue! } : nil,
                           rejected: read.rejected, declarationsWithWarnings: declarationsWithWarnings,
                           warningCount: warningCount)
        }
        timer.lap("read, score and keep segments")
        let decisions = policy.select(probabilities: segments.flatMap(\.probabilities),
                                      expectedRevenue: hasRevenue ? segments.flatMap { $0.expectedRevenue! } : nil,
                                      rawScores: segments.flatMap(\.rawScores))
        timer.lap("policy")
        let summary = Summary(rowCount: decisions.count,
                              selectedCount: decisions.reduce(0) { $0 + ($1.selected ? 1 : 0) },
                              rejected: segments.flatMap(\.rejected),
                              declarationsWithWarnings: segments.reduce(0) { $0 + $1.declarationsWithWarnings },
                              warningCount: segments.reduce(0) { $0 + $1.warningCount })
        return (segments, decisions, summary)
    }
}

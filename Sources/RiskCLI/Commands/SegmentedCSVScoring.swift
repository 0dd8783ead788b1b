import CustomsRisk
import Foundation

/// `riskctl score --format csv` as one pass per segment of the input: each thread reads a segment
/// of whole records (`DeclarationReader.mapSegments`), scores it, and formats its rows as bytes,
/// leaving out only the fields that depend on the whole batch (rank, selection); once every
/// segment is scored, the batch is ranked and the rows are written in input order with those
/// fields filled in.
///
/// The output file is byte-identical to scoring the whole table at once (`RiskScorer.score` with the
/// policy, then `ScoreCSVWriter.appendRow` for each row): the rows are scored by the same code one segment at a
/// time (scores do not depend on the batch), the policy ranks the same values in the same order,
/// and each row is written by the same field writers (`ScoreCommandTests` compares the two). What
/// changes is the memory and the parallelism: the reading is parallel too, and no
/// `RiskAssessment` outlives its segment — only the formatted bytes, the probabilities and the
/// revenue estimates are kept for the final ranking.
struct SegmentedCSVScoring {
    var scorer: RiskScorer
    var writer: ScoreCSVWriter
    var options: ScoringOptions
    var threadCount: Int
    /// Approximate input bytes per segment.
    var segmentByteCount = 1 << 21

    /// One scored segment: each row's bytes before and after the decision fields.
    struct Segment {
        var leading: [UInt8] = []
        var trailing: [UInt8] = []
        /// End of each row's part in `leading` / `trailing`.
        var leadingEnds: [Int] = []
        var trailingEnds: [Int] = []
        var probabilities: [Double] = []
        /// Raw scores, the tie-breaker of the batch ranking.
        var rawScores: [Double] = []
        var expected: [Double]?
        var lanes: [Lane] = []
        var rejected: [RejectedRow] = []
    }

    /// What `run` did.
    struct Summary {
        var rowCount: Int
        var selectedCount: Int
        var rejected: [RejectedRow]
    }

    /// Scores `input` and writes the CSV (header included) to `sink` in pieces, in input order
    /// (one call at a time, from one thread or another).
    ///
    /// - Throws: The reader's errors (the first bad row in file order under `.fail`), scoring
    ///   errors, and what `sink` throws.
    func run(input: URL, readOptions: DeclarationReadOptions, policy: TargetingPolicy,
             timer: inout StageTimer, sink: ([UInt8]) throws -> Void) throws -> Summary {
        var single = options
        single.threadCount = 1
        let scorer = self.scorer, writer = self.writer
        let segments = try DeclarationReader.mapSegments(
            contentsOf: input, schema: scorer.bundle.schema, options: readOptions,
            segmentByteCount: segmentByteCount, threadCount: threadCount
        ) { read -> Segment in
            let assessments = try scorer.score(read.table, options: single)
            var segment = Segment()
            segment.rejected = read.rejected
            segment.leading.reserveCapacity(assessments.count * 48)
            segment.trailing.reserveCapacity(assessments.count * (writer.reasonCount > 0 ? 256 : 16))
            segment.leadingEnds.reserveCapacity(assessments.count)
            segment.trailingEnds.reserveCapacity(assessments.count)
            segment.probabilities.reserveCapacity(assessments.count)
            segment.rawScores.reserveCapacity(assessments.count)
            segment.lanes.reserveCapacity(assessments.count)
            if writer.hasRevenue { segment.expected = [] }
            for a in assessments {
                writer.appendLeading(a, to: &segment.leading)
                segment.leadingEnds.append(segment.leading.count)
                writer.appendTrailing(a, to: &segment.trailing)
                segment.trailingEnds.append(segment.trailing.count)
                segment.probabilities.append(a.probability)
                segment.rawScores.append(a.rawScore)
                segment.lanes.append(a.lane)
                if let revenue = a.expectedRevenue { segment.expected?.append(revenue) }
            }
            if segment.expected?.count != assessments.count { segment.expected = nil }
            return segment
        }
        timer.lap("read, score and format segments")

        // The batch's ranking, over the same values in the same order as `RiskScorer.score(_:policy:)`.
        let probabilities = segments.flatMap(\.probabilities)
        let allExpected = segments.allSatisfy { $0.expected != nil } ? segments.flatMap { $0.expected! } : nil
        let values = policy.rankBy == .expectedRevenue ? (allExpected ?? probabilities) : probabilities
        let decisions = policy.select(values, tieBreakers: segments.flatMap(\.rawScores))
        timer.lap("policy")

        try sink(writer.header())
        var starts: [Int] = []
        var start = 0
        for segment in segments {
            starts.append(start)
            start += segment.lanes.count
        }
        /// Segment `k`'s rows with their decision fields, into `out` (emptied first).
        func assemble(_ k: Int, into out: inout [UInt8]) {
            let segment = segments[k]
            out.removeAll(keepingCapacity: true)
            out.reserveCapacity(segment.leading.count + segment.trailing.count + segment.lanes.count * 24)
            var leadingStart = 0, trailingStart = 0
            for r in 0..<segment.lanes.count {
                out.append(contentsOf: segment.leading[leadingStart..<segment.leadingEnds[r]])
                writer.appendDecision(decisions[starts[k] + r], lane: segment.lanes[r], to: &out)
                out.append(contentsOf: segment.trailing[trailingStart..<segment.trailingEnds[r]])
                leadingStart = segment.leadingEnds[r]
                trailingStart = segment.trailingEnds[r]
            }
        }
        // Rows are assembled a group of segments at a time on the other threads while one thread
        // writes the previous group in order: buffered writes to one file serialise in the kernel
        // (pwrite from several threads only made them wait for each other; a shared memory map
        // moved the same page-allocation cost into page faults), assembling does not.
        let group = max(1, threadCount) * 2
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
        return Summary(rowCount: probabilities.count, selectedCount: decisions.reduce(0) { $0 + ($1.selected ? 1 : 0) },
                       rejected: segments.flatMap(\.rejected))
    }
}

import CustomsRisk
import Foundation
@testable import RiskCLI
import Testing

/// The library's streaming API (`SegmentedScoring`, behind both formats of `riskctl score`) against
/// scoring the whole table at once (the path it replaced, kept here as the oracle): byte-identical
/// CSV files and equal assessments at every segment size and thread count, for both model kinds,
/// every ranking key and budget, and with rejected rows.
@Suite struct SegmentedScoringTests {
    /// The former `riskctl score --format csv`: read everything, score the table with the policy, write.
    static func wholeTable(_ scorer: RiskScorer, input: URL, policy: TargetingPolicy, reasons: Int,
                           readOptions: DeclarationReadOptions) throws -> (bytes: [UInt8], rejected: [RejectedRow]) {
        let read = try DeclarationReader.read(contentsOf: input, schema: scorer.bundle.schema, options: readOptions)
        let assessments = try scorer.score(read.table, policy: policy,
                                           options: ScoringOptions(reasonCount: reasons, threadCount: 2,
                                                                   includeWarnings: false))
        let writer = ScoreCSVWriter(reasonCount: reasons, hasRevenue: scorer.bundle.revenueModel != nil)
        var bytes = writer.header()
        for a in assessments { writer.appendRow(a, to: &bytes) }
        return (bytes, read.rejected)
    }

    static func segmented(_ scorer: RiskScorer, input: URL, policy: TargetingPolicy, reasons: Int,
                          readOptions: DeclarationReadOptions, segmentByteCount: Int,
                          threads: Int) throws -> (bytes: [UInt8], summary: SegmentedScoring.Summary) {
        let scoring = SegmentedScoring(
            scorer: scorer, policy: policy,
            options: ScoringOptions(reasonCount: reasons, threadCount: threads, includeWarnings: false),
            readOptions: readOptions, segmentByteCount: segmentByteCount)
        var bytes: [UInt8] = []
        let summary = try scoring.write(
            contentsOf: input, format: ScoreCSVWriter(reasonCount: reasons, hasRevenue: scorer.bundle.revenueModel != nil)
        ) { bytes += $0 }
        return (bytes, summary)
    }

    static let policies: [TargetingPolicy] = [
        try! TargetingPolicy(budget: .inspectionRate(0.05)),
        try! TargetingPolicy(budget: .capacity(37), rankBy: .expectedRevenue, explorationShare: 0.2, explorationSeed: 9),
        try! TargetingPolicy(budget: .threshold(0.3)),
    ]

    @Test(arguments: Workspace.kinds)
    func segmentedOutputIsByteIdenticalToScoringTheWholeTable(kind: String) throws {
        let w = try Workspace.shared()
        let scorer = try RiskScorer(contentsOf: URL(fileURLWithPath: w.model(kind)))
        let input = URL(fileURLWithPath: w.test)
        let options = DeclarationReadOptions(requireLabel: false)
        for (p, policy) in Self.policies.enumerated() {
            for reasons in p == 0 ? [0, 3] : [2] {
                let expected = try Self.wholeTable(scorer, input: input, policy: policy, reasons: reasons,
                                                   readOptions: options)
                for (size, threads) in [(1 << 21, 2), (20_000, 3), (997, 1)] {
                    let got = try Self.segmented(scorer, input: input, policy: policy, reasons: reasons,
                                                 readOptions: options, segmentByteCount: size, threads: threads)
                    #expect(got.bytes == expected.bytes, "\(kind), policy \(p), reasons \(reasons), segment \(size)")
                    #expect(got.summary.rowCount == expected.bytes.filter { $0 == 10 }.count - 1)
                }
            }
        }
    }

    /// `assessments(contentsOf:)` (the jsonl path) gives the whole table's assessments with their
    /// decisions and warnings, and the warning summary counts exactly the warnings the assessments
    /// list — the same counts when the sentences are not asked for (the csv path).
    @Test(arguments: Workspace.kinds)
    func assessmentsAndWarningCountsAreThoseOfTheWholeTable(kind: String) throws {
        let w = try Workspace.shared()
        let scorer = try RiskScorer(contentsOf: URL(fileURLWithPath: w.model(kind)))
        let input = URL(fileURLWithPath: w.test)
        let policy = Self.policies[1]
        let read = try DeclarationReader.read(contentsOf: input, schema: scorer.bundle.schema,
                                              options: DeclarationReadOptions(requireLabel: false))
        let expected = try scorer.score(read.table, policy: policy, options: ScoringOptions(reasonCount: 2, threadCount: 2))
        #expect(expected.contains { !$0.warnings.isEmpty }, "some warnings to compare")
        for (size, threads) in [(1 << 21, 2), (20_000, 3)] {
            let scoring = SegmentedScoring(scorer: scorer, policy: policy,
                                           options: ScoringOptions(reasonCount: 2, threadCount: threads),
                                           segmentByteCount: size)
            let (got, summary) = try scoring.assessments(contentsOf: input)
            #expect(got == expected, "\(kind), segment \(size)")
            #expect(summary.warningCount == expected.reduce(0) { $0 + $1.warnings.count })
            #expect(summary.declarationsWithWarnings == expected.filter { !$0.warnings.isEmpty }.count)
            #expect(summary.selectedCount == expected.filter { $0.decision?.selected == true }.count)
            let csv = try Self.segmented(scorer, input: input, policy: policy, reasons: 2,
                                         readOptions: DeclarationReadOptions(requireLabel: false),
                                         segmentByteCount: size, threads: threads)
            #expect(csv.summary == summary, "the same warnings summary without their sentences")
        }
    }

    @Test func rejectedRowsAndTheirLinesAreThoseOfOneRead() throws {
        let w = try Workspace.shared()
        let scorer = try RiskScorer(contentsOf: URL(fileURLWithPath: w.model("gbt")))
        // Break every 50th row of the test file (an extra field), and one value in a quoted field.
        var lines = try String(contentsOfFile: w.test, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            .map(String.init)
        for k in stride(from: 7, to: lines.count - 1, by: 50) { lines[k] += ",extra" }
        let url = try makeScratchDirectory("segments").appendingPathComponent("broken.csv")
        try lines.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
        let options = DeclarationReadOptions(badRowPolicy: .skip, requireLabel: false)
        let policy = Self.policies[0]
        let expected = try Self.wholeTable(scorer, input: url, policy: policy, reasons: 3, readOptions: options)
        #expect(!expected.rejected.isEmpty)
        for (size, threads) in [(5_000, 2), (1 << 21, 1)] {
            let got = try Self.segmented(scorer, input: url, policy: policy, reasons: 3, readOptions: options,
                                         segmentByteCount: size, threads: threads)
            #expect(got.bytes == expected.bytes)
            #expect(got.summary.rejected == expected.rejected)
        }
        // Under `.fail`, the first bad row in file order is the error, as for one read.
        #expect(throws: DeclarationError.self) {
            _ = try Self.segmented(scorer, input: url, policy: policy, reasons: 3,
                                   readOptions: DeclarationReadOptions(requireLabel: false),
                                   segmentByteCount: 5_000, threads: 2)
        }
        do {
            _ = try Self.segmented(scorer, input: url, policy: policy, reasons: 3,
                                   readOptions: DeclarationReadOptions(requireLabel: false),
                                   segmentByteCount: 5_000, threads: 2)
        } catch let error as DeclarationError {
            #expect(error.line == 8, "\(error.message)")
        }
    }
}

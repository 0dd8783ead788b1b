import ArgumentParser
import CustomsRisk
import Foundation

/// `riskctl score`: one output row per declaration, in input order.
struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score declarations: probability, rank, lane, selection under an inspection budget, top reasons.",
        discussion: """
            Output columns (csv): id, probability, raw_score, rank, lane, selected, selection_probability, \
            expected_revenue (when the model has a revenue head), reason_1 … reason_k, reason_codes.
            The output is written atomically and never over an input file, a link or a device; --out - writes \
            to standard output. With --on-bad-row skip, every good row is scored and the bad ones are listed in \
            a reject file (default: OUT.rejects.csv; with --out -, give --rejects).
            """)

    @OptionGroup var modelInput: ModelInput
    @Option(name: .long, help: ArgumentHelp("Declarations CSV (the model's schema; label optional).", valueName: "file"))
    var data: String
    @Option(name: .long, help: ArgumentHelp("Output file, or - for standard output.", valueName: "file"))
    var out: String
    @Option(name: .long, help: ArgumentHelp("Output format.", valueName: "csv|jsonl"))
    var format: OutputFormat = .csv
    @Option(name: .long, help: "Reasons per declaration (0 = none, fastest).")
    var reasons: Int = 3
    @Option(name: .customLong("inspection-rate"), help: "Select the riskiest fraction of the batch, e.g. 0.05.")
    var inspectionRate: Double?
    @Option(name: .long, help: "Select at most this many declarations (instead of a rate).")
    var capacity: Int?
    @Option(name: .long, help: "Select every declaration with probability ≥ this (instead of a rate).")
    var threshold: Double?
    @Option(name: .customLong("rank-by"), help: ArgumentHelp("Ranking value.", valueName: "probability|expected_revenue"))
    var rankBy: TargetingPolicy.RankingKey = .probability
    @Option(name: .customLong("exploration-share"), help: "Share of the budget drawn at random (0–1).")
    var explorationShare: Double = 0
    @Option(name: .long, help: "Seed of the exploration draw.")
    var seed: UInt64 = 0
    @Option(name: .customLong("on-bad-row"), help: ArgumentHelp("fail or skip malformed rows.", valueName: "fail|skip"))
    var onBadRow: DeclarationReadOptions.BadRowPolicy = .fail
    @Option(name: .long, help: ArgumentHelp("Where skipped rows are listed (with --on-bad-row skip).", valueName: "file"))
    var rejects: String?
    @Flag(name: .long, help: "Replace an existing output file.")
    var force = false
    @Option(name: .long, help: ArgumentHelp(
        "Append one hash-chained record per decision to this audit log (created when absent; "
            + "`riskctl audit verify` checks it).", valueName: "file"))
    var audit: String?
    @OptionGroup var threads: ThreadOptions

    enum OutputFormat: String, ExpressibleByArgument { case csv, jsonl }

    func validate() throws {
        guard reasons >= 0, reasons <= 20 else { throw ValidationError("--reasons is \(reasons); expected 0 to 20.") }
        if out == "-", onBadRow == .skip, rejects == nil {
            throw ValidationError("--out - with --on-bad-row skip needs --rejects FILE for the rejected rows.")
        }
        let budgets = [inspectionRate != nil, capacity != nil, threshold != nil].filter { $0 }.count
        guard budgets <= 1 else {
            throw ValidationError("give at most one of --inspection-rate, --capacity and --threshold.")
        }
        // A bad budget is a usage error (exit 2), found before any file is read.
        do {
            _ = try targetingPolicy()
        } catch let error as ScoringError {
            throw ValidationError(error.message)
        }
    }

    /// The policy the options ask for; without a budget, every row is ranked and none selected.
    func targetingPolicy() throws -> TargetingPolicy {
        if let inspectionRate {
            return try TargetingPolicy(budget: .inspectionRate(inspectionRate), rankBy: rankBy,
                                       explorationShare: explorationShare, explorationSeed: seed)
        } else if let capacity {
            return try TargetingPolicy(budget: .capacity(capacity), rankBy: rankBy,
                                       explorationShare: explorationShare, explorationSeed: seed)
        } else if let threshold {
            return try TargetingPolicy(budget: .threshold(threshold), rankBy: rankBy,
                                       explorationShare: explorationShare, explorationSeed: seed)
        }
        return try TargetingPolicy(budget: .capacity(0), rankBy: rankBy)
    }

    func run() throws {
        let toStandardOutput = out == "-"
        let outURL = URL(fileURLWithPath: out)
        let dataURL = URL(fileURLWithPath: data)
        let modelURL = URL(fileURLWithPath: modelInput.model)
        if !toStandardOutput { try checkOutput(out, inputs: [dataURL, modelURL], force: force) }
        // The reject file (written only under --on-bad-row skip) is checked before any work too: never
        // over an input or the output; the default one (beside the output) is replaced without --force.
        let rejectPath = rejects ?? (out + ".rejects.csv")
        let rejectURL = URL(fileURLWithPath: rejectPath)
        if onBadRow == .skip {
            try checkOutput(rejectPath, inputs: [dataURL, modelURL] + (toStandardOutput ? [] : [outURL]),
                            force: force || rejects == nil)
        }
        var timer = StageTimer()
        let bundle = try modelInput.load()
        let scorer = try RiskScorer(bundle: bundle)
        timer.lap("load model")
        let input = DeclarationInput(data: data, schema: nil, onBadRow: onBadRow)
        // Both formats read, score and rank through the library's streaming API. jsonl lists each
        // declaration's warnings; csv has no column for them; both summarise them below.
        let scoring = SegmentedScoring(
            scorer: scorer, policy: try targetingPolicy(),
            options: ScoringOptions(reasonCount: reasons, threadCount: threads.threads,
                                    includeWarnings: format == .jsonl),
            readOptions: input.readOptions(requireLabel: false))
        // An audit log is checked before any work: a broken chain is never extended.
        let auditLog = audit.map { AuditLog(url: URL(fileURLWithPath: $0)) }
        if let auditLog, FileManager.default.fileExists(atPath: auditLog.url.path) { _ = try AuditLog.verify(auditLog.url) }
        var audited: [RiskAssessment] = []
        func run(_ file: SequentialFileWriter) throws -> SegmentedScoring.Summary {
            if auditLog != nil {
                // The audit needs every decision: keep the assessments, then format them.
                let (assessments, summary) = try scoring.assessments(contentsOf: dataURL)
                switch format {
                case .csv:
                    let csv = ScoreCSVWriter(reasonCount: reasons, hasRevenue: bundle.revenueModel != nil)
                    var bytes = csv.header()
                    for a in assessments {
                        csv.appendLeading(a, to: &bytes)
                        csv.appendDecision(a.decision, lane: a.lane, to: &bytes)
                        csv.appendTrailing(a, to: &bytes)
                        if bytes.count >= 1 << 20 {
                            try file.write(bytes)
                            bytes.removeAll(keepingCapacity: true)
                        }
                    }
                    try file.write(bytes)
                case .jsonl:
                    try JSONLWriter.write(assessments, to: file)
                }
                audited = assessments
                return summary
            }
            switch format {
            case .csv:
                let csv = ScoreCSVWriter(reasonCount: reasons, hasRevenue: bundle.revenueModel != nil)
                return try scoring.write(contentsOf: dataURL, format: csv) { try file.write($0) }
            case .jsonl:
                let (assessments, summary) = try scoring.assessments(contentsOf: dataURL)
                try JSONLWriter.write(assessments, to: file)
                return summary
            }
        }
        var summary: SegmentedScoring.Summary?
        if toStandardOutput {
            let file = SequentialFileWriter(descriptor: STDOUT_FILENO, path: "standard output", direct: false)
            summary = try run(file)
            try file.finish()
        } else {
            try AtomicFile.write(to: outURL, overwrite: force) { handle in
                let file = SequentialFileWriter(descriptor: handle.fileDescriptor, path: outURL.path, direct: true)
                summary = try run(file)
                try file.finish()
            }
        }
        if let auditLog {
            let checksum = SHA256.hex(of: try Data(contentsOf: modelURL))
            let time = ISO8601DateFormatter().string(from: Date())
            let records = audited.map { a in
                AuditRecord(id: a.id, time: time, bundleChecksum: checksum, bundleVersion: bundle.metadata.libraryVersion,
                            probability: a.probability, rawScore: a.rawScore, lane: a.lane.rawValue,
                            selected: a.decision?.selected, selectionProbability: a.decision?.selectionProbability,
                            reasonCodes: a.reasons.map(\.code))
            }
            let last = try auditLog.append(records)
            printError("appended \(records.count) audit record(s) to \(auditLog.url.path) (last hash \(last))")
        }
        let (rowCount, selectedCount, rejected) = (summary!.rowCount, summary!.selectedCount, summary!.rejected)
        input.reportRejected(rejected)
        if !rejected.isEmpty {
            // Quoted on bytes like the scores (a CRLF or a comma before a combining mark is quoted too).
            var bytes = Array("line,declaration_id,reason\n".utf8)
            for r in rejected {
                for (k, field) in [String(r.line), r.declarationID ?? "", r.message].enumerated() {
                    if k > 0 { bytes.append(UInt8(ascii: ",")) }
                    ScoreCSVWriter.appendField(field, to: &bytes)
                }
                bytes.append(UInt8(ascii: "\n"))
            }
            try AtomicFile.write(Data(bytes), to: rejectURL, overwrite: force || rejects == nil)
            printError("wrote \(rejected.count) rejected row(s) to \(rejectURL.path)")
        }
        if summary!.warningCount > 0 {
            printError("warning: \(summary!.declarationsWithWarnings) of \(rowCount) declarations have input warnings "
                       + "(\(summary!.warningCount) missing, unusable or unseen values; --format jsonl lists them).")
        }
        printError("scored \(rowCount) declarations (\(selectedCount) selected) → \(toStandardOutput ? "standard output" : out)")
    }
}

extension TargetingPolicy.RankingKey: ExpressibleByArgument {}

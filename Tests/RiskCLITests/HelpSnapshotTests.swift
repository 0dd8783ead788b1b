import Foundation
import Testing

/// `--help` text is product surface (swift-argument-parser's habit): an accidental change to a
/// flag, a default or a description shows up here as a failed snapshot. Wrapped at COLUMNS=80,
/// which `Riskctl.run` sets. Update the snapshot deliberately when the interface changes.
@Suite struct HelpSnapshotTests {
    static let rootHelp = #"""
        OVERVIEW: Train, evaluate and apply customs risk models.

        Exit codes: 0 success, 1 runtime failure (bad data, unreadable model, I/O), 2
        usage error. Every error names the file, line and field involved.

        USAGE: riskctl <subcommand>

        OPTIONS:
          --version               Show the version.
          -h, --help              Show help information.

        SUBCOMMANDS:
          synth                   Generate synthetic import declarations with planted
                                  fraud, and their schema.
          schema                  Infer or check the schema that gives each CSV column
                                  a role.
          split                   Split a declaration CSV into training and test files
                                  (latest dates → test).
          features                Fit the feature pipeline on labelled declarations and
                                  export the feature matrix as CSV.
          train                   Train a risk model on labelled declarations and write
                                  a model bundle.
          evaluate                Measure a model on labelled declarations: AUC, PR
                                  AUC, log loss, Brier, precision/recall/revenue at
                                  1–10%.
          replay                  Replay targeting over a labelled history: score each
                                  period, select under a budget with exploration,
                                  reveal only the selected outcomes, retrain; compare
                                  with an oracle and random.
          monitor                 Measure drift of recent declarations against the
                                  training data: PSI per feature group and of the
                                  score, unseen values, hit rate by lane. Exit code 3
                                  when any measure is at "act".
          audit                   Check the hash chain of an audit log written by
                                  `riskctl score --audit`.
          score                   Score declarations: probability, rank, lane,
                                  selection under an inspection budget, top reasons.
          explain                 Explain one declaration: contributions by declaration
                                  field (log-odds) and reasons an officer can read.
          importance              Global importance: mean |contribution| (log-odds) of
                                  each declaration field group on a data set.
          rules                   Check a rules file against a schema, or measure each
                                  rule on labelled declarations.
          export                  Write a boosted-trees model as a LightGBM text model
                                  that gives the same raw scores.
          inspect                 Validate a model bundle and print what it holds:
                                  model, features, calibration, lanes, training
                                  metadata.
          bench                   Time training, prediction and explanation on a
                                  feature-matrix CSV (used by Benchmarks/compare).

          See 'riskctl help <subcommand>' for detailed help.
        """# + "\n"

    static let scoreHelp = #"""
        OVERVIEW: Score declarations: probability, rank, lane, selection under an
        inspection budget, top reasons.

        Output columns (csv): id, probability, raw_score, rank, lane, selected,
        selection_probability, expected_revenue (when the model has a revenue head),
        reason_1 … reason_k, reason_codes.
        The output is written atomically and never over an input file, a link or a
        device; --out - writes to standard output. With --on-bad-row skip, every good
        row is scored and the bad ones are listed in a reject file (default:
        OUT.rejects.csv; with --out -, give --rejects).

        USAGE: riskctl score [<options>] --model <file> --data <file> --out <file>

        OPTIONS:
          --model <file>          Model bundle written by `riskctl train`.
          --data <file>           Declarations CSV (the model's schema; label optional).
          --out <file>            Output file, or - for standard output.
          --format <csv|jsonl>    Output format. (default: csv)
          --reasons <reasons>     Reasons per declaration (0 = none, fastest).
                                  (default: 3)
          --inspection-rate <inspection-rate>
                                  Select the riskiest fraction of the batch, e.g. 0.05.
          --capacity <capacity>   Select at most this many declarations (instead of a
                                  rate).
          --threshold <threshold> Select every declaration with probability ≥ this
                                  (instead of a rate).
          --rank-by <probability|expected_revenue>
                                  Ranking value. (default: probability)
          --exploration-share <exploration-share>
                                  Share of the budget drawn at random (0–1). (default:
                                  0.0)
          --seed <seed>           Seed of the exploration draw. (default: 0)
          --on-bad-row <fail|skip>
                                  fail or skip malformed rows. (values: fail, skip;
                                  default: fail)
          --rejects <file>        Where skipped rows are listed (with --on-bad-row
                                  skip).
          --force                 Replace an existing output file.
          --audit <file>          Append one hash-chained record per decision to this
                                  audit log (created when absent; `riskctl audit
                                  verify` checks it).
          --threads <n>           Worker threads (results do not depend on it).
                                  Default: all cores.
          --version               Show the version.
          -h, --help              Show help information.

        """# + "\n"

    @Test func rootHelp() throws {
        let result = try Riskctl.run(["--help"])
        #expect(result.exitCode == 0)
        #expect(result.standardError == "")
        #expect(result.standardOutput == Self.rootHelp)
    }

    @Test func scoreHelp() throws {
        let result = try Riskctl.run(["score", "--help"])
        #expect(result.exitCode == 0)
        #expect(result.standardOutput == Self.scoreHelp)
        // `riskctl help score` prints the same text.
        #expect(try Riskctl.run(["help", "score"]).standardOutput == Self.scoreHelp)
    }

    @Test(arguments: ["features", "train", "evaluate", "score", "importance"])
    func threadsHelpShowsNoMachineDependentDefault(command: String) throws {
        // A default of "all cores" printed as a number would differ between machines.
        let text = try Riskctl.run([command, "--help"]).standardOutput
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let k = try #require(lines.firstIndex { $0.hasPrefix("  --threads <n>") }, "riskctl \(command) has --threads")
        #expect(lines[k] == "  --threads <n>           Worker threads (results do not depend on it).")
        #expect(lines[k + 1] == "                          Default: all cores.")
    }
}

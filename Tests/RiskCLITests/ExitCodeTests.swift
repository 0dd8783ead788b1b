import Foundation
import Testing

/// Documented exit codes: 0 success, 1 runtime failure (with `error: …` naming the file and
/// field on stderr), 2 usage error. Messages are tested as exact strings.
@Suite struct ExitCodeTests {
    // MARK: - 1: runtime failures

    @Test func unknownDeclarationID() throws {
        let w = try Workspace.shared()
        let r = try Riskctl.run(["explain", "--model", w.model("gbt"), "--data", w.test, "--id", "NO-SUCH-ID"])
        #expect(r.exitCode == 1)
        #expect(r.standardOutput == "")
        #expect(r.standardError == "error: \(w.test) has no declaration with id \"NO-SUCH-ID\" in column \"declaration_id\".\n")
    }

    @Test func missingModelFile() throws {
        let w = try Workspace.shared()
        let missing = w.path("no-such-model.json")
        let r = try Riskctl.run(["score", "--model", missing, "--data", w.test, "--out", w.path("never.csv")])
        #expect(r.exitCode == 1)
        #expect(r.standardError == "error: cannot read model \(missing): the file does not exist or is not readable.\n")
        #expect(!FileManager.default.fileExists(atPath: w.path("never.csv")))
    }

    @Test(arguments: ["inspect", "evaluate"])
    func truncatedModelFile(command: String) throws {
        let w = try Workspace.shared()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: w.model("logistic")))
        let truncated = w.path("truncated-\(command).json")
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: truncated))
        var arguments = [command, "--model", truncated]
        if command == "evaluate" { arguments += ["--data", w.test] }
        let r = try Riskctl.run(arguments)
        #expect(r.exitCode == 1)
        #expect(r.standardError.hasPrefix("error: truncated-\(command).json is not well-formed JSON at byte "))
        #expect(r.standardError.hasSuffix(". It is truncated or was edited; restore it from the original, or "
                                          + "re-export the bundle with `riskctl train`.\n"))
    }

    /// A non-number in a numeric column: the error names the file, line and column.
    @Test(arguments: ["score", "evaluate"])
    func nonNumberInNumericColumn(command: String) throws {
        let w = try Workspace.shared()
        let lines = try String(contentsOfFile: w.test, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        // customs_value is the 11th column; the ten before it (ids, codes, dates) never hold commas.
        var fields = lines[6].split(separator: ",", maxSplits: 11, omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0].split(separator: ",")[10] == "customs_value")
        fields[10] = "12.5O0"
        var edited = lines.prefix(12).map(String.init)
        edited[6] = fields.joined(separator: ",")
        let bad = w.path("bad-\(command).csv")
        try (edited.joined(separator: "\n") + "\n").write(toFile: bad, atomically: true, encoding: .utf8)
        var arguments = [command, "--model", w.model("gbt"), "--data", bad]
        if command == "score" { arguments += ["--out", w.path("bad-scores.csv")] }
        let r = try Riskctl.run(arguments)
        #expect(r.exitCode == 1)
        #expect(r.standardError == "error: bad-\(command).csv, line 7, column \"customs_value\": \"12.5O0\" is not a "
                + "number. Expected a decimal such as 12500.00.\n")
    }

    @Test func trainingDataWithoutLabelColumn() throws {
        let w = try Workspace.shared()
        let schema = try String(contentsOfFile: w.schema, encoding: .utf8)
            .replacingOccurrences(of: "\"label\" : \"illicit\"", with: "\"label\" : \"verdict\"")
        let schemaPath = w.path("verdict.schema.json")
        try schema.write(toFile: schemaPath, atomically: true, encoding: .utf8)
        let r = try Riskctl.run(["train", "--data", w.test, "--schema", schemaPath, "--out", w.path("never.json")])
        #expect(r.exitCode == 1)
        #expect(r.standardError.hasPrefix("error: test.csv"))
        #expect(r.standardError.contains("\"verdict\""))
    }

    // MARK: - 2: usage errors

    @Test func missingRequiredOption() throws {
        let r = try Riskctl.run(["score", "--model", "m.json"])
        #expect(r.exitCode == 2)
        #expect(r.standardOutput == "")
        #expect(r.standardError == """
            Error: Missing expected argument '--data <file>'
            Help:  --data <file>  Declarations CSV (the model's schema; label optional).
            Usage: riskctl score [<options>] --model <file> --data <file> --out <file>
              See 'riskctl score --help' for more information.

            """)
    }

    @Test(arguments: [
        (["--inspection-rate", "5"], "inspection rate is 5.0; expected a fraction in (0, 1], e.g. 0.05 for 5%."),
        (["--inspection-rate", "0.1", "--exploration-share", "1"],
         "exploration share is 1.0; expected a fraction in [0, 1)."),
        (["--capacity=-3"], "inspection capacity is -3; expected a count ≥ 0."),
        (["--reasons", "50"], "--reasons is 50; expected 0 to 20."),
        (["--inspection-rate", "0.1", "--capacity", "3"], "give at most one of --inspection-rate, --capacity and --threshold."),
        (["--threads", "0"], "--threads is 0; expected 1 to 1024."),
    ])
    func invalidScoreOption(extra: [String], message: String) throws {
        let r = try Riskctl.run(["score", "--model", "m.json", "--data", "d.csv", "--out", "o.csv"] + extra)
        #expect(r.exitCode == 2)
        #expect(r.standardError == """
            Error: \(message)
            Usage: riskctl score [<options>] --model <file> --data <file> --out <file>
              See 'riskctl score --help' for more information.

            """)
    }

    @Test func existingOutputWithoutForce() throws {
        let w = try Workspace.shared()
        let out = w.path("exists.csv")
        try "keep me\n".write(toFile: out, atomically: true, encoding: .utf8)
        let r = try Riskctl.run(["score", "--model", w.model("gbt"), "--data", w.test, "--out", out])
        #expect(r.exitCode == 2)
        #expect(r.standardError == "error: \(out) already exists; pass --force to replace it.\n")
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "keep me\n")
        // With --force it is replaced.
        try Riskctl.succeed(["score", "--model", w.model("gbt"), "--data", w.test, "--out", out, "--force"])
        #expect(try String(contentsOfFile: out, encoding: .utf8).hasPrefix("id,probability,"))
    }

    @Test func outputOverTheInputIsRefused() throws {
        let w = try Workspace.shared()
        let before = try Data(contentsOf: URL(fileURLWithPath: w.test))
        let r = try Riskctl.run(["score", "--model", w.model("gbt"), "--data", w.test, "--out", w.test, "--force"])
        #expect(r.exitCode == 2)
        #expect(r.standardError == "error: the output \(w.test) is the input file \(w.test); refusing to overwrite "
                + "what you gave. Choose another --out.\n")
        #expect(try Data(contentsOf: URL(fileURLWithPath: w.test)) == before)
    }

    @Test func unknownSubcommand() throws {
        let r = try Riskctl.run(["predict"])
        #expect(r.exitCode == 2)
        #expect(r.standardError == """
            Error: Unexpected argument 'predict'
            Usage: riskctl <subcommand>
              See 'riskctl --help' for more information.

            """)
    }

    @Test func unknownModelKind() throws {
        let r = try Riskctl.run(["train", "--data", "d.csv", "--model", "forest", "--out", "m.json"])
        #expect(r.exitCode == 2)
        #expect(r.standardError.hasPrefix("Error: The value 'forest' is invalid for '--model <gbt|logistic>'"))
    }

    // MARK: - 0

    @Test func versionAndHelpSucceed() throws {
        let version = try Riskctl.run(["--version"])
        #expect(version.exitCode == 0)
        #expect(version.standardOutput.split(separator: ".").count == 3)
        #expect(try Riskctl.run(["inspect", "--help"]).exitCode == 0)
    }
}

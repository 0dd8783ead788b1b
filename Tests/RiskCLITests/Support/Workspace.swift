import Foundation

/// Generated declarations and models shared by the end-to-end tests, made once per test run with
/// the real binary: `synth --rows 4013 --seed 11`, `split --test-fraction 0.25` (by date), then
/// `train` for both model kinds (`--iterations 30` keeps the debug run to seconds), then
/// `score --inspection-rate 0.05 --reasons 3` of the test file with each model (shared by the score,
/// evaluate and explain tests, so the suite starts few processes).
///
/// 4,013 rows make the test file's 5% budget a non-integer (ceil matters).
final class Workspace: Sendable {
    static let kinds = ["gbt", "logistic"]

    let directory: URL
    let schema: String
    let train: String
    let test: String
    /// Standard output of `riskctl train` by kind.
    let trainOutput: [String: String]
    /// Standard error of `riskctl score` by kind.
    let scoreLog: [String: String]

    /// `scores-<kind>.csv`: `score --inspection-rate 0.05 --reasons 3` of the test file.
    func scores(_ kind: String) -> String { directory.appendingPathComponent("scores-\(kind).csv").path }

    func model(_ kind: String) -> String { directory.appendingPathComponent("\(kind).json").path }
    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    private init(directory: URL, trainOutput: [String: String], scoreLog: [String: String]) {
        self.directory = directory
        schema = directory.appendingPathComponent("all.schema.json").path
        train = directory.appendingPathComponent("train.csv").path
        test = directory.appendingPathComponent("test.csv").path
        self.trainOutput = trainOutput
        self.scoreLog = scoreLog
    }

    struct SetupFailure: Error, CustomStringConvertible {
        var description: String
    }

    private static let made: Result<Workspace, SetupFailure> = {
        do {
            let directory = try makeScratchDirectory("e2e")
            func step(_ arguments: [String]) throws -> Riskctl.Result {
                let r = try Riskctl.run(arguments)
                guard r.exitCode == 0 else {
                    throw SetupFailure(description: "riskctl \(arguments.joined(separator: " ")) exited "
                                       + "\(r.exitCode): \(r.standardError)")
                }
                return r
            }
            let d = directory.path
            _ = try step(["synth", "--rows", "4013", "--seed", "11", "--out", "\(d)/all.csv"])
            _ = try step(["split", "--data", "\(d)/all.csv", "--schema", "\(d)/all.schema.json",
                          "--test-fraction", "0.25", "--out-train", "\(d)/train.csv", "--out-test", "\(d)/test.csv"])
            var outputs: [String: String] = [:], logs: [String: String] = [:]
            for kind in kinds {
                var arguments = ["train", "--data", "\(d)/train.csv", "--schema", "\(d)/all.schema.json",
                                 "--model", kind, "--seed", "3", "--out", "\(d)/\(kind).json"]
                if kind == "gbt" { arguments += ["--iterations", "30"] }
                outputs[kind] = try step(arguments).standardOutput
                logs[kind] = try step(["score", "--model", "\(d)/\(kind).json", "--data", "\(d)/test.csv",
                                       "--out", "\(d)/scores-\(kind).csv", "--inspection-rate", "0.05",
                                       "--reasons", "3"]).standardError
            }
            return .success(Workspace(directory: directory, trainOutput: outputs, scoreLog: logs))
        } catch let error as SetupFailure {
            return .failure(error)
        } catch {
            return .failure(SetupFailure(description: "\(error)"))
        }
    }()

    /// The shared workspace; throws (failing the calling test with the reason) when setup failed.
    static func shared() throws -> Workspace { try made.get() }

    // MARK: - Reading the test file independently of the library

    /// The test file's ids and labels, read with the test's own CSV reader.
    func testIDsAndLabels() throws -> (ids: [String], labels: [Double]) {
        let table = try CSVTable(contentsOf: URL(fileURLWithPath: test))
        return (try table.column("declaration_id"), try table.numbers("illicit"))
    }
}

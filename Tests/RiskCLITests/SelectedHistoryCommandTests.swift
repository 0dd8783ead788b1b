import Foundation
import Testing

/// `synth --inspection-policy`, `train` on a selected history and `evaluate --schema` with population
/// estimates, end to end with the built riskctl.
@Suite struct SelectedHistoryCommandTests {
    @Test func populationEstimatesCoverTheTruthTheFileHides() throws {
        let w = try Workspace.shared()
        let history = w.path("history.csv"), schema = w.path("history.schema.json"), model = w.path("history-model.json")
        try Riskctl.succeed(["synth", "--rows", "12000", "--seed", "5", "--out", history, "--inspection-policy", "rules",
                             "--inspection-rate", "0.15", "--force"])
        let trained = try Riskctl.succeed(["train", "--data", history, "--schema", schema, "--model", "gbt",
                                           "--iterations", "20", "--seed", "2", "--out", model, "--force"])
        #expect(trained.standardError.contains("warning: the data are a selected history: trained on its "))
        #expect(trained.standardOutput.contains("selected history: ")
                && trained.standardOutput.contains("weighting: inverse selection probability (selection_probability)"))
        // The bundle does not require the selection columns: the ordinary test file scores.
        try Riskctl.succeed(["score", "--model", model, "--data", w.test, "--out", w.path("history-scores.csv"),
                             "--force"])
        let result = try Riskctl.succeed(["evaluate", "--model", model, "--data", history, "--schema", schema, "--json"])
        let json = try JSONValue.parse(result.standardOutput)
        #expect(json["declarations"] == .number(12_000))
        guard case .number(let inspected)? = json["inspected"] else { Issue.record("no inspected count"); return }
        #expect(inspected > 1_400 && inspected < 2_200)
        let population = try #require(json["population"])
        #expect(population.keys == ["illicit_rate", "precision_at", "recall_at", "revenue_at", "bootstrap_samples"])
        #expect(population["precision_at"]?.keys == ["1", "2", "5", "10"])
        guard case .number(let value)? = population["illicit_rate"]?["value"],
              case .number(let low)? = population["illicit_rate"]?["low"],
              case .number(let high)? = population["illicit_rate"]?["high"] else {
            Issue.record("illicit_rate is not {value, low, high}"); return
        }
        // The truth the file keeps aside, read with the test's own CSV reader.
        let truth = try CSVTable(contentsOf: URL(fileURLWithPath: history)).numbers("true_illicit")
        let rate = truth.reduce(0, +) / Double(truth.count)
        #expect(low <= rate && rate <= high, "true rate \(rate), estimate \(value) [\(low), \(high)]")
        #expect(low <= value && value <= high)
    }
}

/// `evaluate --model A --model B` on the same declarations.
@Suite struct EvaluateComparisonTests {
    @Test func twoModelsGiveEachReportAndTheirPairedDifference() throws {
        let w = try Workspace.shared()
        let result = try Riskctl.succeed(["evaluate", "--model", w.model("logistic"), "--model", w.model("gbt"),
                                          "--data", w.test, "--json"])
        let json = try JSONValue.parse(result.standardOutput)
        guard case .array(let models)? = json["models"], models.count == 2,
              case .number(let a)? = models[0]["precision_at"]?["5"], case .number(let b)? = models[1]["precision_at"]?["5"],
              case .number(let difference)? = json["difference"]?["precision_at"]?["5"]?["value"],
              case .number(let low)? = json["difference"]?["precision_at"]?["5"]?["low"],
              case .number(let high)? = json["difference"]?["precision_at"]?["5"]?["high"] else {
            Issue.record("unexpected JSON: \(result.standardOutput)")
            return
        }
        #expect(abs(difference - (b - a)) < 1e-9)
        #expect(low <= difference && difference <= high)
        let text = try Riskctl.succeed(["evaluate", "--model", w.model("logistic"), "--model", w.model("gbt"),
                                        "--data", w.test])
        #expect(text.standardOutput.contains("B − A at each budget:"))
        let three = try Riskctl.run(["evaluate", "--model", w.model("gbt"), "--model", w.model("gbt"), "--model",
                                     w.model("gbt"), "--data", w.test])
        #expect(three.exitCode == 2)
        #expect(three.standardError.contains("--model is given 3 times; expected one bundle, or two to compare."))
    }
}

/// `features` on a selected history fits on the inspected rows, as `train` does.
@Suite struct SelectedHistoryFeaturesTests {
    @Test func featuresFitOnTheInspectedRows() throws {
        let w = try Workspace.shared()
        let history = w.path("features-history.csv"), schema = w.path("features-history.schema.json")
        try Riskctl.succeed(["synth", "--rows", "3000", "--seed", "8", "--out", history, "--inspection-policy", "random",
                             "--inspection-rate", "0.5", "--force"])
        let result = try Riskctl.succeed(["features", "--data", history, "--schema", schema, "--out",
                                          w.path("features-history-matrix.csv"), "--force"])
        let inspected = try CSVTable(contentsOf: URL(fileURLWithPath: history))
        let column = inspected.header.firstIndex(of: "inspected")!
        let count = inspected.rows.filter { $0[column] == "1" }.count
        #expect(result.standardError.contains("fitting on its \(count) inspected declarations of 3000"))
        #expect(result.standardOutput.contains(": \(count) rows × "))
    }
}

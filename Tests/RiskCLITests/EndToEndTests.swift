import Foundation
import Testing

/// train → evaluate → score → explain → inspect through the real `riskctl` binary, for both model
/// kinds, on generated declarations. Outputs are checked against naive oracles computed here.
@Suite struct EndToEndTests {
    // MARK: - train and inspect

    @Test(arguments: Workspace.kinds)
    func trainReportsAndInspectReadsTheBundle(kind: String) throws {
        let w = try Workspace.shared()
        let trained = try #require(w.trainOutput[kind]).split(separator: "\n").map(String.init)
        let kindName = kind == "gbt" ? "boosted_trees" : "logistic"
        #expect(trained.first?.hasPrefix("model: \(kindName), ") == true)
        #expect(trained.last == "wrote \(w.model(kind))")
        #expect(trained.contains { $0.hasPrefix("ROC AUC ") })

        let inspect = try Riskctl.succeed(["inspect", "--model", w.model(kind)])
        let lines = inspect.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.first == "\(w.model(kind)): CustomsRisk bundle format 1.0.0, valid")
        #expect(lines.dropFirst().first?.hasPrefix(kind == "gbt" ? "model: boosted trees, " : "model: logistic regression, ")
                == true)
        // Refit (the default): the latest 20% by date is cut in two; the later half is the validation set.
        let (holdout, positives) = try validationSet(w)
        #expect(lines.contains("validation: \(holdout / 2) declarations (\(positives) illicit), "
                               + "latest 20% by date, later half by date"))

        let json = try Riskctl.succeed(["inspect", "--model", w.model(kind), "--json"])
        let metadata = try JSONValue.parse(json.standardOutput)
        let trainRows = try CSVTable(contentsOf: URL(fileURLWithPath: w.train)).rows.count
        #expect(metadata["trainingRows"]?.int == trainRows)
        #expect(metadata["validationRows"]?.int == holdout / 2)
        #expect(metadata["selection"]?["trainingRows"]?.int == trainRows - holdout)
        #expect(metadata["selection"]?["stoppingRows"]?.int == holdout - holdout / 2)
        #expect(metadata["seed"]?.int == 3)
    }

    @Test func noRefitShipsTheModelFittedBeforeTheHoldout() throws {
        let w = try Workspace.shared()
        let out = w.directory.appendingPathComponent("no-refit.json").path
        let trained = try Riskctl.succeed(["train", "--data", w.train, "--schema", w.schema, "--seed", "3",
                                           "--iterations", "5", "--no-refit", "--force", "--out", out])
        let (holdout, _) = try validationSet(w, laterHalfOnly: false)
        #expect(trained.standardOutput.contains("validation (latest 20% by date, \(holdout) declarations, "))
        let metadata = try JSONValue.parse(try Riskctl.succeed(["inspect", "--model", out, "--json"]).standardOutput)
        let trainRows = try CSVTable(contentsOf: URL(fileURLWithPath: w.train)).rows.count
        #expect(metadata["trainingRows"]?.int == trainRows - holdout)
        #expect(metadata["validationRows"]?.int == holdout)
        #expect(metadata["selection"] == nil)
    }

    /// `--monotone` reaches the trees (recorded in the configuration); bad items are usage errors.
    @Test func monotoneFlagIsRecordedAndChecked() throws {
        let w = try Workspace.shared()
        let out = w.directory.appendingPathComponent("monotone.json").path
        _ = try Riskctl.succeed(["train", "--data", w.train, "--schema", w.schema, "--iterations", "5", "--force",
                                 "--monotone", "unit_value_log_ratio=-1,trader_tenure_days=-1", "--out", out])
        let metadata = try JSONValue.parse(try Riskctl.succeed(["inspect", "--model", out, "--json"]).standardOutput)
        #expect(metadata["configuration"]?["monotone"]?.string == "trader_tenure_days=-1,unit_value_log_ratio=-1")
        let bad = try Riskctl.run(["train", "--data", w.train, "--schema", w.schema, "--monotone", "unit_value=2",
                                   "--out", out, "--force"])
        #expect(bad.exitCode == 2)
        #expect(bad.standardError.contains("--monotone item \"unit_value=2\" is not name=1, name=-1 or name=0"))
        let unknown = try Riskctl.run(["train", "--data", w.train, "--schema", w.schema, "--iterations", "5",
                                       "--monotone", "no_such_feature=1", "--out", out, "--force"])
        #expect(unknown.exitCode == 1)
        #expect(unknown.standardError.contains("monotone constraint names feature \"no_such_feature\", which the data "
                                               + "do not have."))
    }

    /// Issue 15, item 8: `features` writes a sidecar naming each exported column's kind; the
    /// categorical ones hold codes in 0..<levels (or are empty), and the sidecar's columns are the
    /// CSV's feature columns in order.
    @Test func featuresWritesTheCategoricalSidecar() throws {
        let w = try Workspace.shared()
        let out = w.directory.appendingPathComponent("features.csv").path
        let result = try Riskctl.succeed(["features", "--data", w.train, "--schema", w.schema, "--out", out])
        let sidecarPath = w.directory.appendingPathComponent("features.columns.json").path
        #expect(result.standardOutput.contains("wrote \(sidecarPath): "))
        let sidecar = try JSONValue.parse(String(decoding: try Data(contentsOf: URL(fileURLWithPath: sidecarPath)),
                                                 as: UTF8.self))
        let columns = try #require(sidecar["columns"]?.array)
        let table = try CSVTable(contentsOf: URL(fileURLWithPath: out))
        #expect(columns.compactMap { $0["name"]?.string } == table.header.filter { $0 != "id" && $0 != "label" })
        #expect(sidecar["view"]?.string == "trees")
        let categorical = try #require(sidecar["categorical"]?.array).compactMap(\.string)
        #expect(categorical.contains("transport_mode_code") && !categorical.contains("declared_value"))
        for column in columns where column["kind"]?.string == "categorical" {
            let name = try #require(column["name"]?.string), levels = try #require(column["levels"]?.int)
            #expect(categorical.contains(name))
            for text in try table.column(name) where !text.isEmpty {
                let code = try #require(Double(text), "\(name): \(text)")
                #expect(code == code.rounded() && code >= 0 && code < Double(levels), "\(name): \(text) of \(levels)")
            }
        }
        #expect(columns.filter { $0["kind"]?.string == "numeric" }.allSatisfy { $0["levels"] == nil })
    }

    /// The size of the latest 20% of the training file by date (ISO dates sort as text; ties by
    /// row) and the illicit rows of its later half (or of all of it), counted here.
    func validationSet(_ w: Workspace, laterHalfOnly: Bool = true) throws -> (rows: Int, positives: Int) {
        let table = try CSVTable(contentsOf: URL(fileURLWithPath: w.train))
        let dates = try table.column("date"), labels = try table.numbers("illicit")
        let holdout = Int((Double(dates.count) * 0.2).rounded())
        let order = dates.indices.sorted { dates[$0] != dates[$1] ? dates[$0] < dates[$1] : $0 < $1 }
        let counted = order.suffix(laterHalfOnly ? holdout / 2 : holdout)
        return (holdout, counted.filter { labels[$0] == 1 }.count)
    }

    // MARK: - evaluate

    @Test(arguments: Workspace.kinds)
    func evaluateJSONMatchesNaiveMetricsOfTheScores(kind: String) throws {
        let w = try Workspace.shared()
        let result = try Riskctl.succeed(["evaluate", "--model", w.model(kind), "--data", w.test, "--json"])
        #expect(result.standardOutput.hasSuffix("}\n") && !result.standardOutput.dropLast().contains("\n"),
                "one JSON object on one line")
        let json = try JSONValue.parse(result.standardOutput)
        for key in ["rows", "positives", "auc", "pr_auc", "logloss", "brier", "precision_at", "recall_at", "revenue_at"] {
            #expect(json[key] != nil, "evaluate --json lacks \(key)")
        }
        for key in ["precision_at", "recall_at", "revenue_at"] {
            #expect(json[key]?.keys == ["1", "2", "5", "10"], "\(key) keys")
        }

        // Oracle inputs: the probabilities `score` writes and the labels read from the file here.
        let (ids, labels) = try w.testIDsAndLabels()
        let scores = try CSVTable(contentsOf: URL(fileURLWithPath: w.scores(kind)))
        #expect(try scores.column("id") == ids)
        let p = try scores.numbers("probability")
        let n = p.count, positives = labels.filter { $0 == 1 }.count
        #expect(json["rows"]?.int == n)
        #expect(json["positives"]?.int == positives)

        // AUC over all positive–negative pairs, ties half (O(n²) on 1,003 rows).
        var wins = 0.0
        for i in 0..<n where labels[i] == 1 {
            for j in 0..<n where labels[j] == 0 {
                wins += p[i] > p[j] ? 1 : (p[i] == p[j] ? 0.5 : 0)
            }
        }
        let auc = wins / Double(positives * (n - positives))
        // Tolerances: the same probabilities summed in another order; relative error ≲ n·ε ≈ 1e-13.
        #expect(abs(try #require(json["auc"]?.double) - auc) <= 1e-12)
        let logLoss = -zip(p, labels).map { p, y in y == 1 ? log(p) : log(1 - p) }.reduce(0, +) / Double(n)
        let brier = zip(p, labels).map { p, y in (p - y) * (p - y) }.reduce(0, +) / Double(n)
        #expect(abs(try #require(json["logloss"]?.double) - logLoss) <= 1e-12 * max(1, logLoss))
        #expect(abs(try #require(json["brier"]?.double) - brier) <= 1e-12)

        // precision@5% / recall@5%: the top ceil(5% × n) by probability, earlier row first on ties.
        let k = (5 * n + 99) / 100
        let top = (0..<n).sorted { p[$0] != p[$1] ? p[$0] > p[$1] : $0 < $1 }.prefix(k)
        let hits = Double(top.filter { labels[$0] == 1 }.count)
        let precision = try #require(json["precision_at"]?["5"]?.double)
        let recall = try #require(json["recall_at"]?["5"]?.double)
        #expect(precision == hits / Double(k))
        #expect(recall == hits / Double(positives))
    }

    @Test(arguments: Workspace.kinds)
    func evaluateTableNamesTheFileAndWritesTheReport(kind: String) throws {
        let w = try Workspace.shared()
        let report = w.path("report-\(kind).html")
        let result = try Riskctl.succeed(["evaluate", "--model", w.model(kind), "--data", w.test, "--report", report])
        let (ids, labels) = try w.testIDsAndLabels()
        #expect(result.standardOutput.hasPrefix("test.csv: \(ids.count) declarations, \(labels.filter { $0 == 1 }.count) illicit\n"))
        #expect(result.standardOutput.hasSuffix("wrote \(report)\n"))
        let html = try String(contentsOfFile: report, encoding: .utf8)
        #expect(html.contains("<svg"))
        #expect(!html.contains("src=\"http") && !html.contains("href=\"http"), "self-contained: no network resources")
    }

    // MARK: - score

    @Test(arguments: Workspace.kinds)
    func scoreCSVKeepsOrderSelectsTheBudgetAndListsReasons(kind: String) throws {
        let w = try Workspace.shared()
        let (ids, _) = try w.testIDsAndLabels()
        let out = w.scores(kind)  // score --inspection-rate 0.05 --reasons 3, run by the workspace
        let n = ids.count
        let k = (5 * n + 99) / 100  // ceil(5% × n) in integers
        #expect(n % 20 != 0, "the budget should not be a whole number of rows")
        // The warnings summary (checked against the jsonl records in `scoreJSONLinesMatchesTheCSV`), then the count.
        let log = try #require(w.scoreLog[kind]).split(separator: "\n").map(String.init)
        #expect(log.count == 2 && log[0].hasPrefix("warning: ") && log[0].contains(" of \(n) declarations have input"))
        #expect(log.last == "scored \(n) declarations (\(k) selected) → \(out)")
        let table = try CSVTable(contentsOf: URL(fileURLWithPath: out))
        #expect(table.header == ["id", "probability", "raw_score", "rank", "lane", "selected", "selection_probability",
                                 "expected_revenue", "reason_1", "reason_2", "reason_3", "reason_codes"])
        #expect(try table.column("id") == ids)
        let p = try table.numbers("probability")
        let rank = try table.column("rank").map { Int($0)! }
        let selected = try table.column("selected")
        #expect(p.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 1 })
        #expect(Set(rank) == Set(1...n))
        #expect(selected.filter { $0 == "1" }.count == k)
        #expect(Set(selected.indices.filter { selected[$0] == "1" }) == Set(rank.indices.filter { rank[$0] <= k }))
        #expect(Set(selected) == ["0", "1"])
        // Ranks follow probability (descending, earlier row first on ties).
        let byRank = rank.indices.sorted { rank[$0] < rank[$1] }
        for (a, b) in zip(byRank, byRank.dropFirst()) {
            #expect(p[a] > p[b] || (p[a] == p[b] && a < b))
        }
        #expect(Set(try table.column("lane")).isSubset(of: ["red", "yellow", "blue", "green"]))
        #expect(try table.numbers("expected_revenue").allSatisfy { $0.isFinite && $0 >= 0 })
        // Reasons: the codes column lists one code per non-empty reason column, non-empty ones first.
        let reasons = try (1...3).map { try table.column("reason_\($0)") }
        let codes = try table.column("reason_codes")
        for row in 0..<n {
            let texts = reasons.map { $0[row] }
            let count = texts.filter { !$0.isEmpty }.count
            #expect(texts.prefix(count).allSatisfy { !$0.isEmpty })
            let list = codes[row].isEmpty ? [] : codes[row].split(separator: ";").map(String.init)
            #expect(list.count == count, "row \(row)")
            #expect(list.allSatisfy { $0.allSatisfy { $0.isUppercase || $0 == "_" } })
        }
        #expect(reasons[0].filter { !$0.isEmpty }.count > n / 2, "most declarations get at least one reason")
    }

    @Test(arguments: Workspace.kinds)
    func scoreJSONLinesMatchesTheCSV(kind: String) throws {
        let w = try Workspace.shared()
        let csv = try CSVTable(contentsOf: URL(fileURLWithPath: w.scores(kind)))
        let out = w.path("scores-\(kind).jsonl")
        try? FileManager.default.removeItem(atPath: out)
        let jsonl = try Riskctl.succeed(["score", "--model", w.model(kind), "--data", w.test, "--out", out,
                                         "--format", "jsonl", "--inspection-rate", "0.05"])
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == csv.rows.count)
        // One warnings routine: both formats print the same summary, which counts what jsonl lists.
        let csvOut = w.path("scores-\(kind)-warnings.csv")
        try? FileManager.default.removeItem(atPath: csvOut)
        let csvRun = try Riskctl.succeed(["score", "--model", w.model(kind), "--data", w.test, "--out", csvOut,
                                          "--inspection-rate", "0.05"])
        func summary(_ run: Riskctl.Result) -> String? {
            run.standardError.split(separator: "\n").first { $0.contains("input warnings") }.map(String.init)
        }
        let listed = try lines.map { try #require(JSONValue.parse($0)["warnings"]?.array).count }
        let expected = "warning: \(listed.filter { $0 > 0 }.count) of \(lines.count) declarations have input "
            + "warnings (\(listed.reduce(0, +)) missing, unusable or unseen values; --format jsonl lists them)."
        #expect(listed.reduce(0, +) > 0, "some warnings to count")
        #expect(summary(jsonl) == expected)
        #expect(summary(csvRun) == expected)
        let ids = try csv.column("id"), p = try csv.numbers("probability"), raw = try csv.numbers("raw_score")
        let selected = try csv.column("selected"), rank = try csv.column("rank")
        for (row, line) in lines.enumerated() {
            let object = try JSONValue.parse(line)
            #expect(object.keys == ["id", "probability", "raw_score", "rank", "lane", "selected",
                                    "selection_probability", "expected_revenue", "reasons", "warnings"])
            #expect(object["id"]?.string == ids[row])
            #expect(object["probability"]?.double?.bitPattern == p[row].bitPattern)
            #expect(object["raw_score"]?.double?.bitPattern == raw[row].bitPattern)
            #expect(object["selected"]?.bool == (selected[row] == "1"))
            #expect(object["rank"]?.int.map(String.init) == rank[row])
            let reasons = try #require(object["reasons"]?.array)
            #expect(reasons.count <= 3)
            for reason in reasons { #expect(reason.keys == ["code", "text", "value"]) }
        }
    }

    // MARK: - explain

    @Test(arguments: Workspace.kinds)
    func explainJSONAddsUpToTheScoredRawScore(kind: String) throws {
        let w = try Workspace.shared()
        let scores = try CSVTable(contentsOf: URL(fileURLWithPath: w.scores(kind)))
        let ids = try scores.column("id"), raw = try scores.numbers("raw_score"), p = try scores.numbers("probability")
        let rank = try scores.column("rank").map { Int($0)! }, codes = try scores.column("reason_codes")
        // The first row, the riskiest and the least risky.
        let rows = [0] + rank.indices.filter { rank[$0] == 1 || rank[$0] == ids.count }
        for row in rows {
            let result = try Riskctl.succeed(["explain", "--model", w.model(kind), "--data", w.test, "--id", ids[row],
                                              "--json"])
            let json = try JSONValue.parse(result.standardOutput)
            #expect(json.keys == ["id", "raw_score", "probability", "base_value", "lane", "contributions",
                                  "reasons", "warnings"])
            #expect(json["id"]?.string == ids[row])
            let rawScore = try #require(json["raw_score"]?.double)
            #expect(rawScore.bitPattern == raw[row].bitPattern, "explain and score agree on \(ids[row])")
            #expect(json["probability"]?.double?.bitPattern == p[row].bitPattern)
            let base = try #require(json["base_value"]?.double)
            let contributions = try #require(json["contributions"]?.array)
            #expect(contributions.allSatisfy { $0.keys == ["group", "value"] })
            let groups = contributions.compactMap { $0["group"]?.string }
            #expect(Set(groups).count == contributions.count, "each group once")
            let sum = contributions.compactMap { $0["value"]?.double }.reduce(0, +)
            // Additivity of TreeSHAP / linear contributions; rounding over ~20 terms ≪ 1e-9.
            #expect(abs(base + sum - rawScore) <= 1e-9, "\(ids[row]): \(base) + \(sum) vs \(rawScore)")
            let reasons = try #require(json["reasons"]?.array)
            #expect(reasons.allSatisfy { $0.keys == ["code", "text", "value"] })
            #expect(reasons.compactMap { $0["code"]?.string }.joined(separator: ";") == codes[row])
        }
    }

    /// Symmetric trees end to end: the tabulated explanations add up to the raw score `score` wrote
    /// and give the same reason codes.
    @Test func symmetricTreesTrainScoreAndExplain() throws {
        let w = try Workspace.shared()
        let model = w.path("symmetric.json"), scored = w.path("scores-symmetric.csv")
        let trained = try Riskctl.succeed(["train", "--data", w.path("train.csv"), "--schema", w.path("all.schema.json"),
                                           "--model", "gbt", "--growth", "symmetric", "--max-depth", "4",
                                           "--iterations", "30", "--seed", "3", "--out", model, "--force"])
        #expect(trained.standardOutput.contains("model: boosted_trees, "))
        let inspect = try Riskctl.succeed(["inspect", "--model", model]).standardOutput
        #expect(inspect.contains("growth=symmetric") && inspect.contains("max-depth=4"), "\(inspect)")
        _ = try Riskctl.succeed(["score", "--model", model, "--data", w.test, "--out", scored, "--reasons", "3",
                                 "--force"])
        let scores = try CSVTable(contentsOf: URL(fileURLWithPath: scored))
        let ids = try scores.column("id"), raw = try scores.numbers("raw_score"), codes = try scores.column("reason_codes")
        for row in [0, ids.count / 2, ids.count - 1] {
            let json = try JSONValue.parse(try Riskctl.succeed(["explain", "--model", model, "--data", w.test, "--id",
                                                                ids[row], "--json"]).standardOutput)
            let rawScore = try #require(json["raw_score"]?.double)
            #expect(rawScore.bitPattern == raw[row].bitPattern)
            let base = try #require(json["base_value"]?.double)
            let sum = try #require(json["contributions"]?.array).compactMap { $0["value"]?.double }.reduce(0, +)
            #expect(abs(base + sum - rawScore) <= 1e-9, "\(ids[row]): \(base) + \(sum) vs \(rawScore)")
            let reasons = try #require(json["reasons"]?.array)
            #expect(reasons.compactMap { $0["code"]?.string }.joined(separator: ";") == codes[row])
        }
        // --max-leaves has no meaning for symmetric trees: a usage error, not a silently ignored flag.
        let misuse = try Riskctl.run(["train", "--data", w.path("train.csv"), "--model", "gbt", "--growth", "symmetric",
                                      "--max-leaves", "31", "--out", w.path("never.json")])
        #expect(misuse.exitCode == 2)
        #expect(misuse.standardError.hasPrefix("Error: --max-leaves 31 does not apply to --growth symmetric: a "
                                               + "symmetric tree of depth D has 2^D leaves. Give --max-depth instead "
                                               + "(default 6).\n"))
    }

    @Test(arguments: Workspace.kinds)
    func explainTextNamesTheDeclaration(kind: String) throws {
        let w = try Workspace.shared()
        let (ids, _) = try w.testIDsAndLabels()
        let result = try Riskctl.succeed(["explain", "--model", w.model(kind), "--data", w.test, "--id", ids[5]])
        let lines = result.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("declaration \(ids[5]): probability ") == true)
        #expect(lines.dropFirst().first?.hasPrefix("base value ") == true)
    }

    // MARK: - reproducibility

    /// `--reproducible` with the same seed and threads gives byte-identical bundles; another thread
    /// count gives the same model (identical score files).
    @Test func reproducibleTrainingIsByteIdenticalAndThreadIndependent() throws {
        let w = try Workspace.shared()
        var bundles: [Data] = []
        var scoreFiles: [Data] = []
        for (index, threads) in ["1", "1", "2"].enumerated() {
            let model = w.path("repro-\(index).json"), out = w.path("repro-\(index).csv")
            try Riskctl.succeed(["train", "--data", w.train, "--schema", w.schema, "--model", "gbt", "--seed", "5",
                                 "--iterations", "10", "--threads", threads, "--reproducible", "--out", model])
            try Riskctl.succeed(["score", "--model", model, "--data", w.test, "--out", out, "--threads", threads])
            bundles.append(try Data(contentsOf: URL(fileURLWithPath: model)))
            scoreFiles.append(try Data(contentsOf: URL(fileURLWithPath: out)))
        }
        #expect(bundles[0] == bundles[1])
        #expect(scoreFiles[0] == scoreFiles[1])
        #expect(scoreFiles[2] == scoreFiles[0])
    }
}

import ArgumentParser
import CustomsRisk
import Foundation
import RiskDeclarations

/// `riskctl bench`: timings on a numeric feature matrix, for the side-by-side peer comparison
/// (`Benchmarks/compare/`). Prints one JSON object with the same keys as the peers' script.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time training, prediction and explanation on a feature-matrix CSV (used by Benchmarks/compare).",
        subcommands: [Trees.self, Logistic.self, Scorer.self])

    struct Trees: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "gbt", abstract: "Boosted trees.")
        @Option(name: .long, help: "Training matrix CSV (id?, features…, label).") var train: String
        @Option(name: .long, help: "Test matrix CSV.") var test: String
        @Option(name: .long) var iterations: Int = 200
        @Option(name: .customLong("max-leaves")) var maxLeaves: Int = 63
        @Option(name: .customLong("max-depth"), help: "Tree depth at most (default: unlimited; 6 for symmetric trees).")
        var maxDepth: Int?
        @Option(name: .long, help: ArgumentHelp("Tree growth.", valueName: "leaf-wise|depth-wise|symmetric"))
        var growth: GrowthOption = .leafWise
        @Option(name: .customLong("learning-rate")) var learningRate: Double = 0.1
        @Option(name: .long) var bins: Int = 255
        @Option(name: .customLong("shap-rows"), help: "Rows explained for the SHAP throughput (0 = skip).")
        var shapRows: Int = 100_000
        @Option(name: .customLong("save-model"), help: "Write the trained trees as JSON (for parity checks).")
        var saveModel: String?
        @Flag(name: .long) var json = false
        @OptionGroup var threads: ThreadOptions

        func run() throws {
            let train = try NumericMatrixCSV.read(self.train)
            let test = try NumericMatrixCSV.read(self.test)
            var c = BoostedTreesConfiguration()
            c.iterationCount = iterations
            c.maximumLeafCount = maxLeaves
            c.maximumDepth = maxDepth
            c.growthPolicy = growth.policy
            c.learningRate = learningRate
            c.binCount = bins
            c.l2Regularization = 1
            c.minimumSamplesPerLeaf = 20
            c.minimumChildWeight = 1e-3
            c.rowSubsample = 1
            c.columnSubsample = 1
            c.earlyStoppingRounds = nil
            c.threadCount = threads.threads
            c.randomSeed = 1
            let clock = ContinuousClock()
            let dataset = try Dataset(features: train.matrix, labels: train.labels)
            var result: BoostedTreesResult!
            let trainTime = try clock.measure { result = try BoostedTrees(configuration: c).fit(dataset) }
            let model = result.model
            if let saveModel {
                try AtomicFile.write(Data(try jsonLine(model).utf8), to: URL(fileURLWithPath: saveModel))
            }
            let predictor = BoostedTreesPredictor(model: model)
            var scores: [Double] = []
            let predictTime = try clock.measure { scores = try predictor.predictions(test.matrix, threadCount: threads.threads) }
            let auc = try rocAUC(scores: scores, labels: test.labels)
            // Single-row latency: median over 2,000 calls through the allocation-free path.
            var row = [Float](repeating: 0, count: test.matrix.columnCount)
            var samples: [Double] = []
            var sink = 0.0
            for i in 0..<min(2_000, test.matrix.rowCount) {
                row.withUnsafeMutableBufferPointer { test.matrix.copyRow(i, into: $0) }
                let t = clock.measure { sink += row.withUnsafeBufferPointer { predictor.prediction($0) } }
                samples.append(seconds(t) * 1e6)
            }
            samples.sort()
            var out: [String: Any] = [
                "library": "customsrisk", "version": CustomsRiskVersion.string, "task": "gbt",
                "growth": growth.rawValue,
                "rows": train.matrix.rowCount, "features": train.matrix.columnCount,
                "train_seconds": seconds(trainTime), "auc": auc,
                "predict_rows_per_s": Double(test.matrix.rowCount) / seconds(predictTime),
                "single_row_us": samples.isEmpty ? 0 : samples[samples.count / 2],
                "trees": model.trees.count, "checksum": sink.isFinite ? 1 : 0,
            ]
            if shapRows > 0 {
                let rows = Array(0..<min(shapRows, test.matrix.rowCount))
                let subset = test.matrix.selectingRows(rows)
                let explainer = TreeExplainer(model: model)
                let shapTime = try clock.measure { _ = try explainer.contributions(for: subset, threadCount: threads.threads) }
                out["shap_rows_per_s"] = Double(rows.count) / seconds(shapTime)
                // One declaration explained (single thread), median of 200.
                var contributions = [Double](repeating: 0, count: test.matrix.columnCount)
                var explainSamples: [Double] = []
                for i in 0..<min(200, rows.count) {
                    row.withUnsafeMutableBufferPointer { test.matrix.copyRow(i, into: $0) }
                    let t = clock.measure {
                        _ = row.withUnsafeBufferPointer { x in
                            contributions.withUnsafeMutableBufferPointer { explainer.explain(x, into: $0) }
                        }
                    }
                    explainSamples.append(seconds(t) * 1e6)
                }
                explainSamples.sort()
                out["single_row_shap_us"] = explainSamples.isEmpty ? 0 : explainSamples[explainSamples.count / 2]
            }
            out["peak_rss_mb"] = peakResidentMegabytes()
            try printJSON(out, json: json)
        }
    }

    struct Logistic: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "logistic", abstract: "Logistic regression (L2, C = 1).")
        @Option(name: .long) var train: String
        @Option(name: .long) var test: String
        @Flag(name: .long) var json = false
        @OptionGroup var threads: ThreadOptions

        func run() throws {
            let train = try NumericMatrixCSV.read(self.train)
            let test = try NumericMatrixCSV.read(self.test)
            // Same objective as scikit-learn's LogisticRegression(C=1): Σ log loss + ½‖β‖², unstandardised.
            let configuration = LogisticRegressionConfiguration(l2Regularization: 1, standardize: false,
                                                                threadCount: threads.threads)
            let clock = ContinuousClock()
            let dataset = try Dataset(features: train.matrix, labels: train.labels)
            var result: LogisticRegressionResult!
            let time = try clock.measure { result = try LogisticRegression(configuration: configuration).fit(dataset) }
            let auc = try rocAUC(scores: try result.model.rawScores(test.matrix), labels: test.labels)
            try printJSON([
                "library": "customsrisk", "version": CustomsRiskVersion.string, "task": "logistic",
                "rows": train.matrix.rowCount, "features": train.matrix.columnCount,
                "train_seconds": seconds(time), "iterations": result.report.iterations, "auc": auc,
                "solver": "\(result.report.solver)", "peak_rss_mb": peakResidentMegabytes(),
            ], json: json)
        }
    }
}

extension BenchCommand {
    /// One declaration at a time through `RiskScorer.score(_:options:)`, as a clearance system calls it.
    struct Scorer: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "scorer", abstract: "Latency of RiskScorer.score(Declaration) with reasons, one thread.")
        @Option(name: .long, help: "Model bundle.") var model: String
        @Option(name: .long, help: "Declarations CSV (the model's schema).") var data: String
        @Option(name: .long, help: "Reasons per declaration.") var reasons: Int = 3
        @Option(name: .long, help: "Declarations timed (after 50 untimed).") var count: Int = 2_000
        @Option(name: .customLong("evict-bytes"),
                help: ArgumentHelp("Bytes written between calls (untimed) to push the model out of the caches, as "
                    + "other work would between calls of a clearance system; 0 = back-to-back calls."))
        var evictBytes: Int = 0
        @Flag(name: .long) var json = false

        func run() throws {
            let scorer = try RiskScorer(contentsOf: URL(fileURLWithPath: model))
            // The project's RFC 4180 scanner: one record at a time, the first count + 50 declarations.
            let scanner = try CSVScanner(path: data, sourceName: URL(fileURLWithPath: data).lastPathComponent)
            guard try scanner.nextRecord() else { throw ValidationError("\(data) is empty; expected a header row.") }
            let header = (0..<scanner.fieldCount).map { scanner.fieldString($0) }
            let idColumn = scorer.bundle.schema.id
            var declarations: [Declaration] = []
            while declarations.count < count + 50, try scanner.nextRecord() {
                var values: [String: String] = [:]
                for k in 0..<min(header.count, scanner.fieldCount) { values[header[k]] = scanner.fieldString(k) }
                declarations.append(Declaration(id: values[idColumn] ?? "", values: values))
            }
            let options = ScoringOptions(reasonCount: reasons, threadCount: 1)
            let clock = ContinuousClock()
            var samples: [Double] = []
            var reasonsSeen = 0
            var scratch = [UInt8](repeating: 0, count: max(0, evictBytes))
            for (i, declaration) in declarations.enumerated() {
                if !scratch.isEmpty {
                    scratch.withUnsafeMutableBytes { $0.initializeMemory(as: UInt8.self, repeating: UInt8(truncatingIfNeeded: i)) }
                }
                var assessment: RiskAssessment?
                let t = try clock.measure { assessment = try scorer.score(declaration, options: options) }
                reasonsSeen += assessment?.reasons.count ?? 0
                if i >= 50 { samples.append(seconds(t) * 1e6) }
            }
            samples.sort()
            guard !samples.isEmpty else { throw ValidationError("\(data) needs more than 50 declarations.") }
            try printJSON([
                "library": "customsrisk", "task": "score_one_declaration", "reasons": reasons,
                "declarations": samples.count, "median_us": samples[samples.count / 2],
                "p10_us": samples[samples.count / 10], "p90_us": samples[samples.count * 9 / 10],
                "mean_reasons": Double(reasonsSeen) / Double(declarations.count), "evict_bytes": evictBytes,
            ], json: json)
        }
    }
}

func seconds(_ d: Duration) -> Double { d / .seconds(1) }

func peakResidentMegabytes() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_maxrss) / 1024
}

func printJSON(_ object: [String: Any], json: Bool) throws {
    let data = try JSONSerialization.data(withJSONObject: object, options: json ? [.sortedKeys] : [.sortedKeys, .prettyPrinted])
    print(String(decoding: data, as: UTF8.self))
}

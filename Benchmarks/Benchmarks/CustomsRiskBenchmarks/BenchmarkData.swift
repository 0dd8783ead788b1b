import CustomsRisk
import Foundation

/// Shared inputs, built lazily once per benchmark process (Swift globals are lazy and thread-safe).
///
/// Expensive artefacts (the 1M-row declaration CSV, trained models) are cached in a temporary
/// folder keyed by their parameters, so the processes of one `swift package benchmark` run reuse
/// them. Delete `$TMPDIR/customsrisk-benchmarks-v1` to regenerate.
enum BenchmarkData {
    /// Threads for every parallel benchmark: fixed, so results compare across machines with more cores.
    static let threadCount = 2
    static let largeRowCount = 1_000_000
    static let trainingRowCount = 100_000

    static let cacheDirectory: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("customsrisk-benchmarks-v1")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    /// Returns `name` in the cache folder, running `make` (which writes to the given temporary URL)
    /// first when the file is missing. Written then renamed, so a crash never leaves half a file.
    static func cachedFile(_ name: String, make: (URL) throws -> Void) -> URL {
        let url = cacheDirectory.appendingPathComponent(name)
        if !FileManager.default.fileExists(atPath: url.path) {
            let partial = cacheDirectory.appendingPathComponent(name + ".partial-\(getpid())")
            do {
                try make(partial)
                guard rename(partial.path, url.path) == 0 else {
                    throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
                }
            } catch {
                fatalError("benchmark data \(name): \(error)")
            }
        }
        return url
    }
}

// MARK: - Declarations

/// 1,000,000 generated declarations (21 columns, ≈ 150 MB), seed 1, as a CSV file.
let largeDeclarationsFile: URL = BenchmarkData.cachedFile("declarations-1000000-seed1.csv") { url in
    try SyntheticDeclarations(rowCount: BenchmarkData.largeRowCount, seed: 1).write(to: url)
}

/// The 1M declarations read into a table.
let largeDeclarationTable: DeclarationTable = {
    do {
        return try DeclarationReader.read(contentsOf: largeDeclarationsFile, schema: SyntheticDeclarations.schema).table
    } catch {
        fatalError("reading \(largeDeclarationsFile.path): \(error)")
    }
}()

/// 100,000 generated declarations (seed 2) in memory: the training set of every model below.
let trainingDeclarationTable: DeclarationTable = {
    do { return try SyntheticDeclarations(rowCount: BenchmarkData.trainingRowCount, seed: 2).table() } catch {
        fatalError("generating training declarations: \(error)")
    }
}()

/// The feature pipeline fitted on the 100k training declarations, with its training matrices.
let trainingFit: FeaturePipelineFit = {
    var configuration = FeaturePipelineConfiguration()
    configuration.threadCount = BenchmarkData.threadCount
    do { return try FeaturePipeline(configuration: configuration).fit(trainingDeclarationTable) } catch {
        fatalError("fitting the feature pipeline: \(error)")
    }
}()

/// 20,000 other declarations (seed 3) transformed with the fitted pipeline (trees view): prediction input.
let testTreesMatrix: FeatureMatrix = {
    do {
        let table = try SyntheticDeclarations(rowCount: 20_000, seed: 3).table()
        return try trainingFit.pipeline.transform(table, for: .trees, threadCount: BenchmarkData.threadCount)
    } catch {
        fatalError("building the test matrix: \(error)")
    }
}()

// MARK: - Models

/// The peer-comparison shape: 200 trees, ≤ 63 leaves, learning rate 0.1, 255 bins, no subsampling.
func comparisonTreesConfiguration(iterations: Int = 200) -> BoostedTreesConfiguration {
    var c = BoostedTreesConfiguration()
    c.iterationCount = iterations
    c.maximumLeafCount = 63
    c.learningRate = 0.1
    c.binCount = 255
    c.minimumSamplesPerLeaf = 20
    c.rowSubsample = 1
    c.columnSubsample = 1
    c.earlyStoppingRounds = nil
    c.threadCount = BenchmarkData.threadCount
    c.randomSeed = 1
    return c
}

/// 200 x 63-leaf trees trained on the 100k training matrix (cached as JSON between processes).
let comparisonModel: BoostedTreesModel = {
    let url = BenchmarkData.cachedFile("trees-100000-200x63.json") { url in
        let data = try trainingFit.dataset(for: .trees)
        let model = try BoostedTrees(configuration: comparisonTreesConfiguration()).fit(data).model
        try JSONEncoder().encode(model).write(to: url)
    }
    do { return try JSONDecoder().decode(BoostedTreesModel.self, from: Data(contentsOf: url)) } catch {
        fatalError("loading \(url.path): \(error) — delete the file to retrain")
    }
}()

/// The comparison shape grown symmetric (oblivious): 200 trees of depth 6 (64 leaves each), which
/// `TreeExplainer` tabulates (explanations at prediction speed).
func symmetricTreesConfiguration() -> BoostedTreesConfiguration {
    var c = comparisonTreesConfiguration()
    c.growthPolicy = .symmetric
    c.maximumDepth = 6
    return c
}

/// 200 symmetric depth-6 trees trained on the 100k training matrix (cached as JSON between processes).
let symmetricModel: BoostedTreesModel = {
    let url = BenchmarkData.cachedFile("trees-100000-200xsym6.json") { url in
        let data = try trainingFit.dataset(for: .trees)
        let model = try BoostedTrees(configuration: symmetricTreesConfiguration()).fit(data).model
        try JSONEncoder().encode(model).write(to: url)
    }
    do { return try JSONDecoder().decode(BoostedTreesModel.self, from: Data(contentsOf: url)) } catch {
        fatalError("loading \(url.path): \(error) — delete the file to retrain")
    }
}()

/// The symmetric model's explainer (every tree tabulated).
let symmetricExplainer: TreeExplainer = TreeExplainer(model: symmetricModel)

/// A full bundle with the symmetric trees (cached between processes).
let symmetricBundle = trainedBundle(file: "bundle-100000-200xsym6.json", trees: symmetricTreesConfiguration())

/// A scorer over `symmetricBundle`.
let symmetricScorer: RiskScorer = {
    do { return try RiskScorer(bundle: symmetricBundle) } catch { fatalError("RiskScorer: \(error)") }
}()

/// A full bundle (pipeline, 200 trees, calibration, revenue model) trained by `ModelTrainer` on the
/// 100k training declarations (cached between processes).
let scoringBundle = trainedBundle(file: "bundle-100000-200x63.json", trees: comparisonTreesConfiguration())

/// A bundle trained by `ModelTrainer` (seed 1, reproducible) on the 100k training declarations with
/// `trees`, cached between processes in `file`.
func trainedBundle(file: String, trees: BoostedTreesConfiguration) -> ModelBundle {
    let url = BenchmarkData.cachedFile(file) { url in
        var options = TrainingOptions()
        options.trees = trees
        options.seed = 1
        options.threadCount = BenchmarkData.threadCount
        options.reproducible = true
        try ModelTrainer(options: options).train(trainingDeclarationTable).bundle.write(to: url)
    }
    do { return try ModelBundle.load(contentsOf: url) } catch {
        fatalError("loading \(url.path): \(error) — delete the file to retrain")
    }
}

/// 1,000 single declarations (seed 4) as a clearance system would submit them: raw text fields.
let singleDeclarations: [Declaration] = {
    let bytes = SyntheticDeclarations(rowCount: 1_000, seed: 4).csvBytes()
    let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
    let header = splitCSVLine(lines[0])
    return lines.dropFirst().map { line in
        let fields = splitCSVLine(line)
        var values: [String: String] = [:]
        for (name, value) in zip(header, fields) { values[name] = value }
        return Declaration(id: values["declaration_id"] ?? "", values: values)
    }
}()

/// Splits one CSV line with RFC 4180 quoting (the generator quotes notes that contain a comma).
func splitCSVLine(_ line: String) -> [String] {
    var fields: [String] = []
    var current = ""
    var quoted = false
    var iterator = line.makeIterator()
    while let c = iterator.next() {
        if quoted {
            if c == "\"" {
                quoted = false
            } else {
                current.append(c)
            }
        } else if c == "\"" {
            quoted = true
        } else if c == "," {
            fields.append(current)
            current = ""
        } else {
            current.append(c)
        }
    }
    fields.append(current)
    return fields
}

/// The comparison model flattened for prediction (built once per process, outside any measurement).
let comparisonPredictor: BoostedTreesPredictor = BoostedTreesPredictor(model: comparisonModel)

/// The comparison model's TreeSHAP explainer.
let comparisonExplainer: TreeExplainer = TreeExplainer(model: comparisonModel)

/// A scorer over `scoringBundle`.
let benchmarkScorer: RiskScorer = {
    do { return try RiskScorer(bundle: scoringBundle) } catch { fatalError("RiskScorer: \(error)") }
}()

/// The 1M declarations as a trees-view training set (transformed by the 100k-fitted pipeline).
let largeTreesDataset: Dataset = {
    do {
        let matrix = try trainingFit.pipeline.transform(largeDeclarationTable, for: .trees,
                                                        threadCount: BenchmarkData.threadCount)
        return try Dataset(features: matrix, labels: largeDeclarationTable.labels ?? [])
    } catch {
        fatalError("building the 1M training set: \(error)")
    }
}()

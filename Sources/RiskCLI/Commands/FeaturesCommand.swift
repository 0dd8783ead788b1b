import ArgumentParser
import CustomsRisk
import Foundation

/// `riskctl features`: export the engineered feature matrix (for other tools and comparisons).
struct FeaturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "features",
        abstract: "Fit the feature pipeline on labelled declarations and export the feature matrix as CSV.",
        discussion: """
            The --out matrix of the training data uses out-of-fold risk profiles (no row sees its own label); \
            --apply FILE transforms other declarations with the pipeline fitted on --data, as scoring would. \
            Columns: id, the features, label. Missing values are empty fields (trees view). Beside --out, \
            NAME.columns.json (the --out path with its extension replaced) lists every feature with its kind \
            and, for categorical features, the number of codes: give those columns to another library as \
            categorical (codes 0..<levels), as Benchmarks/compare/feature_value.py does.
            """)

    @OptionGroup var input: DeclarationInput
    @Option(name: .long, help: ArgumentHelp("Feature view.", valueName: "trees|linear"))
    var kind: FeatureMatrixKind = .trees
    @Option(name: .long, help: ArgumentHelp("Training feature matrix CSV.", valueName: "file"))
    var out: String
    @Option(name: .long, help: ArgumentHelp("Other declarations to transform with the fitted pipeline.", valueName: "file"))
    var apply: String?
    @Option(name: .customLong("apply-out"), help: ArgumentHelp("Feature matrix of --apply.", valueName: "file"))
    var applyOut: String?
    @Option(name: .long, help: "Seed of the fold assignment.")
    var seed: UInt64 = 42
    @OptionGroup var threads: ThreadOptions

    func validate() throws {
        guard (apply == nil) == (applyOut == nil) else {
            throw ValidationError("--apply and --apply-out go together.")
        }
    }

    func run() throws {
        let schema = try DeclarationSchema.load(contentsOf: input.schemaURL())
        let training = try input.read(schema: schema, requireLabel: true).table
        var configuration = FeaturePipelineConfiguration()
        configuration.randomSeed = seed
        configuration.threadCount = threads.threads
        let fit = try FeaturePipeline(configuration: configuration).fit(training)
        let outURL = URL(fileURLWithPath: out)
        try checkNotOverwritingInput(output: outURL, inputs: [input.dataURL])
        let featureSchema = fit.pipeline.schema(for: kind)
        try FittedFeaturePipeline.writeCSV(fit.matrix(for: kind), ids: training.ids, labels: fit.labels, to: outURL)
        print("wrote \(out): \(training.rowCount) rows × \(featureSchema.columns.count) features")
        let sidecarURL = Self.sidecarURL(for: outURL)
        try checkNotOverwritingInput(output: sidecarURL, inputs: [input.dataURL])
        try AtomicFile.write(Data((try jsonLine(FeatureColumnsSidecar(kind: kind, schema: featureSchema)) + "\n").utf8),
                             to: sidecarURL)
        print("wrote \(sidecarURL.path): \(featureSchema.columns.filter { $0.kind != .numeric }.count) categorical columns")
        if let apply, let applyOut {
            var other = input
            other.data = apply
            let table = try other.read(schema: schema, requireLabel: false).table
            let matrix = try fit.pipeline.transform(table, for: kind, threadCount: threads.threads)
            let url = URL(fileURLWithPath: applyOut)
            try checkNotOverwritingInput(output: url, inputs: [URL(fileURLWithPath: apply)])
            try FittedFeaturePipeline.writeCSV(matrix, ids: table.ids, labels: table.labels, to: url)
            print("wrote \(applyOut): \(table.rowCount) rows")
        }
    }
}

extension FeaturesCommand {
    /// `out.csv` → `out.columns.json` (an extension-less path gains `.columns.json`).
    static func sidecarURL(for out: URL) -> URL {
        out.deletingPathExtension().appendingPathExtension("columns.json")
    }
}

/// The sidecar of an exported feature matrix: each column's kind, so that another library treats
/// the categorical codes as categories rather than as ordered numbers.
struct FeatureColumnsSidecar: Encodable {
    struct Column: Encodable {
        var name: String
        /// `numeric` or `categorical`.
        var kind: String
        /// Codes of a categorical column are `0..<levels` (missing = empty field); nil for numeric ones.
        var levels: Int?
        /// The declaration-level group the column explains into.
        var group: String
    }

    var view: String
    var columns: [Column]
    /// The names of the categorical columns, in column order.
    var categorical: [String]

    init(kind: FeatureMatrixKind, schema: FeatureSchema) {
        view = kind.rawValue
        columns = schema.columns.map { column in
            switch column.kind {
            case .numeric: Column(name: column.name, kind: "numeric", levels: nil, group: column.group)
            case .categorical(let levelCount):
                Column(name: column.name, kind: "categorical", levels: levelCount, group: column.group)
            }
        }
        categorical = columns.filter { $0.kind == "categorical" }.map(\.name)
    }
}

extension FeatureMatrixKind: ExpressibleByArgument {}

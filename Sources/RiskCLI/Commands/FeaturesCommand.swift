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
            categorical (codes 0..<levels), as Benchmarks/compare/feature_value.py does. \
            With --model, nothing is fitted: --data is transformed by that bundle's pipeline into the feature \
            vector its model takes (the input of `riskctl export`).
            """)

    @OptionGroup var input: DeclarationInput
    @Option(name: .long, help: ArgumentHelp("Feature view (default: trees; with --model, the model's).",
                                            valueName: "trees|linear"))
    var kind: FeatureMatrixKind?
    @Option(name: .long, help: ArgumentHelp(
        "Transform --data with this bundle's fitted pipeline instead of fitting one.", valueName: "file"))
    var model: String?
    @Option(name: .long, help: ArgumentHelp("Training feature matrix CSV.", valueName: "file"))
    var out: String
    @Option(name: .long, help: ArgumentHelp("Other declarations to transform with the fitted pipeline.", valueName: "file"))
    var apply: String?
    @Option(name: .customLong("apply-out"), help: ArgumentHelp("Feature matrix of --apply.", valueName: "file"))
    var applyOut: String?
    @Flag(name: .long, help: "Replace existing output files (never an input).")
    var force = false
    @Option(name: .long, help: "Seed of the fold assignment.")
    var seed: UInt64 = 42
    @OptionGroup var threads: ThreadOptions

    func validate() throws {
        guard (apply == nil) == (applyOut == nil) else {
            throw ValidationError("--apply and --apply-out go together.")
        }
        if model != nil, apply != nil {
            throw ValidationError("--apply transforms with a pipeline fitted on --data; with --model, give the "
                                  + "declarations to transform as --data.")
        }
    }

    func run() throws {
        if let model {
            try transformWithBundle(model)
            return
        }
        let kind = self.kind ?? .trees
        let schemaURL = try input.schemaURL()
        let inputs = [input.dataURL, schemaURL] + (apply.map { [URL(fileURLWithPath: $0)] } ?? [])
        try checkOutput(out, inputs: inputs, force: force)
        try checkOutput(Self.sidecarURL(for: URL(fileURLWithPath: out)).path, inputs: inputs, force: force)
        if let applyOut {
            try checkOutput(applyOut, inputs: inputs + [URL(fileURLWithPath: out)], force: force)
        }
        let schema = try DeclarationSchema.load(contentsOf: schemaURL)
        var training = try input.read(schema: schema, requireLabel: true).table
        // A selected history: the pipeline learns from the inspected rows, as `train` does.
        if let inspected = try training.inspectedRows() {
            printError("warning: \(input.data) is a selected history: fitting on its \(inspected.rowCount) inspected "
                       + "declarations of \(training.rowCount) (Docs/Feedback.md).")
            training = inspected
        }
        var configuration = FeaturePipelineConfiguration()
        configuration.randomSeed = seed
        configuration.threadCount = threads.threads
        let fit = try FeaturePipeline(configuration: configuration).fit(training)
        let outURL = URL(fileURLWithPath: out)
        let featureSchema = fit.pipeline.schema(for: kind)
        try FeatureMatrixCSV.write(fit.matrix(for: kind), ids: training.ids, labels: fit.labels, to: out,
                                   overwrite: force)
        print("wrote \(out): \(training.rowCount) rows × \(featureSchema.columns.count) features")
        try writeSidecar(kind: kind, schema: featureSchema, outURL: outURL)
        if let apply, let applyOut {
            var other = input
            other.data = apply
            let table = try other.read(schema: schema, requireLabel: false).table
            let matrix = try fit.pipeline.transform(table, for: kind, threadCount: threads.threads)
            try FeatureMatrixCSV.write(matrix, ids: table.ids, labels: table.labels, to: applyOut, overwrite: force)
            print("wrote \(applyOut): \(table.rowCount) rows")
        }
    }
}

extension FeaturesCommand {
    /// `--model`: the bundle's pipeline, fitted at training, applied to `--data` (labels optional).
    func transformWithBundle(_ model: String) throws {
        let bundle = try ModelBundle.load(contentsOf: URL(fileURLWithPath: model))
        let modelKind = bundle.model.featureKind
        if let kind, kind != modelKind {
            throw ValidationError("--kind \(kind) differs from the view the model in \(model) takes (\(modelKind)); "
                                  + "leave --kind out with --model.")
        }
        let schemaURL = input.schema.map { URL(fileURLWithPath: $0) }
        let inputs = [input.dataURL, URL(fileURLWithPath: model)] + (schemaURL.map { [$0] } ?? [])
        try checkOutput(out, inputs: inputs, force: force)
        try checkOutput(Self.sidecarURL(for: URL(fileURLWithPath: out)).path, inputs: inputs, force: force)
        let schema = try schemaURL.map { try DeclarationSchema.load(contentsOf: $0) } ?? bundle.schema
        let table = try input.read(schema: schema, requireLabel: false).table
        let matrix = try bundle.pipeline.transform(table, for: modelKind, threadCount: threads.threads)
        try FeatureMatrixCSV.write(matrix, ids: table.ids, labels: table.labels, to: out, overwrite: force)
        print("wrote \(out): \(table.rowCount) rows × \(matrix.columnCount) features (\(modelKind) view of \(model))")
        try writeSidecar(kind: modelKind, schema: bundle.model.featureSchema, outURL: URL(fileURLWithPath: out))
    }

    /// Writes `NAME.columns.json` beside `outURL` (checked before any work by `checkSidecar`).
    func writeSidecar(kind: FeatureMatrixKind, schema: FeatureSchema, outURL: URL) throws {
        let sidecarURL = Self.sidecarURL(for: outURL)
        try AtomicFile.write(Data((try jsonLine(FeatureColumnsSidecar(kind: kind, schema: schema)) + "\n").utf8),
                             to: sidecarURL, overwrite: force)
        print("wrote \(sidecarURL.path): \(schema.columns.filter { $0.kind != .numeric }.count) categorical columns")
    }

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

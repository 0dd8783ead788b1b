import ArgumentParser
import CustomsRisk
import Foundation

/// `riskctl export`: the model's trees in another library's format.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a boosted-trees model as a LightGBM text model that gives the same raw scores.",
        discussion: """
            The exported model takes the encoded feature vector, not declarations: write it with \
            `riskctl features --model M --data D --out X` and give LightGBM the feature columns of X in order. \
            Probabilities differ from riskctl's by the calibration, which LightGBM does not hold; the raw \
            scores (log-odds) agree. Feature names are made safe for LightGBM (see Docs/BundleFormat.md).
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case lightgbm
    }

    @OptionGroup var modelInput: ModelInput
    @Option(name: .long, help: ArgumentHelp("Output format.", valueName: "lightgbm"))
    var format: Format = .lightgbm
    @Option(name: .long, help: ArgumentHelp("Output file.", valueName: "file"))
    var out: String
    @Flag(name: .long, help: "Replace an existing output file.")
    var force = false

    func run() throws {
        let outURL = URL(fileURLWithPath: out)
        try checkOutput(out, inputs: [URL(fileURLWithPath: modelInput.model)], force: force)
        let bundle = try modelInput.load()
        guard case .boostedTrees(let model) = bundle.model else {
            throw CommandFailure("\(modelInput.model) holds a logistic regression; only boosted-trees models export "
                                 + "to LightGBM (a linear model is its coefficients: `riskctl inspect --model M --json`).")
        }
        let text = try model.lightGBMModelText()
        try AtomicFile.write(Data(text.utf8), to: outURL, overwrite: force)
        print("wrote \(out): LightGBM text model, \(model.trees.count) trees, \(model.featureCount) features")
    }
}

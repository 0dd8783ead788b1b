import ArgumentParser
import CustomsRisk
import Foundation

/// `riskctl inspect`: what is inside a model bundle.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Validate a model bundle and print what it holds: model, features, calibration, lanes, training metadata.")

    @OptionGroup var modelInput: ModelInput
    @Flag(name: .long, help: "Print the metadata as JSON.")
    var json = false

    func run() throws {
        let bundle = try modelInput.load()
        if json {
            print(try jsonLine(bundle.metadata))
            return
        }
        let m = bundle.metadata
        print("\(modelInput.model): CustomsRisk bundle format \(ModelBundle.formatVersion), valid")
        switch bundle.model {
        case .boostedTrees(let trees):
            let leaves = trees.trees.reduce(0) { $0 + $1.leafCount }
            print("model: boosted trees, \(trees.trees.count) trees, \(leaves) leaves, base score \(format(trees.baseScore))")
        case .logistic(let linear):
            print("model: logistic regression, \(linear.coefficients.count) coefficients, intercept \(format(linear.intercept))")
        }
        print("features: \(bundle.model.featureSchema.columns.count) columns in \(bundle.model.featureSchema.groups.count) groups")
        print("revenue model: \(bundle.revenueModel == nil ? "none" : "boosted trees (\(bundle.revenueModel!.trees.count) trees)")")
        print("calibration: \(bundle.calibration.kind)")
        print("lanes: red ≥ \(format(bundle.lanes.red)), yellow ≥ \(format(bundle.lanes.yellow)), blue ≥ \(format(bundle.lanes.blue))")
        print("reason codes: catalogue \(bundle.reasons.version), \(bundle.reasons.codes.count) codes")
        print("trained: \(m.createdAt) with CustomsRisk \(m.libraryVersion), seed \(m.seed)")
        print("training data: \(m.trainingRows) declarations (\(m.trainingPositives) illicit)"
              + (m.firstDate.map { ", \($0) … \(m.lastDate ?? "?")" } ?? ""))
        if let s = m.selection {
            print("selection fit: \(s.iterations) iterations on \(s.trainingRows) declarations (\(s.trainingPositives) illicit)"
                  + (s.firstDate.map { ", \($0) … \(s.lastDate ?? "?")" } ?? "") + ", early-stopped on \(s.stoppingRows) "
                  + "(\(s.stoppingPositives) illicit), \(s.stoppingSource); refit: \(s.iterationRule)")
        }
        if let c = m.calibrationSource { print("calibration and lanes fitted on: \(c)") }
        print("validation: \(m.validationRows) declarations (\(m.validationPositives) illicit), \(m.validationSource)")
        if let v = m.validation {
            print("validation metrics: AUC \(format(v.auc)), PR AUC \(format(v.prAUC)), log loss \(format(v.logLoss))")
        }
        print("configuration: " + m.configuration.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
    }
}

import CustomsRisk
import Foundation

/// Small trained bundles shared by the hardening tests (trained once per test process; debug-fast).
enum HardeningFixtures {
    /// Synthetic declarations used for every hardening bundle (seed 1).
    static let trainingRowCount = 3_000

    /// Options for a small, reproducible training: few shallow trees, no early stopping.
    static func options(family: ModelFamily, threadCount: Int, seed: UInt64 = 1) -> TrainingOptions {
        var options = TrainingOptions()
        options.family = family
        options.seed = seed
        options.threadCount = threadCount
        options.reproducible = true
        options.trees.iterationCount = 8
        options.trees.maximumLeafCount = 8
        options.trees.minimumSamplesPerLeaf = 20
        options.trees.earlyStoppingRounds = nil
        options.logistic.maximumIterations = 30
        // The hostile-bundle messages name vocabulary sizes of a pipeline fitted on the earliest 80 %
        // (before issue 15's refit); a refit pipeline sees every row and has larger vocabularies.
        options.refit = false
        return options
    }

    /// Declarations of `SyntheticDeclarations(rowCount:seed:)`.
    static func table(rowCount: Int = trainingRowCount, seed: UInt64 = 1) throws -> DeclarationTable {
        try SyntheticDeclarations(rowCount: rowCount, seed: seed).table()
    }

    /// Trains a bundle (`family`, `threadCount` threads) on the seed-1 synthetic declarations.
    static func train(family: ModelFamily, threadCount: Int, rowCount: Int = trainingRowCount) throws -> ModelBundle {
        try ModelTrainer(options: options(family: family, threadCount: threadCount))
            .train(try table(rowCount: rowCount)).bundle
    }

    /// The shared boosted-trees bundle (with a revenue model) and logistic bundle.
    static let treesBundle: Result<ModelBundle, any Error> = Result { try train(family: .boostedTrees, threadCount: 2) }
    static let logisticBundle: Result<ModelBundle, any Error> = Result { try train(family: .logistic, threadCount: 2) }

    /// A batch to score: fresh synthetic declarations (another seed), labels not required.
    static func scoringTable(rowCount: Int, seed: UInt64 = 99, schema: DeclarationSchema) throws -> DeclarationTable {
        let bytes = SyntheticDeclarations(rowCount: rowCount, seed: seed).csvBytes()
        return try DeclarationReader.read(bytes: bytes, source: "batch.csv", schema: schema,
                                          options: DeclarationReadOptions(requireLabel: false)).table
    }

    /// Every number of an assessment as bits, plus the rest (`==` alone would equate 0.0 and −0.0).
    static func fingerprint(_ a: RiskAssessment) -> [String] {
        var out = [a.id, String(a.probability.bitPattern), String(a.rawScore.bitPattern),
                   String(a.expectedRevenue?.bitPattern ?? 0), a.lane.rawValue, String(describing: a.decision)]
        out += a.reasons.map { "\($0.code) \($0.text) \($0.value.bitPattern)" }
        if let explanation = a.explanation { out.append(String(describing: explanation)) }
        out += a.warnings
        return out
    }
}

import CustomsRisk
import Foundation
import RiskDeclarations

/// The released reference bundles (`Models/v1.0.0`, trained by `riskctl train`, see
/// Models/README.md) and their 200 sample declarations, shared by the scorer tests. Using the
/// released bundles keeps these tests fast (no training) and ties them to real models.
enum ScorerFixtures {
    /// This file is `<root>/Tests/RiskScoringTests/ScorerFixtures.swift`.
    static let modelsDirectory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Models/v1.0.0", isDirectory: true)

    static let kinds = ["gbt", "logistic"]

    static let sampleURL = modelsDirectory.appendingPathComponent("sample-declarations.csv")

    static func bundle(_ kind: String) throws -> ModelBundle {
        try ModelBundle.load(contentsOf: modelsDirectory.appendingPathComponent("reference-\(kind).json"))
    }

    /// Loaded once per test run (parsing and validating a bundle is the slow part in debug builds).
    private static let scorers: [String: Result<RiskScorer, any Error>] = Dictionary(
        uniqueKeysWithValues: kinds.map { kind in (kind, Result { try RiskScorer(bundle: bundle(kind)) }) })

    static func scorer(_ kind: String) throws -> RiskScorer { try scorers[kind]!.get() }

    /// The sample read as a batch, the way `riskctl score` reads it.
    static func sampleTable(_ scorer: RiskScorer) throws -> DeclarationTable {
        try DeclarationReader.read(contentsOf: sampleURL, schema: scorer.bundle.schema).table
    }

    /// The sample as in-memory declarations: the raw text of every field, keyed by column, as a
    /// clearance system would hand them over (read with the library's CSV scanner, not its reader).
    static func sampleDeclarations(idColumn: String) throws -> [Declaration] {
        let scanner = try CSVScanner(path: sampleURL.path, sourceName: "sample-declarations.csv")
        guard try scanner.nextRecord() else { return [] }
        let header = (0..<scanner.fieldCount).map { scanner.fieldString($0) }
        let idIndex = header.firstIndex(of: idColumn)!
        var out: [Declaration] = []
        while try scanner.nextRecord() {
            var values: [String: String] = [:]
            for k in header.indices where k != idIndex {
                let text = scanner.fieldString(k)
                if !text.isEmpty { values[header[k]] = text }
            }
            out.append(Declaration(id: scanner.fieldString(idIndex), values: values))
        }
        return out
    }
}

extension RiskAssessment {
    /// Probability, raw score and expected revenue as bit patterns (bit-identity, not `==`).
    var numericBits: [UInt64?] {
        [probability.bitPattern, rawScore.bitPattern, expectedRevenue?.bitPattern]
    }
}

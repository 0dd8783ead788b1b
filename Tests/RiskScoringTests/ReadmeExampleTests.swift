import CustomsRisk
import Foundation
import Testing

/// Keeps the README's Swift example compiling and working.
///
/// The code between the `README-BEGIN` and `README-END` markers below is the README's example
/// (README.md, "Use it from Swift"). `readmeShowsThisCode` checks that the README's code block is
/// exactly the imports, the `modelURL` line and these lines, so neither can change without the other.
/// The only difference is where the model comes from: the README reads `demo-output/model.json`
/// (written by `make demo`); the test trains a small bundle on synthetic declarations into a
/// temporary folder.
@Suite struct ReadmeExampleTests {
    /// The lines of the README block that precede the shared region.
    static let readmeHeader = """
        import CustomsRisk
        import Foundation

        let modelURL = URL(fileURLWithPath: "demo-output/model.json")  // written by `make demo`
        """

    /// Trains a small model on seeded synthetic declarations and writes it to a temporary file.
    ///
    /// Small on purpose (3,000 rows, at most 60 trees, no revenue model) so the debug test stays fast;
    /// the example only needs a valid bundle that has learned something.
    static func trainSmallBundle(seed: UInt64) throws -> URL {
        let table = try SyntheticDeclarations(rowCount: 3_000, seed: seed).table()
        var options = TrainingOptions()
        options.seed = seed
        options.trees.iterationCount = 60
        options.trees.learningRate = 0.1
        options.trainRevenueModel = false
        options.reproducible = true
        let outcome = try ModelTrainer(options: options).train(table)
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("readme-example-\(seed)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent("model.json")
        try outcome.bundle.write(to: url)
        return url
    }

    @Test(arguments: [1, 7] as [UInt64])
    func exampleScoresAndExplainsOneDeclaration(seed: UInt64) throws {
        let modelURL = try Self.trainSmallBundle(seed: seed)
        defer { try? FileManager.default.removeItem(at: modelURL.deletingLastPathComponent()) }
        var printed: [String] = []
        // Shadows `Swift.print` so the example's output can be checked.
        func print(_ line: String) { printed.append(line) }

        // README-BEGIN
        let scorer = try RiskScorer(contentsOf: modelURL)

        // One declaration as the clearance system holds it: raw text by column name (the schema's columns).
        let declaration = Declaration(id: "D202599000001", values: [
            "date": "2025-10-23", "office": "OF03", "declarant_id": "DC0037", "importer_id": "IM406454",
            "seller_id": "SL00507", "hs_code": "6133.77.8156", "origin_country": "VN", "departure_country": "SG",
            "transport_mode": "SEA", "customs_value": "460.44", "fob_value": "426.64", "quantity": "187",
            "gross_weight": "61.7", "net_weight": "53.6", "taxes": "58.02", "duty_rate": "0.026", "aeo": "N",
        ])

        let assessment = try scorer.score(declaration, options: ScoringOptions(reasonCount: 3))
        print("\(assessment.id): probability \(assessment.probability), lane \(assessment.lane)")
        for reason in assessment.reasons {
            print("  [\(reason.code)] \(reason.text)")
        }
        for warning in assessment.warnings {
            print("  note: \(warning)")
        }
        // README-END

        // The single-declaration path must agree with scoring the same row in a batch.
        let table = try DeclarationTable(declarations: [declaration], schema: scorer.bundle.schema)
        let batch = try scorer.score(table, options: ScoringOptions(reasonCount: 3, threadCount: 1))
        #expect(batch == [assessment])
        #expect(assessment.probability > 0 && assessment.probability < 1)
        #expect(!assessment.reasons.isEmpty)
        #expect(Set(assessment.reasons.map(\.code)).isSubset(of: Set(ReasonCodeCatalog.standard.codes.map(\.code))))
        // Every schema column is given, so the only notes are about traders and goods the model has
        // never seen (the example's ids are new to the training data).
        #expect(assessment.warnings.allSatisfy { $0.hasSuffix("was not seen in training; scored with the training prior (no history).") })
        let expected = ["\(assessment.id): probability \(assessment.probability), lane \(assessment.lane)"]
            + assessment.reasons.map { "  [\($0.code)] \($0.text)" }
            + assessment.warnings.map { "  note: \($0)" }
        #expect(printed == expected)
        #expect(printed[0].hasPrefix("D202599000001: probability 0."))
    }

    @Test func readmeShowsThisCode() throws {
        let testFile = URL(fileURLWithPath: #filePath)
        let packageRoot = testFile.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = try String(contentsOf: packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let source = try String(contentsOf: testFile, encoding: .utf8)
        let block = try #require(Self.firstSwiftBlock(in: readme), "README.md has no ```swift code block")
        let region = try #require(Self.markedRegion(in: source), "the README-BEGIN/README-END markers are missing")
        #expect(block == Self.readmeHeader + "\n" + region)
    }

    // MARK: - Text helpers

    /// The lines between the first "```swift" line and the next "```" line.
    static func firstSwiftBlock(in markdown: String) -> String? {
        let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let start = lines.firstIndex(of: "```swift"),
              let end = lines[(start + 1)...].firstIndex(of: "```") else { return nil }
        return lines[(start + 1)..<end].joined(separator: "\n")
    }

    /// The lines between the marker comments, with the common indentation removed.
    static func markedRegion(in source: String) -> String? {
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let trimmed = lines.map { $0.trimmingCharacters(in: .whitespaces) }
        guard let start = trimmed.firstIndex(of: "// README-BEGIN"),
              let end = trimmed[(start + 1)...].firstIndex(of: "// README-END") else { return nil }
        let body = lines[(start + 1)..<end]
        let indent = body.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            .map { $0.prefix { $0 == " " }.count }.min() ?? 0
        return body.map { $0.count >= indent ? String($0.dropFirst(indent)) : "" }.joined(separator: "\n")
    }
}

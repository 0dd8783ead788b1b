import CustomsRisk
import Foundation
@testable import RiskModelBundle
import Testing

/// Hostile and damaged bundles: edited JSON, re-sealed with a correct checksum (so the edit reaches
/// decoding and validation), is refused with a message naming the bad value; the scorer never
/// crashes and never accepts such a bundle.
@Suite("Hardening: hostile model bundles")
struct HardeningBundleTests {
    // MARK: - Editing bundle JSON

    /// The `content` object of a bundle as JSON values.
    static func content(of bundle: ModelBundle) throws -> [String: Any] {
        let document = try JSONSerialization.jsonObject(with: bundle.encoded()) as! [String: Any]
        return document["content"] as! [String: Any]
    }

    /// Wraps content bytes in an envelope with a correct checksum (what `BundleDocument.encode` writes).
    static func seal(_ content: Data) -> Data {
        var out = Data("{\"content\":".utf8)
        out.append(content)
        out.append(Data(",\"format\":\"customs-risk-bundle\",\"format_version\":\"1.0.0\",\"sha256\":\"\(SHA256.hex(of: content))\"}\n".utf8))
        return out
    }

    /// Replaces the value at `path` (object keys and array indices, dot-separated).
    static func edited(_ value: Any, _ path: ArraySlice<Substring>, _ transform: (Any) -> Any) -> Any {
        guard let key = path.first else { return transform(value) }
        if var array = value as? [Any], let index = Int(key) {
            array[index] = edited(array[index], path.dropFirst(), transform)
            return array
        }
        var object = value as! [String: Any]
        object[String(key)] = edited(object[String(key)]!, path.dropFirst(), transform)
        return object
    }

    static func value(_ root: Any, _ path: String) -> Any {
        path.split(separator: ".").reduce(root) { value, key in
            if let array = value as? [Any], let index = Int(key) { return array[index] }
            return (value as! [String: Any])[String(key)]!
        }
    }

    /// A hostile edit of a trained bundle's content.
    struct Edit: CustomTestStringConvertible, Sendable {
        var name: String
        var family: ModelFamily
        var apply: @Sendable (Any) -> Any
        /// Textual replacements after serialising (for values JSON cannot hold, such as 1e999).
        var textReplacements: [(String, String)] = []
        var expectedMessage: String
        var testDescription: String { name }
    }

    static let trees = "model.boosted_trees.trees"

    static func set(_ path: String, to newValue: Any) -> @Sendable (Any) -> Any {
        nonisolated(unsafe) let newValue = newValue
        return { root in edited(root, path.split(separator: ".")[...]) { _ in newValue } }
    }

    static func dropLast(_ path: String) -> @Sendable (Any) -> Any {
        { root in edited(root, path.split(separator: ".")[...]) { Array(($0 as! [Any]).dropLast()) } }
    }

    /// The first internal node after the root of tree 0 (for a real cycle).
    static func cycle(_ root: Any) -> Any {
        let left = value(root, "\(trees).0.leftChild") as! [Int]
        let node = (1..<left.count).first { left[$0] >= 0 }!
        return edited(root, "\(trees).0.leftChild.\(node)".split(separator: ".")[...]) { _ in node }
    }

    static func edits() -> [Edit] {
        let p = "model bundle: "
        return [
            Edit(name: "split feature 10^9", family: .boostedTrees, apply: set("\(trees).0.splitFeature.0", to: 1_000_000_000),
                 expectedMessage: p + "model: tree 0: node 0: splitFeature is 1000000000; expected a feature index in 0..<FEATURES."),
            Edit(name: "bitset of 10^9 words", family: .boostedTrees,
                 apply: set("\(trees).0.categoryWordCount.0", to: 1_000_000_000),
                 expectedMessage: p + "model: tree 0: node 0: category bitset 0..<1000000000 is outside categoryWords (WORDS words)."),
            Edit(name: "cycle", family: .boostedTrees, apply: { cycle($0) },
                 expectedMessage: ""),
            Edit(name: "per-node arrays of different lengths", family: .boostedTrees,
                 apply: dropLast("\(trees).0.threshold"), expectedMessage: ""),
            Edit(name: "infinite leaf value", family: .boostedTrees, apply: set("\(trees).0.value.0", to: 123_456.789),
                 textReplacements: [("123456.789", "1e999")], expectedMessage: ""),
            Edit(name: "negative cover", family: .boostedTrees, apply: set("\(trees).0.cover.0", to: -1),
                 expectedMessage: ""),
            Edit(name: "unknown model kind", family: .boostedTrees, apply: set("model.kind", to: "forest"),
                 expectedMessage: ""),
            Edit(name: "level code 10^9", family: .boostedTrees,
                 apply: set("pipeline.categoricalLevels.0.levelOfCode.0", to: 1_000_000_000), expectedMessage: ""),
            Edit(name: "profile shorter than its vocabulary", family: .boostedTrees,
                 apply: dropLast("pipeline.profiles.0.rate"), expectedMessage: ""),
            Edit(name: "importer dates shorter than the vocabulary", family: .boostedTrees,
                 apply: dropLast("pipeline.importerFirstDate"), expectedMessage: ""),
            Edit(name: "route code 10^9", family: .boostedTrees,
                 apply: set("pipeline.routePairTable.values.0", to: 1_000_000_000), expectedMessage: ""),
            Edit(name: "trees schema shorter than the slots", family: .boostedTrees,
                 apply: dropLast("pipeline.treeSchema.columns"), expectedMessage: ""),
            Edit(name: "zero threads in the pipeline configuration", family: .boostedTrees,
                 apply: set("pipeline.configuration.threadCount", to: 0), expectedMessage: ""),
            Edit(name: "linear scale 0", family: .logistic,
                 apply: set("pipeline.linearPlan.0.standardized.scale", to: 0), expectedMessage: ""),
            Edit(name: "linear source 10^9", family: .logistic,
                 apply: set("pipeline.linearPlan.0.standardized.source", to: 1_000_000_000), expectedMessage: ""),
            Edit(name: "coefficients shorter than the features", family: .logistic,
                 apply: dropLast("model.logistic.coefficients"), expectedMessage: ""),
            Edit(name: "lane thresholds out of order", family: .boostedTrees, apply: set("lanes.red", to: 2.0),
                 expectedMessage: ""),
        ]
    }

    static func bundle(_ family: ModelFamily) throws -> ModelBundle {
        try (family == .boostedTrees ? HardeningFixtures.treesBundle : HardeningFixtures.logisticBundle).get()
    }

    static func hostileContent(_ edit: Edit) throws -> Data {
        let edited = edit.apply(try content(of: bundle(edit.family)))
        var text = String(decoding: try JSONSerialization.data(withJSONObject: edited, options: [.sortedKeys]),
                          as: UTF8.self)
        for (from, to) in edit.textReplacements {
            #expect(text.contains(from))
            text = text.replacingOccurrences(of: from, with: to)
        }
        return Data(text.utf8)
    }

    // MARK: - Tests

    @Test(arguments: [ModelFamily.boostedTrees, .logistic])
    func unmodifiedContentResealedStillLoads(family: ModelFamily) throws {
        // The control: the JSON round trip of the harness itself does not break a bundle.
        let content = try JSONSerialization.data(withJSONObject: try Self.content(of: Self.bundle(family)),
                                                 options: [.sortedKeys])
        let bundle = try ModelBundle.decode(Self.seal(content))
        _ = try RiskScorer(bundle: bundle)
    }

    @Test(arguments: edits())
    func hostileEditIsRefusedWithAClearMessage(edit: Edit) throws {
        let original = try Self.bundle(edit.family)
        let featureCount = original.model.featureSchema.columns.count
        let words: Int = {
            guard case .boostedTrees(let model) = original.model else { return 0 }
            return model.trees[0].categoryWords.count
        }()
        let expected = edit.expectedMessage.replacingOccurrences(of: "FEATURES", with: "\(featureCount)")
            .replacingOccurrences(of: "WORDS", with: "\(words)")
        let data = Self.seal(try Self.hostileContent(edit))
        #expect {
            _ = try ModelBundle.decode(data)
        } throws: { error in
            let bundleError = error as? BundleError
            #expect(bundleError?.code == .invalidContent, "\(edit.name): \(error)")
            #expect(bundleError?.message == expected, "\(edit.name)")
            return bundleError?.code == .invalidContent
        }
        // Decoded without validation, the same bundle is refused by the scorer as well.
        if let unvalidated = try? JSONDecoder().decode(ModelBundle.self, from: Self.hostileContent(edit)) {
            #expect(throws: BundleError.self, "\(edit.name)") { _ = try RiskScorer(bundle: unvalidated) }
        }
    }
}

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
                 expectedMessage: p + "content.model.boosted_trees: tree 0: node 0: splitFeature is 1000000000; expected a feature index in 0..<FEATURES."),
            Edit(name: "bitset of 10^9 words", family: .boostedTrees,
                 apply: set("\(trees).0.categoryWordCount.0", to: 1_000_000_000),
                 expectedMessage: p + "content.model.boosted_trees.trees[0]: node 0: category bitset 0..<1000000000 is outside categoryWords (WORDS words)."),
            Edit(name: "cycle", family: .boostedTrees, apply: { cycle($0) },
                 expectedMessage:
                    p + "content.model.boosted_trees.trees[0]: node 1 is reached twice (again from node 1); a tree has no cycles or shared children."),
            Edit(name: "per-node arrays of different lengths", family: .boostedTrees,
                 apply: dropLast("\(trees).0.threshold"), expectedMessage:
                    p + "content.model.boosted_trees.trees[0]: tree has 15 entries in leftChild but 14 in threshold; every per-node array needs one entry per node."),
            Edit(name: "infinite leaf value", family: .boostedTrees, apply: set("\(trees).0.value.0", to: 123_456.789),
                 textReplacements: [("123456.789", "1e999")], expectedMessage:
                    p + "content.model.boosted_trees.trees[0].value[0] is 1e999, beyond the finite range of Double; "
                    + "expected a finite number this field can hold (byte OFFSET)."),
            Edit(name: "negative cover", family: .boostedTrees, apply: set("\(trees).0.cover.0", to: -1),
                 expectedMessage:
                    p + "content.model.boosted_trees.trees[0]: node 0: cover is -1.0; expected a finite number ≥ 0."),
            Edit(name: "unknown model kind", family: .boostedTrees, apply: set("model.kind", to: "forest"),
                 expectedMessage:
                    p + "content.model.kind: unknown model kind \"forest\"; expected \"boosted_trees\" or \"logistic\"."),
            Edit(name: "level code 10^9", family: .boostedTrees,
                 apply: set("pipeline.categoricalLevels.0.levelOfCode.0", to: 1_000_000_000), expectedMessage:
                    p + "pipeline: categoricalLevels[0].levelOfCode[0] is 1000000000; expected a level in 0..<17."),
            Edit(name: "profile shorter than its vocabulary", family: .boostedTrees,
                 apply: dropLast("pipeline.profiles.0.rate"), expectedMessage:
                    p + "pipeline: profiles[0].rate has 189 entries but field \"hs6\" has 190 codes; expected one entry per code."),
            Edit(name: "importer dates shorter than the vocabulary", family: .boostedTrees,
                 apply: dropLast("pipeline.importerFirstDate"), expectedMessage:
                    p + "pipeline: importerFirstDate has 73 entries but field \"importer\" has 74 codes; expected one entry per code."),
            Edit(name: "route code 10^9", family: .boostedTrees,
                 apply: set("pipeline.routePairTable.values.0", to: 1_000_000_000), expectedMessage:
                    p + "pipeline: route pair 1 has code 1000000000; expected a code in 0..<110 (the route vocabulary)."),
            Edit(name: "trees schema shorter than the slots", family: .boostedTrees,
                 apply: dropLast("pipeline.treeSchema.columns"), expectedMessage:
                    p + "pipeline: the trees schema has 52 columns but there are 53 trees slots; expected one column per slot."),
            Edit(name: "zero threads in the pipeline configuration", family: .boostedTrees,
                 apply: set("pipeline.configuration.threadCount", to: 0), expectedMessage:
                    p + "pipeline: configuration: threadCount is 0; expected at least 1."),
            Edit(name: "linear scale 0", family: .logistic,
                 apply: set("pipeline.linearPlan.0.standardized.scale", to: 0), expectedMessage:
                    p + "pipeline: linear column 0 (declared_value) has median MEDIAN, mean MEAN and scale 0.0; expected finite numbers and a scale > 0."),
            Edit(name: "linear source 10^9", family: .logistic,
                 apply: set("pipeline.linearPlan.0.standardized.source", to: 1_000_000_000), expectedMessage:
                    p + "pipeline: linear column 0 (declared_value) reads trees column 1000000000; expected an index in 0..<53."),
            Edit(name: "coefficients shorter than the features", family: .logistic,
                 apply: dropLast("model.logistic.coefficients"), expectedMessage:
                    p + "model: LogisticModel has 68 coefficients and 69 feature means for a schema of 69 columns; expected one of each per column."),
            Edit(name: "schema naming a column twice", family: .boostedTrees,
                 apply: set("schema.label", to: "declaration_id"),
                 expectedMessage: p + "schema: column \"declaration_id\" is named twice (as \"id\" and as \"label\"). "
                    + "Give each column one role."),
            Edit(name: "lane threshold above 1", family: .boostedTrees, apply: set("lanes.red", to: 2.0),
                 expectedMessage:
                    p + "lanes: lane threshold red is 2.0; expected a probability in 0...1."),
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
        var expected = edit.expectedMessage.replacingOccurrences(of: "FEATURES", with: "\(featureCount)")
            .replacingOccurrences(of: "WORDS", with: "\(words)")
        if case .standardized(_, _, let median, let mean, _) = original.pipeline.linearPlan.first {
            expected = expected.replacingOccurrences(of: "MEDIAN", with: "\(median)")
                .replacingOccurrences(of: "MEAN", with: "\(mean)")
        }
        let data = Self.seal(try Self.hostileContent(edit))
        if let offset = data.firstRange(of: Data("1e999".utf8))?.lowerBound {
            expected = expected.replacingOccurrences(of: "OFFSET", with: "\(offset)")
        }
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

import Foundation
import RiskMetrics
@testable import RiskModelBundle
import Testing

/// Every damaged, edited, hostile or future bundle is refused before use, each with its own
/// message naming the file, the bad part and the remedy. Edited bundles are built by decoding the
/// content JSON, editing it with `JSONSerialization`, and re-wrapping it with a recomputed
/// checksum, so the checksum passes and the validator is what must catch the edit.
@Suite struct BundleCorruptionTests {
    /// Loads `data` as file `m.json` and returns the error it must raise.
    func rejection(_ data: Data, sourceLocation: SourceLocation = #_sourceLocation) -> BundleError? {
        #expect(throws: BundleError.self, sourceLocation: sourceLocation) {
            try ModelBundle.decode(data, source: "m.json")
        }
    }

    // MARK: - Envelope

    @Test(arguments: [0.0, 0.01, 0.5, 0.999])
    func truncatedFile(keptFraction: Double) throws {
        let bytes = try ReferenceBundles.bytes("gbt")
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("bundle-truncated-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("model.json")
        try bytes.prefix(Int(Double(bytes.count) * keptFraction)).write(to: url)
        let error = #expect(throws: BundleError.self) { try ModelBundle.load(contentsOf: url) }
        #expect(error?.code == .malformed)
        // The message names the byte where the text stops making sense (at or just before the cut).
        #expect(error?.message.hasPrefix("model.json is not well-formed JSON at byte ") == true)
        #expect(error?.message.hasSuffix(". It is truncated or was edited; restore it from the original, or "
                                         + "re-export the bundle with `riskctl train`.") == true)
    }

    @Test func badChecksum() throws {
        var content = try ReferenceBundles.content(of: ReferenceBundles.bytes("gbt"))
        let good = try ReferenceBundles.wrap(content)
        var lanes = content["lanes"] as! [String: Any]
        lanes["red"] = 0.99
        content["lanes"] = lanes
        let edited = try ReferenceBundles.wrap(content)
        // The edited content under the original envelope's checksum.
        let stated = String(decoding: good, as: UTF8.self).split(separator: "\"").dropLast().last.map(String.init)!
        let body = try JSONSerialization.data(withJSONObject: content, options: [.sortedKeys, .withoutEscapingSlashes])
        var text = String(decoding: edited, as: UTF8.self)
        text = text.replacingOccurrences(of: SHA256.hex(of: body), with: stated)
        let error = rejection(Data(text.utf8))
        #expect(error?.code == .checksumMismatch)
        #expect(error?.message == "m.json failed its integrity check: the content's SHA-256 is \(SHA256.hex(of: body)) "
                + "but the file says \(stated). The file was edited or damaged; restore it from the original.")
    }

    @Test func unknownFutureVersion() throws {
        let content = try ReferenceBundles.content(of: ReferenceBundles.bytes("logistic"))
        for version in ["2.0.0", "1.1.0"] {
            let error = rejection(try ReferenceBundles.wrap(content, version: version))
            #expect(error?.code == .unsupportedVersion)
            #expect(error?.message == "m.json is format \(version); this build reads 1.x up to 1.0.0. "
                    + "Load it with a newer riskctl, or retrain.")
        }
        let error = rejection(try ReferenceBundles.wrap(content, version: "one"))
        #expect(error?.message == #"m.json has no valid "format_version" (expected text like "1.0.0")."#)
    }

    @Test func notABundle() throws {
        let other = rejection(Data(#"{"learner": {"gradient_booster": {}}, "version": [2, 0, 0]}"#.utf8))
        #expect(other?.code == .notABundle)
        #expect(other?.message == #"m.json is not a CustomsRisk model bundle: found no "format" field, expected "format": "customs-risk-bundle"."#)
        let wrongFormat = rejection(Data(#"{"content": {}, "format": "lightgbm", "format_version": "1.0.0"}"#.utf8))
        #expect(wrongFormat?.message == #"m.json is not a CustomsRisk model bundle: found "lightgbm", expected "format": "customs-risk-bundle"."#)
        let array = rejection(Data("[1, 2, 3]".utf8))
        #expect(array?.code == .notABundle)
        #expect(array?.message == #"m.json is not a CustomsRisk model bundle: the document is not a JSON object with "format": "customs-risk-bundle"."#)
    }

    // MARK: - Content

    @Test func wrongModelKind() throws {
        var content = try ReferenceBundles.content(of: ReferenceBundles.bytes("gbt"))
        var model = content["model"] as! [String: Any]
        model["kind"] = "random_forest"
        content["model"] = model
        let error = rejection(try ReferenceBundles.wrap(content))
        #expect(error?.code == .invalidContent)
        #expect(error?.message == #"m.json: content.model.kind: unknown model kind "random_forest"; expected "boosted_trees" or "logistic"."#)

        // A kind that does not match the model stored beside it.
        model["kind"] = "logistic"
        content["model"] = model
        let wrapped = try ReferenceBundles.wrap(content)
        let mismatch = rejection(wrapped)
        let modelOffset = try #require(wrapped.firstRange(of: Data(#""model":{"#.utf8))).upperBound - 1
        #expect(mismatch?.message == "m.json: content.model.logistic is missing (object at byte \(modelOffset)).")
    }

    @Test func treeChildIndexOutOfRange() throws {
        let tree = try ReferenceBundles.firstTree()
        let node = try #require((0..<tree.nodeCount).first { !tree.isLeaf($0) && $0 > 0 })
        var content = try ReferenceBundles.content(of: ReferenceBundles.bytes("gbt"))
        ReferenceBundles.editFirstTree(&content) { t in
            var left = t["leftChild"] as! [Int]
            left[node] = tree.nodeCount
            t["leftChild"] = left
        }
        let error = rejection(try ReferenceBundles.wrap(content))
        #expect(error?.code == .invalidContent)
        #expect(error?.message == "m.json: content.model.boosted_trees.trees[0]: node \(node): leftChild is \(tree.nodeCount); expected −1 "
                + "for a leaf or a node index in 1..<\(tree.nodeCount).")
    }

    @Test func treeWithACycle() throws {
        // Point a grandchild's right child back at its parent: parent → child → parent.
        let tree = try ReferenceBundles.firstTree()
        let parent = try #require((1..<tree.nodeCount).first { p in
            !tree.isLeaf(p) && !tree.isLeaf(Int(tree.leftChild[p]))
        })
        let child = Int(tree.leftChild[parent])
        var content = try ReferenceBundles.content(of: ReferenceBundles.bytes("gbt"))
        ReferenceBundles.editFirstTree(&content) { t in
            var right = t["rightChild"] as! [Int]
            right[child] = parent
            t["rightChild"] = right
        }
        let error = rejection(try ReferenceBundles.wrap(content))
        #expect(error?.code == .invalidContent)
        #expect(error?.message == "m.json: content.model.boosted_trees.trees[0]: node \(parent) is reached twice (again from node \(child)); "
                + "a tree has no cycles or shared children.")
    }

    @Test func treeArrayLengthsDiffer() throws {
        let tree = try ReferenceBundles.firstTree()
        var content = try ReferenceBundles.content(of: ReferenceBundles.bytes("gbt"))
        ReferenceBundles.editFirstTree(&content) { t in
            t["cover"] = Array((t["cover"] as! [Double]).dropLast())
        }
        let error = rejection(try ReferenceBundles.wrap(content))
        #expect(error?.message == "m.json: content.model.boosted_trees.trees[0]: tree has \(tree.nodeCount) entries in leftChild but "
                + "\(tree.nodeCount - 1) in cover; every per-node array needs one entry per node.")
    }

    @Test func splitFeatureOutOfRange() throws {
        let tree = try ReferenceBundles.firstTree()
        let bundle = try ReferenceBundles.bundle("gbt")
        let features = bundle.model.featureSchema.columns.count
        var content = try ReferenceBundles.content(of: ReferenceBundles.bytes("gbt"))
        #expect(!tree.isLeaf(0))
        ReferenceBundles.editFirstTree(&content) { t in
            var feature = t["splitFeature"] as! [Int]
            feature[0] = features
            t["splitFeature"] = feature
        }
        let error = rejection(try ReferenceBundles.wrap(content))
        #expect(error?.message == "m.json: content.model.boosted_trees: tree 0: node 0: splitFeature is \(features); expected a feature "
                + "index in 0..<\(features).")
    }

    /// A JSON number that decodes to infinity (`1e999` in a Double field, `1e39` in a Float field).
    @Test(arguments: [("value", "1e999"), ("threshold", "1e39"), ("value", "-1e400")])
    func numberThatDecodesToNonFinite(field: String, text: String) throws {
        var content = try ReferenceBundles.content(of: ReferenceBundles.bytes("gbt"))
        let sentinel = 7_777_777.25
        ReferenceBundles.editFirstTree(&content) { t in
            if field == "value" {
                var values = t["value"] as! [Double]
                values[0] = sentinel
                t["value"] = values
            } else {
                var values = t["threshold"] as! [Double]
                values[0] = sentinel
                t["threshold"] = values
            }
        }
        let data = try ReferenceBundles.wrap(content, replacing: [("7777777.25", text)])
        let error = rejection(data)
        let offset = try #require(data.firstRange(of: Data(text.utf8))).lowerBound
        let type = field == "value" ? "Double" : "Float"
        #expect(error?.code == .invalidContent)
        #expect(error?.message == "m.json: content.model.boosted_trees.trees[0].\(field)[0] is \(text), beyond the "
                + "finite range of \(type); expected a finite number this field can hold (byte \(offset)).")
    }

    @Test func logisticCoefficientThatDecodesToNonFinite() throws {
        var content = try ReferenceBundles.content(of: ReferenceBundles.bytes("logistic"))
        var model = content["model"] as! [String: Any]
        var logistic = model["logistic"] as! [String: Any]
        var coefficients = logistic["coefficients"] as! [Double]
        coefficients[3] = 7_777_777.25
        logistic["coefficients"] = coefficients
        model["logistic"] = logistic
        content["model"] = model
        let data = try ReferenceBundles.wrap(content, replacing: [("7777777.25", "1e999")])
        let error = rejection(data)
        let offset = try #require(data.firstRange(of: Data("1e999".utf8))).lowerBound
        #expect(error?.code == .invalidContent)
        #expect(error?.message == "m.json: content.model.logistic.coefficients[3] is 1e999, beyond the finite range "
                + "of Double; expected a finite number this field can hold (byte \(offset)).")
    }

    /// A value made non-finite in memory cannot be saved: validation names it, and the envelope
    /// encoder (`BundleDocument.encode`) refuses it even without validation.
    @Test func nonFiniteValueCannotBeSaved() throws {
        let bundle = try ReferenceBundles.bundle("gbt")
        var content = try ReferenceBundles.content(of: ReferenceBundles.bytes("gbt"))
        var calibration = content["calibration"] as! [String: Any]
        calibration["slope"] = 7_777_777.25
        content["calibration"] = calibration
        // Decoded slope 7777777.25 is finite and loads; as NaN it must not.
        var edited = try ModelBundle.decode(try ReferenceBundles.wrap(content), source: "m.json")
        #expect(edited.calibration != bundle.calibration)
        guard case .platt(var platt) = edited.calibration else {
            Issue.record("the reference bundle is expected to use Platt calibration")
            return
        }
        platt.slope = .nan
        edited.calibration = .platt(platt)
        let validation = #expect(throws: BundleError.self) { try edited.encoded() }
        #expect(validation?.message == "calibration (platt) maps raw score -20.0 to nan; expected a non-decreasing "
                + "probability in 0...1.")
        let encoding = #expect(throws: BundleError.self) {
            try BundleDocument.encode(edited, version: ModelBundle.formatVersion)
        }
        #expect(encoding?.message == "cannot save the bundle: calibration.slope is nan, which JSON cannot hold "
                + "(NaN or infinity). This is a bug in training; please report it.")
    }

    @Test func laneThresholdOutOfRange() throws {
        var content = try ReferenceBundles.content(of: ReferenceBundles.bytes("gbt"))
        var lanes = content["lanes"] as! [String: Any]
        lanes["red"] = 1.5
        content["lanes"] = lanes
        let error = rejection(try ReferenceBundles.wrap(content))
        #expect(error?.message == "m.json: lanes: lane threshold red is 1.5; expected a probability in 0...1.")
    }

    @Test func missingPart() throws {
        var content = try ReferenceBundles.content(of: ReferenceBundles.bytes("gbt"))
        content["calibration"] = nil
        let error = rejection(try ReferenceBundles.wrap(content))
        // Byte 11 is the content object's brace, just after `{"content":`.
        #expect(error?.message == "m.json: content.calibration is missing (object at byte 11).")
    }

    @Test func oversizedFileIsRefusedBeforeParsing() throws {
        let bytes = try ReferenceBundles.bytes("logistic")
        let error = #expect(throws: BundleError.self) {
            try ModelBundle.decode(bytes, source: "m.json", options: ModelBundle.LoadOptions(maximumFileSize: 1_000))
        }
        #expect(error?.code == .tooLarge)
        #expect(error?.message == "m.json is \(bytes.count) bytes, over the 1000-byte limit for model bundles.")
    }
}

import CustomsRisk
import Foundation
@testable import RiskModelBundle
@testable import RiskTrees
import Testing

/// Bundles that are structurally sound but imply huge sizes (issue 14 §2): each is made here from
/// the trained hardening bundle, re-sealed with a correct checksum, and must be refused with one
/// line naming the field and the limit, by `ModelBundle.decode`, by `ModelBundle.load` (what
/// `riskctl inspect` runs) and by `RiskScorer(bundle:)`, before anything sized by it is built.
@Suite("Hardening: bundles past the size limits")
struct HardeningBundleLimitsTests {
    static let trees = "model.boosted_trees.trees"

    /// The trained trees bundle's content JSON after `edit`.
    static func hostileContent(_ edit: (Any) -> Any) throws -> Data {
        try hostileContent { content in content = edit(content) as! [String: Any] }
    }

    /// The trained trees bundle's content JSON after `edit`.
    static func hostileContent(_ edit: (inout [String: Any]) throws -> Void) throws -> Data {
        var content = try HardeningBundleTests.content(of: HardeningBundleTests.bundle(.boostedTrees))
        try edit(&content)
        return try JSONSerialization.data(withJSONObject: content, options: [.sortedKeys])
    }

    /// A tree as bundle JSON (a hostile tree cannot be a `RegressionTree`: trees validate when made).
    static func treeJSON(left: [Int32], right: [Int32], feature: [Int32], threshold: [Float], missingGoesLeft: [Bool],
                         categoryWordCount: [Int32], categoryWords: [UInt64], value: [Double],
                         cover: [Double]) -> [String: Any] {
        let n = left.count
        return ["leftChild": left, "rightChild": right, "splitFeature": feature, "threshold": threshold,
                "binThreshold": [Int](repeating: 0, count: n), "missingGoesLeft": missingGoesLeft,
                "categoryStart": [Int](repeating: 0, count: n), "categoryWordCount": categoryWordCount,
                "categoryWords": categoryWords, "value": value, "cover": cover,
                "gain": [Double](repeating: 0, count: n)]
    }

    /// Appends `tree` (bundle JSON) to the model's trees.
    static func appending(_ tree: [String: Any]) -> (inout [String: Any]) throws -> Void {
        { content in
            content = HardeningBundleTests.edited(content, trees.split(separator: ".")[...]) { ($0 as! [Any]) + [tree] }
                as! [String: Any]
        }
    }

    /// A chain: internal node k (index 2k, k < depth) splits feature k mod `features`, its left
    /// child is a leaf, its right child the next internal node; the deepest leaf is `depth` levels down.
    static func chain(depth: Int, features: Int, value: Double = 0.001) -> [String: Any] {
        let n = 2 * depth + 1
        var left = [Int32](repeating: -1, count: n), right = left, feature = left
        var threshold = [Float](repeating: 0, count: n), cover = [Double](repeating: 1, count: n)
        for k in 0..<depth {
            left[2 * k] = Int32(2 * k + 1)
            right[2 * k] = Int32(2 * k + 2)
            feature[2 * k] = Int32(k % features)
            threshold[2 * k] = Float(k % 7) - 3
            cover[2 * k] = Double(depth - k + 1)
            cover[2 * k + 2] = Double(depth - k)
        }
        return treeJSON(left: left, right: right, feature: feature, threshold: threshold,
                        missingGoesLeft: (0..<n).map { $0 % 4 == 0 }, categoryWordCount: [Int32](repeating: 0, count: n),
                        categoryWords: [], value: (0..<n).map { Double($0 % 5) * value }, cover: cover)
    }

    /// A complete tree of `internalCount` splits (children of i at 2i + 1, 2i + 2), every split on
    /// feature 0 asking the same shared bitset of `words` words.
    static func sharedBitsetTree(internalCount: Int, words: Int) -> [String: Any] {
        let n = 2 * internalCount + 1
        let isSplit = (0..<n).map { $0 < internalCount }
        return treeJSON(left: (0..<n).map { isSplit[$0] ? Int32(2 * $0 + 1) : -1 },
                        right: (0..<n).map { isSplit[$0] ? Int32(2 * $0 + 2) : -1 },
                        feature: isSplit.map { $0 ? 0 : -1 }, threshold: [Float](repeating: 0, count: n),
                        missingGoesLeft: [Bool](repeating: false, count: n),
                        categoryWordCount: isSplit.map { $0 ? Int32(words) : 0 },
                        categoryWords: (0..<words).map { UInt64($0 % 3) }, value: [Double](repeating: 0.001, count: n),
                        cover: [Double](repeating: 1, count: n))
    }

    /// Expects `content`, sealed, to be refused with exactly `message` (one line) by decoding, by
    /// loading the file (what `riskctl inspect` runs) and, decoded without validation, by the scorer.
    static func expectRefused(_ content: Data, _ message: String, sourceLocation: SourceLocation = #_sourceLocation)
        throws {
        #expect(!message.contains("\n"), sourceLocation: sourceLocation)
        let sealed = ModelBundle.seal(contentJSON: content)
        let decoded = #expect(throws: BundleError.self, sourceLocation: sourceLocation) {
            try ModelBundle.decode(sealed)
        }
        #expect(decoded?.code == .invalidContent, sourceLocation: sourceLocation)
        #expect(decoded?.message == "model bundle: " + message, sourceLocation: sourceLocation)
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("hostile-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("hostile.json")
        try sealed.write(to: file)
        let loaded = #expect(throws: BundleError.self, sourceLocation: sourceLocation) {
            try ModelBundle.load(contentsOf: file)
        }
        #expect(loaded?.message == "hostile.json: " + message, sourceLocation: sourceLocation)
        // Decoded outside `ModelBundle` (Foundation's decoder): a hostile tree model refuses to be
        // decoded at all (it validates in `init(from:)`); anything else, the scorer refuses.
        let unvalidated: ModelBundle
        do {
            unvalidated = try JSONDecoder().decode(ModelBundle.self, from: content)
        } catch let error as DecodingError {
            // Foundation's path drops the sentence's final period, as for its own decoding errors.
            #expect(BundleDocument.describe(error) + "." == message, sourceLocation: sourceLocation)
            return
        }
        let scorer = #expect(throws: BundleError.self, sourceLocation: sourceLocation) {
            try RiskScorer(bundle: unvalidated)
        }
        #expect(scorer?.message == message, sourceLocation: sourceLocation)
    }

    static func trainedModel() throws -> BoostedTreesModel {
        guard case .boostedTrees(let model) = try HardeningBundleTests.bundle(.boostedTrees).model else {
            throw BundleError(.invalidContent, "the hardening trees bundle holds no trees")
        }
        return model
    }

    // MARK: - Depth

    /// One extra chain tree 28,000 levels deep (≈ 2.7 MB of JSON), on more than 32 features (path
    /// recursion) and on 8 (quadrature): refused at the first node past the limit, before TreeSHAP
    /// or the predictor is built (this used to overflow the stack in the plan's recursion).
    @Test(arguments: [40, 8])
    func chainTreeDeeperThanTheLimitIsRefused(features: Int) throws {
        let treeIndex = try Self.trainedModel().trees.count
        let limit = ModelBundle.limits.maximumDepth
        let content = try Self.hostileContent(Self.appending(Self.chain(depth: 28_000, features: features)))
        // Internal node k sits at depth k; the left child of node 2·limit is the first one too deep.
        try Self.expectRefused(content, "content.model.boosted_trees.trees[\(treeIndex)]: node \(2 * limit + 1) is \(limit + 1) levels deep, "
                               + "over the limit of \(limit) (ModelLimits.maximumDepth). Retrain with a smaller "
                               + "maximumDepth.")
    }

    /// A chain exactly at the depth limit loads, and the scorer explains with it on two threads and
    /// on one (path recursion with > 32 features, quadrature with 8): the bound is usable.
    @Test(arguments: [40, 8])
    func chainTreeAtTheLimitScoresWithReasons(features: Int) throws {
        let content = try Self.hostileContent(Self.appending(
            Self.chain(depth: ModelBundle.limits.maximumDepth, features: features)))
        let bundle = try ModelBundle.decode(ModelBundle.seal(contentJSON: content))
        let scorer = try RiskScorer(bundle: bundle)
        let table = try HardeningFixtures.scoringTable(rowCount: 64, schema: bundle.schema)
        for threads in [1, 2] {
            let assessments = try scorer.score(table, options: ScoringOptions(reasonCount: 3, includeExplanation: true,
                                                                             threadCount: threads))
            #expect(assessments.count == 64)
            #expect(assessments.allSatisfy { $0.rawScore.isFinite && $0.probability.isFinite })
        }
        // One declaration: the single-row path, whose TreeSHAP workspace is a temporary allocation.
        let lines = String(decoding: SyntheticDeclarations(rowCount: 1, seed: 5).csvBytes(), as: UTF8.self)
            .split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let values = Dictionary(uniqueKeysWithValues: zip(lines[0], lines[1]))
        let one = try scorer.score(Declaration(id: "D1", values: values), options: ScoringOptions(reasonCount: 3))
        #expect(one.rawScore.isFinite && !one.reasons.isEmpty)
    }

    // MARK: - Category bitsets

    /// Every split of tree 0 pointing at one shared 2^20-word bitset (the predictor used to copy it
    /// per node: 16 GB from a 2.5 MB file): refused by the per-split limit, without building anything.
    @Test func sharedMillionWordBitsetIsRefused() throws {
        let words = 1 << 20
        let content = try Self.hostileContent { content in
            let path = "\(Self.trees).0"
            var tree = HardeningBundleTests.value(content, path) as! [String: Any]
            let left = tree["leftChild"] as! [Int]
            tree["categoryWords"] = [Int](repeating: 5, count: words)
            tree["categoryStart"] = [Int](repeating: 0, count: left.count)
            tree["categoryWordCount"] = left.map { $0 >= 0 ? words : 0 }
            content = HardeningBundleTests.edited(content, path.split(separator: ".")[...]) { _ in tree }
                as! [String: Any]
        }
        let perSplit = ModelBundle.limits.maximumCategoryWordsPerSplit
        try Self.expectRefused(content, "content.model.boosted_trees.trees[0]: node 0: categoryWordCount is \(words), over the limit of "
                               + "\(perSplit) words per split (ModelLimits.maximumCategoryWordsPerSplit, category "
                               + "codes below \(perSplit * 64)).")
    }

    /// A bitset within the per-split limit shared by so many splits that the words they reference
    /// pass the model-wide limit (what a copying layout or a per-split comparison would touch).
    @Test func sharedBitsetReferencedTooOftenIsRefused() throws {
        let model = try Self.trainedModel()
        let words = ModelBundle.limits.maximumCategoryWordsPerSplit
        let splits = ModelBundle.limits.maximumCategoryWordCount / words + 1
        let before = model.trees.reduce(0) { total, tree in
            total + (0..<tree.nodeCount).reduce(0) { $0 + (tree.isLeaf($1) ? 0 : Int(tree.categoryWordCount[$1])) }
        }
        let content = try Self.hostileContent(Self.appending(Self.sharedBitsetTree(internalCount: splits, words: words)))
        try Self.expectRefused(content, "content.model.boosted_trees: the categorical splits of trees 0...\(model.trees.count) reference "
                               + "\(before + splits * words) category words (a shared bitset counts once per split), "
                               + "over the limit of \(ModelBundle.limits.maximumCategoryWordCount) "
                               + "(ModelLimits.maximumCategoryWordCount).")
    }

    // MARK: - Features

    /// 65,553 features, consistent between the pipeline's trees schema and the model (≈ 9 MB): used
    /// to fail a precondition of the predictor; refused while decoding, before the pipeline is checked.
    @Test func tooManyConsistentFeaturesAreRefused() throws {
        let count = 65_553
        let content = try Self.hostileContent { content in
            let first = (HardeningBundleTests.value(content, "pipeline.treeSchema.columns") as! [Any])[0]
            let columns: [Any] = (0..<count).map { index in
                var column = first as! [String: Any]
                column["name"] = "f\(index)"
                return column
            }
            for path in ["pipeline.treeSchema.columns", "model.boosted_trees.featureSchema.columns"] {
                content = HardeningBundleTests.edited(content, path.split(separator: ".")[...]) { _ in columns }
                    as! [String: Any]
            }
        }
        // The model is decoded (and refuses itself) before the pipeline is checked.
        try Self.expectRefused(content, "content.model.boosted_trees: the model reads \(count) features, over the limit "
                               + "of \(ModelBundle.limits.maximumFeatureCount) (ModelLimits.maximumFeatureCount).")
    }

    // MARK: - Forest and leaf values

    /// A model without trees used to load and score every declaration the same.
    @Test func emptyForestIsRefused() throws {
        let content = try Self.hostileContent(HardeningBundleTests.set(Self.trees, to: [Any]()))
        try Self.expectRefused(content, "content.model.boosted_trees: the model has no trees; expected at least one (a model without trees "
                               + "scores every row the same). Retrain.")
    }

    /// Finite leaf values whose sum overflows used to give an infinite raw score, which then failed
    /// JSONL encoding (`EncodingError.invalidValue`).
    @Test func leafValuesWhoseSumOverflowsAreRefused() throws {
        let content = try Self.hostileContent { content in
            let trees = HardeningBundleTests.value(content, Self.trees) as! [Any]
            for index in trees.indices {
                let path = "\(Self.trees).\(index).value"
                let values = HardeningBundleTests.value(content, path) as! [Any]
                content = HardeningBundleTests.edited(content, path.split(separator: ".")[...]) { _ in
                    [Double](repeating: 1e308, count: values.count)
                } as! [String: Any]
            }
        }
        try Self.expectRefused(content, "content.model.boosted_trees: |baseScore| plus the largest |leaf value| of every tree is inf, over "
                               + "the limit of 1000000000000.0 (ModelLimits.maximumRawScoreMagnitude); raw scores "
                               + "could overflow.")
    }

    /// The same limits guard the revenue model, named as such.
    @Test func revenueModelIsCheckedAgainstTheSameLimits() throws {
        let bundle = try HardeningBundleTests.bundle(.boostedTrees)
        try #require(bundle.revenueModel != nil)
        let content = try Self.hostileContent(HardeningBundleTests.set("revenueModel.trees", to: [Any]()))
        try Self.expectRefused(content, "content.revenueModel: the model has no trees; expected at least one (a model without "
                               + "trees scores every row the same). Retrain.")
    }
}

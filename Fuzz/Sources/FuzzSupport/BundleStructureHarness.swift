import CustomsRisk
import Foundation

/// The structure-aware bundle fuzzer: every input is a program of edits applied to the content of
/// a small trained bundle, so that every document tried is valid JSON with a hostile *shape* (deep
/// chains, huge or shared bitsets, cycles, tens of thousands of trees or features, extreme leaf
/// values) rather than bytes that fail to parse. Generated sizes stay below ≈ 2 MB of JSON, so
/// that decoding (a debug build with AddressSanitizer) fits libFuzzer's 10 s per input; the limits
/// that need larger documents (100,000 trees, 2^24 nodes, 2^24 referenced category words) are covered by unit tests with small
/// package limits (InvariantTests) and the exact issue sizes by HardeningBundleLimitsTests. The edited content is sealed with a correct
/// checksum and decoded; see `bundleStructure(_:)` for the oracles.
public enum BundleStructureHarness {
    /// The content of the base bundle as JSON values: `ModelTrainer` on
    /// `SyntheticDeclarations(rowCount: 2000, seed: 1)`, 4 trees of at most 8 leaves, no revenue
    /// model (edits can add one), made once per process.
    nonisolated(unsafe) static let base: [String: Any] = {
        var options = TrainingOptions()
        options.seed = 1
        options.threadCount = 1
        options.reproducible = true
        options.trainRevenueModel = false
        options.trees.iterationCount = 4
        options.trees.maximumLeafCount = 8
        options.trees.earlyStoppingRounds = nil
        do {
            let bundle = try ModelTrainer(options: options).train(SyntheticDeclarations(rowCount: 2_000, seed: 1).table())
                .bundle
            let document = try JSONSerialization.jsonObject(with: bundle.encoded()) as! [String: Any]
            return document["content"] as! [String: Any]
        } catch {
            fatalError("cannot train the base bundle: \(error)")
        }
    }()

    /// Reads the input as a stream of small numbers (zero once it runs out).
    struct Program {
        var bytes: [UInt8]
        var position = 0
        var isAtEnd: Bool { position >= bytes.count }
        mutating func byte() -> Int {
            defer { position += 1 }
            return position < bytes.count ? Int(bytes[position]) : 0
        }
        mutating func word() -> Int { byte() << 8 | byte() }
        /// One of `values`, chosen by the next byte.
        mutating func pick<T>(_ values: [T]) -> T { values[byte() % values.count] }
    }

    /// Sizes chosen around every limit and far past it.
    static let counts = [0, 1, 2, 4, 63, 64, 255, 256, 257, 1_023, 1_024, 1_025, 32_768, 65_535, 65_536, 65_553,
                         1 << 20, 1 << 24, Int(Int32.max), -1, -2, Int(Int32.min)]
    static let numbers: [Double] = [0, -0.0, 1, -1, 0.5, 1e-300, 5e11, 1e12, 1.0000001e12, 1e15, 1e300, 1e308,
                                    -1e308, Double.greatestFiniteMagnitude, -Double.greatestFiniteMagnitude,
                                    Double.leastNonzeroMagnitude]

    // MARK: - Editing JSON values

    static func value(_ root: Any, _ path: [String]) -> Any? {
        var current: Any? = root
        for key in path {
            if let array = current as? [Any], let index = Int(key) {
                current = array.indices.contains(index) ? array[index] : nil
            } else {
                current = (current as? [String: Any])?[key]
            }
        }
        return current
    }

    /// `root` with the value at `path` replaced by `transform(old)`; unchanged when the path is absent.
    static func edited(_ root: Any, _ path: ArraySlice<String>, _ transform: (Any) -> Any) -> Any {
        guard let key = path.first else { return transform(root) }
        if var array = root as? [Any], let index = Int(key), array.indices.contains(index) {
            array[index] = edited(array[index], path.dropFirst(), transform)
            return array
        }
        guard var object = root as? [String: Any], let old = object[key] else { return root }
        object[key] = edited(old, path.dropFirst(), transform)
        return object
    }

    /// Large generated values are written as JSON text directly (JSONSerialization of hundreds of
    /// thousands of boxed numbers takes longer than libFuzzer's per-input timeout): the content holds
    /// a marker string in their place, replaced by the text after serialising.
    struct RawValues {
        var texts: [String] = []
        /// A marker to put in the content for `text`.
        mutating func add(_ text: String) -> String {
            texts.append(text)
            return "@@raw:\(texts.count - 1)@@"
        }
        /// `json` with every marker replaced by its text.
        func splice(_ json: Data) -> Data {
            guard !texts.isEmpty else { return json }
            var text = String(decoding: json, as: UTF8.self)
            for (index, raw) in texts.enumerated() {
                text = text.replacingOccurrences(of: "\"@@raw:\(index)@@\"", with: raw)
            }
            return Data(text.utf8)
        }
    }

    static func list<T>(_ values: [T]) -> String { "[" + values.map { "\($0)" }.joined(separator: ",") + "]" }

    /// A tree as JSON text (all twelve per-node arrays, keys sorted).
    static func tree(left: [Int], right: [Int], feature: [Int], wordCount: Int = 0) -> String {
        let n = left.count
        let fields: [(String, String)] = [
            ("binThreshold", list([Int](repeating: 0, count: n))),
            ("categoryStart", list([Int](repeating: 0, count: n))),
            ("categoryWordCount", list(left.map { $0 >= 0 ? wordCount : 0 })),
            ("categoryWords", list([Int](repeating: 0x5555, count: wordCount))),
            ("cover", list((0..<n).map { Double(n - $0) })),
            ("gain", list([Double](repeating: 0, count: n))),
            ("leftChild", list(left)),
            ("missingGoesLeft", list((0..<n).map { $0 % 3 == 0 })),
            ("rightChild", list(right)),
            ("splitFeature", list(feature)),
            ("threshold", list((0..<n).map { Double($0 % 7) - 3 })),
            ("value", list((0..<n).map { Double($0 % 5) * 0.01 })),
        ]
        return "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }

    /// A chain `depth` splits deep (internal node k at 2k; left child a leaf; right child the next split).
    static func chain(depth: Int, features: Int) -> String {
        let n = 2 * depth + 1
        var left = [Int](repeating: -1, count: n), right = left, feature = left
        for k in 0..<depth {
            left[2 * k] = 2 * k + 1
            right[2 * k] = 2 * k + 2
            feature[2 * k] = k % max(1, features)
        }
        return tree(left: left, right: right, feature: feature)
    }

    /// A complete tree of `splits` splits (children of i at 2i + 1 and 2i + 2) on features
    /// 0..<features, every split asking a shared bitset of `wordCount` words when it is > 0.
    static func complete(splits: Int, features: Int, wordCount: Int = 0) -> String {
        let n = 2 * splits + 1
        return tree(left: (0..<n).map { $0 < splits ? 2 * $0 + 1 : -1 }, right: (0..<n).map { $0 < splits ? 2 * $0 + 2 : -1 },
                    feature: (0..<n).map { $0 < splits ? $0 % max(1, features) : -1 }, wordCount: wordCount)
    }

    // MARK: - The program

    /// Applies the edits of `program` to `content`. Each edit is an opcode byte and its operands.
    static func apply(_ program: inout Program, to content: inout Any, raw: inout RawValues) {
        var model = ["model", "boosted_trees"]
        var edits = 0
        while !program.isAtEnd && edits < 8 {
            edits += 1
            let featureCount = (value(content, model + ["featureSchema", "columns"]) as? [Any])?.count ?? 0
            let treeCount = (value(content, model + ["trees"]) as? [Any])?.count ?? 0
            let treeIndex = String(treeCount == 0 ? 0 : program.byte() % treeCount)
            let treePath = model + ["trees", treeIndex]
            let nodeCount = (value(content, treePath + ["leftChild"]) as? [Any])?.count ?? 1
            func set(_ path: [String], _ newValue: Any) { content = edited(content, path[...]) { _ in newValue } }
            func setNode(_ field: String, _ node: Int, _ newValue: Any) {
                content = edited(content, (treePath + [field, String(node)])[...]) { _ in newValue }
            }
            func appendTree(_ tree: String) {
                let marker = raw.add(tree)
                content = edited(content, (model + ["trees"])[...]) { ($0 as? [Any] ?? []) + [marker] }
            }
            switch program.byte() % 14 {
            case 0:  // a chain around the depth limit, or up to 8,446 levels deep
                let choice = program.byte() % 8
                let depth = choice < 7 ? [1, 2, 31, 255, 256, 257, 1_000][choice] : program.word() / 8 + program.byte()
                appendTree(chain(depth: depth, features: program.pick([1, 8, 32, 33, 40, featureCount])))
            case 1:  // a complete tree of up to 4,350 splits, maybe all sharing a bitset
                let choice = program.byte() % 5
                let splits = choice < 4 ? [1, 3, 100, 1_000][choice] : program.word() / 16 + program.byte()
                appendTree(complete(splits: splits,
                                    features: program.pick([1, 8, 40, featureCount]),
                                    wordCount: program.pick([0, 0, 1, 1_024])))
            case 2:  // a child pointer moved anywhere (cycles, shared children, out of range)
                let node = program.byte() % nodeCount
                setNode(program.byte() % 2 == 0 ? "leftChild" : "rightChild", node,
                        program.pick([-1, 0, node, node + 1, nodeCount - 1, nodeCount] + counts))
            case 3:  // one split's bitset: placement and length
                let node = program.byte() % nodeCount
                setNode("categoryStart", node, program.pick(counts))
                setNode("categoryWordCount", node, program.pick(counts))
            case 4:  // every split of a tree asks one shared bitset of any length
                let words = program.pick([1, 4, 1_024, 1_025, 65_536, 200_000])
                let left = value(content, treePath + ["leftChild"]) as? [Int] ?? []
                set(treePath + ["categoryWords"], raw.add(list([Int](repeating: 0x5555, count: words))))
                set(treePath + ["categoryStart"], [Int](repeating: 0, count: left.count))
                set(treePath + ["categoryWordCount"], left.map { $0 >= 0 ? words : 0 })
            case 5:  // extreme but finite leaf values, in one tree or all
                let number = program.pick(numbers)
                let all = program.byte() % 2 == 0
                for t in all ? Array(0..<treeCount) : [Int(treeIndex)!] where t < treeCount {
                    let path = model + ["trees", String(t), "value"]
                    let n = (value(content, path) as? [Any])?.count ?? 0
                    set(path, [Double](repeating: number, count: n))
                }
            case 6:
                set(model + ["baseScore"], program.pick(numbers))
            case 7:  // no trees, or up to 4,095 one-leaf trees
                let choice = program.byte() % 5
                let copies = choice < 4 ? [0, 1, 2, 100][choice] : program.word() / 16
                let leaf = tree(left: [-1], right: [-1], feature: [-1])
                set(model + ["trees"], raw.add("[" + [String](repeating: leaf, count: copies).joined(separator: ",") + "]"))
            case 8:  // consistent feature counts in the pipeline's schema and the model's
                let count = program.pick([0, 1, 2, 16_384, 16_385])
                var first = (value(content, ["pipeline", "treeSchema", "columns", "0"]) as? [String: Any]) ?? [:]
                first["name"] = "@@name@@"
                let template = String(decoding: (try? JSONSerialization.data(withJSONObject: first,
                                                                             options: [.sortedKeys])) ?? Data(),
                                      as: UTF8.self)
                let columns = "[" + (0..<count).map { template.replacingOccurrences(of: "@@name@@", with: "f\($0)") }
                    .joined(separator: ",") + "]"
                set(["pipeline", "treeSchema", "columns"], raw.add(columns))
                set(model + ["featureSchema", "columns"], raw.add(columns))
            case 9:
                setNode("splitFeature", program.byte() % nodeCount, program.pick(counts + [featureCount, featureCount - 1]))
            case 10:
                let node = program.byte() % nodeCount
                setNode(program.byte() % 2 == 0 ? "threshold" : "cover", node, program.pick(numbers))
            case 11:  // a revenue model: a copy of the risk model's trees as squared-error trees
                if var revenue = value(content, ["model", "boosted_trees"]) as? [String: Any] {
                    revenue["objective"] = "squared_error"
                    set(["revenueModel"], revenue)
                }
            case 12:  // later edits go to the revenue model (or back)
                model = model == ["revenueModel"] ? ["model", "boosted_trees"] : ["revenueModel"]
            default:  // a per-node array one entry short or long
                let field = program.pick(["value", "cover", "threshold", "categoryStart", "missingGoesLeft"])
                content = edited(content, (treePath + [field])[...]) { old in
                    guard let array = old as? [Any] else { return old }
                    return program.byte() % 2 == 0 ? Array(array.dropLast()) : array + [array.last ?? 0]
                }
            }
        }
    }

    /// Input: a program of edits (see `apply`). Oracles: the edited bundle, sealed with a correct
    /// checksum, either fails to load with a one-line `BundleError` or loads; a bundle that loads is
    /// accepted by `RiskScorer` (one validation, the same as loading) and scores 40 synthetic
    /// declarations with 3 reasons to finite raw scores and probabilities in 0…1. libFuzzer's
    /// limits make a large allocation (> 1 GiB), a hang (> 10 s) or a stack overflow a finding too.
    public static func bundleStructure(_ input: [UInt8]) {
        var program = Program(bytes: input)
        var content: Any = base
        var raw = RawValues()
        apply(&program, to: &content, raw: &raw)
        guard let serialized = try? JSONSerialization.data(withJSONObject: content, options: [.sortedKeys]) else {
            fatalError("an edit made content JSON cannot hold")
        }
        let json = raw.splice(serialized)
        let bundle: ModelBundle
        do {
            bundle = try ModelBundle.decode(ModelBundle.seal(contentJSON: json), source: "fuzz.json")
        } catch let error as BundleError {
            guard !error.message.isEmpty, !error.message.contains("\n") else {
                fatalError("a BundleError that is not one line: \(error.message)")
            }
            return
        } catch {
            fatalError("an error that is not a BundleError: \(error)")
        }
        Harnesses.score(bundle)
    }
}

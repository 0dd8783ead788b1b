import CustomsRisk
import Foundation
import Testing

/// Same data + configuration + seed ⇒ byte-identical bundles, for 1 and 2 threads, both families.
@Suite("Hardening: deterministic training")
struct HardeningDeterminismTests {
    static let rowCount = 2_000

    static func bytes(_ family: ModelFamily, threadCount: Int, seed: UInt64) throws -> Data {
        let options = HardeningFixtures.options(family: family, threadCount: threadCount, seed: seed)
        let table = try HardeningFixtures.table(rowCount: rowCount, seed: seed)
        return try ModelTrainer(options: options).train(table).bundle.encoded()
    }

    @Test(arguments: [ModelFamily.boostedTrees, .logistic], [1, 2])
    func trainingTwiceGivesByteIdenticalBundles(family: ModelFamily, threadCount: Int) throws {
        let seed: UInt64 = 3
        let first = try Self.bytes(family, threadCount: threadCount, seed: seed)
        let second = try Self.bytes(family, threadCount: threadCount, seed: seed)
        #expect(first == second, "\(family), \(threadCount) thread(s), seed \(seed): \(Self.firstDifference(first, second))")
    }

    /// The thread count changes nothing but the `threads` entry the metadata records.
    @Test(arguments: [ModelFamily.boostedTrees, .logistic])
    func oneAndTwoThreadsGiveTheSameBundle(family: ModelFamily) throws {
        let seed: UInt64 = 4
        let one = try ModelBundle.decode(Self.bytes(family, threadCount: 1, seed: seed))
        var two = try ModelBundle.decode(Self.bytes(family, threadCount: 2, seed: seed))
        #expect(one.metadata.configuration["threads"] == "1")
        #expect(two.metadata.configuration["threads"] == "2")
        two.metadata.configuration["threads"] = "1"
        let a = try one.encoded(), b = try two.encoded()
        #expect(a == b, "\(family), seed \(seed): \(Self.firstDifference(a, b))")
    }

    /// Where two encodings first differ, with some context (for a readable failure).
    static func firstDifference(_ a: Data, _ b: Data) -> String {
        guard let index = zip(a, b).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset else {
            return a.count == b.count ? "identical" : "lengths \(a.count) and \(b.count)"
        }
        let context = { (d: Data) in String(decoding: d[max(0, index - 80)..<min(d.count, index + 80)], as: UTF8.self) }
        return "first difference at byte \(index):\n\(context(a))\nversus\n\(context(b))"
    }
}

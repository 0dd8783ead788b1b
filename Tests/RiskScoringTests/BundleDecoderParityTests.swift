import CustomsRisk
import Foundation
@testable import RiskModelBundle
import Testing

/// The bundle loader (our JSON scanner and decoder) against Foundation's `JSONDecoder` on every kind
/// of bundle training can produce and on the committed reference bundles: the decoded bundles are
/// equal, and re-encoding either gives the file's content bytes back exactly.
@Suite("Bundle decoder parity with JSONDecoder")
struct BundleDecoderParityTests {
    enum Kind: String, CaseIterable, Sendable {
        case leafWiseTrees, symmetricTrees, logistic, referenceTrees, referenceLogistic
    }

    static let modelsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Models/v1.0.0")

    static func file(_ kind: Kind) throws -> Data {
        switch kind {
        case .leafWiseTrees: return try HardeningFixtures.treesBundle.get().encoded()
        case .logistic: return try HardeningFixtures.logisticBundle.get().encoded()
        case .symmetricTrees:
            var options = HardeningFixtures.options(family: .boostedTrees, threadCount: 2)
            options.trees.growthPolicy = .symmetric
            options.trees.maximumDepth = 3
            return try ModelTrainer(options: options).train(try HardeningFixtures.table()).bundle.encoded()
        case .referenceTrees: return try Data(contentsOf: modelsDirectory.appendingPathComponent("reference-gbt.json"))
        case .referenceLogistic:
            return try Data(contentsOf: modelsDirectory.appendingPathComponent("reference-logistic.json"))
        }
    }

    /// The bytes of the `content` value (`{"content":` … `,"format":`), as the writer lays them out.
    static func contentBytes(_ file: Data) throws -> Data {
        let end = try #require(file.range(of: Data(#","format":"customs-risk-bundle""#.utf8), options: .backwards))
        return file[(file.startIndex + 11)..<end.lowerBound]
    }

    @Test(arguments: Kind.allCases)
    func decodesLikeFoundationAndReencodesByteForByte(kind: Kind) throws {
        let file = try Self.file(kind)
        let ours = try ModelBundle.decode(file, source: "\(kind).json")
        let content = try Self.contentBytes(file)
        let theirs = try JSONDecoder().decode(ModelBundle.self, from: content)
        #expect(ours == theirs)
        let ourBytes = try BundleDocument.encode(ours, version: ModelBundle.formatVersion)
        let theirBytes = try BundleDocument.encode(theirs, version: ModelBundle.formatVersion)
        #expect(ourBytes == theirBytes)
        #expect(ourBytes == file, "re-encoding \(kind) does not reproduce the file")
        if case .boostedTrees(let model) = ours.model, kind == .symmetricTrees {
            #expect(model.trees.allSatisfy { $0.nodeCount == 15 }, "the symmetric fixture should be depth-3 trees")
        }
    }

    /// Cut at every byte of the first and last 512 bytes of a trained bundle and every 1,499th byte
    /// between: each cut is malformed JSON, never a crash or another error. (Only the final newline
    /// may go: without it the file is still the same JSON.)
    @Test func everyTruncationOfABundleIsMalformed() throws {
        let file = try Self.file(.logistic)
        #expect(try ModelBundle.decode(file.dropLast(), source: "m.json") == ModelBundle.decode(file))
        let lengths = Set(Array(0..<512) + Array(stride(from: 512, to: file.count - 512, by: 1_499))
                          + Array((file.count - 512)..<(file.count - 1)))
        for length in lengths.sorted() {
            do {
                _ = try ModelBundle.decode(file.prefix(length), source: "m.json")
                Issue.record("a bundle cut at \(length) of \(file.count) bytes loaded")
            } catch let error as BundleError {
                #expect(error.code == .malformed, "cut at \(length): \(error.message)")
            }
        }
    }
}

import Foundation
import RiskDeclarations
@testable import RiskModelBundle
import Testing

/// A saved and reloaded bundle is the same bundle: equal values, identical bytes, and
/// bit-identical predictions and explanations (issue 7, "Done means").
@Suite struct BundleRoundTripTests {
    @Test(arguments: ReferenceBundles.kinds)
    func reencodingReproducesTheFileByteForByte(kind: String) throws {
        let bytes = try ReferenceBundles.bytes(kind)
        let bundle = try ModelBundle.decode(bytes, source: "reference-\(kind).json")
        #expect(try bundle.encoded() == bytes)
    }

    @Test(arguments: ReferenceBundles.kinds)
    func savedAndReloadedBundlePredictsAndExplainsBitIdentically(kind: String) throws {
        let original = try ReferenceBundles.bundle(kind)
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("bundle-roundtrip-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("model.json")
        try original.write(to: url, overwrite: false)
        let reloaded = try ModelBundle.load(contentsOf: url)
        #expect(reloaded == original)

        let table = try ReferenceBundles.sample(schema: original.schema)
        let before = try ReferenceBundles.predictAndExplain(original, table)
        let after = try ReferenceBundles.predictAndExplain(reloaded, table)
        #expect(before.raw.count == 200)
        #expect(after.raw.bitPatterns == before.raw.bitPatterns)
        #expect(after.contributions.bitPatterns == before.contributions.bitPatterns)
        #expect(after.base.bitPattern == before.base.bitPattern)
        let calibratedBefore = before.raw.map(original.calibration.calibrate)
        let calibratedAfter = after.raw.map(reloaded.calibration.calibrate)
        #expect(calibratedAfter.bitPatterns == calibratedBefore.bitPatterns)
    }

    @Test func writingRefusesToReplaceWhenAskedAndKeepsTheOldFile() throws {
        let bundle = try ReferenceBundles.bundle("logistic")
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("bundle-overwrite-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("model.json")
        try Data("old".utf8).write(to: url)
        #expect(throws: (any Error).self) { try bundle.write(to: url, overwrite: false) }
        #expect(try Data(contentsOf: url) == Data("old".utf8))
        try bundle.write(to: url, overwrite: true)
        #expect(try ModelBundle.load(contentsOf: url) == bundle)
        // No temporary file is left beside the model.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["model.json"])
    }

    /// Control for the corruption tests: re-wrapping unedited content with `JSONSerialization`
    /// gives a bundle that loads, so each corruption test fails only because of its own edit.
    @Test(arguments: ReferenceBundles.kinds)
    func rewrappedUneditedContentLoads(kind: String) throws {
        let content = try ReferenceBundles.content(of: ReferenceBundles.bytes(kind))
        let data = try ReferenceBundles.wrap(content)
        #expect(try ModelBundle.decode(data, source: "m.json") == ReferenceBundles.bundle(kind))
    }
}

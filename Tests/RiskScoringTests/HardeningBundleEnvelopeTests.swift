import CustomsRisk
import Foundation
@testable import RiskModelBundle
import Testing

/// Damaged bundle files and resource limits: truncated, edited, from the future, too large,
/// nested without end. Each is refused with its own code and message; nothing crashes.
@Suite("Hardening: damaged bundle files and limits")
struct HardeningBundleEnvelopeTests {
    static func document() throws -> Data { try HardeningFixtures.treesBundle.get().encoded() }

    static func refusal(_ data: Data, options: ModelBundle.LoadOptions = .init()) -> BundleError? {
        do {
            _ = try ModelBundle.decode(data, source: "model.json", options: options)
            return nil
        } catch {
            return error as? BundleError
        }
    }

    @Test(arguments: [0, 1, 11, 100, 4_000])
    func truncatedFilesAreMalformed(length: Int) throws {
        let error = Self.refusal(try Self.document().prefix(length))
        #expect(error?.code == .malformed)
        #expect(error?.message.hasPrefix("model.json is not well-formed JSON at byte ") == true)
        #expect(error?.message.hasSuffix(". It is truncated or was edited; restore it from the original, or "
                                         + "re-export the bundle with `riskctl train`.") == true)
        if length == 11 {
            #expect(error?.message == "model.json is not well-formed JSON at byte 11 (content): expected a value (an object, "
                    + "array, string, number, true, false or null), found the end of the file. It is truncated or was edited; restore it from the original, "
                    + "or re-export the bundle with `riskctl train`.")
        }
    }

    @Test func anEditedValueFailsTheChecksum() throws {
        let text = String(decoding: try Self.document(), as: UTF8.self)
        let range = try #require(text.range(of: "\"prior\":0."))
        let edited = text.replacingCharacters(in: range, with: "\"prior\":1.")
        let error = Self.refusal(Data(edited.utf8))
        #expect(error?.code == .checksumMismatch)
        #expect(error?.message.hasPrefix("model.json failed its integrity check: the content's SHA-256 is ") == true)
        #expect(error?.message.hasSuffix("The file was edited or damaged; restore it from the original.") == true)
    }

    @Test(arguments: ["2.0.0", "1.1.0"])
    func aNewerFormatIsRefused(version: String) throws {
        let text = String(decoding: try Self.document(), as: UTF8.self)
            .replacingOccurrences(of: "\"format_version\":\"1.0.0\"", with: "\"format_version\":\"\(version)\"")
        let error = Self.refusal(Data(text.utf8))
        #expect(error?.code == .unsupportedVersion)
        #expect(error?.message == "model.json is format \(version); this build reads 1.x up to 1.0.0. "
                    + "Load it with a newer riskctl, or retrain.")
    }

    @Test func notABundle() {
        let error = Self.refusal(Data("{\"format\":\"onnx\"}".utf8))
        #expect(error?.code == .notABundle)
        #expect(error?.message == "model.json is not a CustomsRisk model bundle: found \"onnx\", expected "
                    + "\"format\": \"customs-risk-bundle\".")
    }

    @Test func theFileSizeLimitIsCheckedBeforeReading() throws {
        let data = try Self.document()
        let error = Self.refusal(data, options: .init(maximumFileSize: 1_000))
        #expect(error?.code == .tooLarge)
        #expect(error?.message == "model.json is \(data.count) bytes, over the 1000-byte limit for model bundles.")
        // From a file: refused from its size alone (the message names the option to raise).
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hardening-\(UInt32.random(in: 0...UInt32.max)).json")
        try data.write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect {
            _ = try ModelBundle.load(contentsOf: url, options: .init(maximumFileSize: 1_000))
        } throws: { error in
            (error as? BundleError)?.message == "\(url.lastPathComponent) is \(data.count) bytes, over the 1000-byte "
                + "limit for model bundles. Raise ModelBundle.LoadOptions.maximumFileSize if it is genuine."
        }
    }

    /// JSON nested 100 000 deep must not overflow the stack of the decoder.
    @Test(arguments: ["[", "{\"a\":"])
    func deeplyNestedContentIsRefusedWithoutCrashing(opening: String) {
        let depth = 100_000
        let closing = opening == "[" ? "]" : "}"
        let content = "{\"model\":" + String(repeating: opening, count: depth) + "1"
            + String(repeating: closing, count: depth) + "}"
        let error = Self.refusal(HardeningBundleTests.seal(Data(content.utf8)))
        #expect(error != nil)
    }

    /// A declared size cannot make the loader allocate: there are no counts in the format, every
    /// array is as long as its JSON, and validation compares lengths before indexing. A file denser
    /// in brackets than one per 12 bytes (here 1 per 3) is refused by the scan's index cap.
    @Test func aHugeArrayIsBoundedByTheFileSize() throws {
        let count = 200_000
        let content = "{\"schema\":{\"id\":\"x\",\"fields\":[" + String(repeating: "{},", count: count) + "{}]}}"
        let data = HardeningBundleTests.seal(Data(content.utf8))
        #expect(Self.refusal(data, options: .init(maximumFileSize: 100_000))?.code == .tooLarge)
        let error = Self.refusal(data)
        #expect(error?.code == .tooLarge)
        #expect(error?.message.hasPrefix("model.json exceeds a limit for model bundles at byte ") == true)
        #expect(error?.message.contains("arrays and objects for a file of \(data.count) bytes (the limit is one per "
                                        + "12 bytes)") == true)
    }
}

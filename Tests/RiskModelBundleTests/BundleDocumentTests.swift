import Foundation
@testable import RiskModelBundle
import Testing

@Suite struct SHA256Tests {
    // NIST FIPS 180-4 example vectors.
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func nistVectors(message: String, expected: String) {
        #expect(SHA256.hex(of: Array(message.utf8)) == expected)
    }

    @Test func millionAs() {
        let message = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(SHA256.hex(of: message) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test(arguments: [55, 56, 63, 64, 65, 119, 120])
    func paddingBoundariesDiffer(length: Int) {
        let a = [UInt8](repeating: 7, count: length)
        let b = [UInt8](repeating: 7, count: length + 1)
        #expect(SHA256.hex(of: a) != SHA256.hex(of: b))
        #expect(SHA256.hex(of: a).count == 64)
    }
}

@Suite struct BundleDocumentTests {
    struct Content: Codable, Equatable {
        var name: String
        var values: [Double]
        var nested: [String: [Int]]
    }

    let content = Content(name: "a \"quoted\" {brace} [x]", values: [1.5, -2, 1e-300], nested: ["k": [1, 2]])
    let version = BundleVersion(1, 0, 0)

    @Test func roundTripsAndIsByteStable() throws {
        let data = try BundleDocument.encode(content, version: version)
        let (decoded, readVersion) = try BundleDocument.decode(Content.self, from: data, source: "m.json",
                                                              supported: version)
        #expect(decoded == content)
        #expect(readVersion == version)
        #expect(try BundleDocument.encode(decoded, version: version) == data)
    }

    @Test func editedContentFailsTheChecksum() throws {
        var text = String(decoding: try BundleDocument.encode(content, version: version), as: UTF8.self)
        text = text.replacingOccurrences(of: "1.5", with: "2.5")
        let error = #expect(throws: BundleError.self) {
            try BundleDocument.decode(Content.self, from: Data(text.utf8), source: "m.json", supported: version)
        }
        #expect(error?.code == .checksumMismatch)
        #expect(error?.message.hasPrefix("m.json failed its integrity check: the content's SHA-256 is ") == true)
    }

    @Test(arguments: [1, 10, 40, 100])
    func truncatedFileIsMalformed(keep: Int) throws {
        let data = try BundleDocument.encode(content, version: version)
        let error = #expect(throws: BundleError.self) {
            try BundleDocument.decode(Content.self, from: data.prefix(keep), source: "m.json", supported: version)
        }
        #expect(error?.code == .malformed)
    }

    @Test func futureVersionIsRefusedWithAdvice() throws {
        let data = try BundleDocument.encode(content, version: BundleVersion(2, 0, 0))
        let error = #expect(throws: BundleError.self) {
            try BundleDocument.decode(Content.self, from: data, source: "model.json", supported: version)
        }
        #expect(error?.message == "model.json is format 2.0.0; this build reads 1.x up to 1.0.0. "
                + "Load it with a newer riskctl, or retrain.")
    }

    @Test func otherJSONIsNotABundle() {
        let error = #expect(throws: BundleError.self) {
            try BundleDocument.decode(Content.self, from: Data(#"{"trees": []}"#.utf8), source: "x.json",
                                      supported: version)
        }
        #expect(error?.message == #"x.json is not a CustomsRisk model bundle: found no "format" field, expected "format": "customs-risk-bundle"."#)
    }

    @Test func nonFiniteNumbersCannotBeSaved() {
        let bad = Content(name: "x", values: [.nan], nested: [:])
        let error = #expect(throws: BundleError.self) { try BundleDocument.encode(bad, version: version) }
        #expect(error?.code == .invalidContent)
    }
}

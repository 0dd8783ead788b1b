import Foundation
import RiskData

/// The envelope of a bundle file: one JSON document
/// `{"content":{…},"format":"customs-risk-bundle","format_version":"1.0.0","sha256":"…"}`
/// whose `sha256` is the digest of the exact bytes of the `content` value.
///
/// Nothing in a bundle is executed; every number and index is validated after decoding
/// (see `ModelBundle.validate()`).
package enum BundleDocument {
    package static let formatName = "customs-risk-bundle"

    /// Encodes `content` with sorted keys (so equal content gives identical bytes) inside the envelope.
    package static func encode<Content: Encodable>(_ content: Content, version: BundleVersion) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body: Data
        do {
            body = try encoder.encode(content)
        } catch let EncodingError.invalidValue(value, context) {
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw BundleError(.invalidContent, "cannot save the bundle: \(path) is \(value), which JSON cannot hold "
                              + "(NaN or infinity). This is a bug in training; please report it.")
        }
        return seal(body, version: version)
    }

    /// The envelope around already-encoded content bytes, with their SHA-256.
    package static func seal<Bytes: Collection>(_ body: Bytes, version: BundleVersion) -> Data where Bytes.Element == UInt8 {
        var out = Data("{\"content\":".utf8)
        out.append(contentsOf: body)
        out.append(Data((",\"format\":\"\(formatName)\",\"format_version\":\"\(version)\",\"sha256\":\""
                         + SHA256.hex(of: body) + "\"}\n").utf8))
        return out
    }

    private struct Header: Decodable {
        var format: String?
        var format_version: String?
        var sha256: String?
    }

    /// Limits of the JSON scan of a bundle (see Docs/BundleFormat.md, "Memory while loading").
    package static let jsonLimits = JSONLimits()

    /// Reads the envelope, checks format, version and checksum, and decodes the content.
    ///
    /// The file is scanned once (`JSONDocument`: syntax, nesting, string and number lengths, the
    /// container index capped at the file's size); the checksum is the SHA-256 of the exact bytes
    /// of the `content` value; the content then decodes straight from the file's bytes.
    ///
    /// - Parameters:
    ///   - data: The file's bytes.
    ///   - source: The file name used in error messages.
    ///   - supported: The newest format version this build reads.
    /// - Throws: `BundleError`: `.malformed` (with byte offset and path) for bad JSON, `.tooLarge`
    ///   for a scan limit, `.notABundle`, `.unsupportedVersion`, `.checksumMismatch`, or
    ///   `.invalidContent` naming the path and byte offset of the bad value.
    /// - Complexity: O(`data.count`); memory: the index (≤ `data.count` bytes, ≈ 1 % for a real
    ///   bundle) plus the decoded content.
    package static func decode<Content: Decodable>(_ type: Content.Type, from data: Data, source: String,
                                                   supported: BundleVersion) throws -> (Content, BundleVersion) {
        do {
            return try JSONDocument.withDocument(data, limits: jsonLimits) { document in
                try decode(Content.self, from: document, source: source, supported: supported)
            }
        } catch let error as JSONReadError {
            if error.isSyntax {
                throw BundleError(.malformed, "\(source) is not well-formed JSON at byte \(error.offset)"
                                  + (error.path.isEmpty ? "" : " (\(error.path))") + ": \(error.detail). "
                                  + "It is truncated or was edited; restore it from the original, or re-export the "
                                  + "bundle with `riskctl train`.")
            }
            throw BundleError(.tooLarge, "\(source) exceeds a limit for model bundles at byte \(error.offset)"
                              + (error.path.isEmpty ? "" : " (\(error.path))") + ": \(error.detail). "
                              + "A bundle written by riskctl stays far inside it; this file is not one.")
        }
    }

    private static func decode<Content: Decodable>(_ type: Content.Type, from document: JSONDocument, source: String,
                                                   supported: BundleVersion) throws -> (Content, BundleVersion) {
        let header: Header
        do {
            header = try JSONValueDecoder.decode(Header.self, from: document)
        } catch DecodingError.typeMismatch(_, let context) where context.codingPath.isEmpty {
            // Well-formed JSON whose top level is not an object (an array, a string, a number).
            throw BundleError(.notABundle, "\(source) is not a CustomsRisk model bundle: the document is not a JSON "
                              + "object with \"format\": \"\(formatName)\".")
        } catch {
            throw BundleError(.notABundle, "\(source) is not a CustomsRisk model bundle: \(describe(error, in: "")).")
        }
        guard header.format == formatName else {
            let found = header.format.map { "\"\($0)\"" } ?? "no \"format\" field"
            throw BundleError(.notABundle, "\(source) is not a CustomsRisk model bundle: found \(found), "
                              + "expected \"format\": \"\(formatName)\".")
        }
        guard let versionText = header.format_version, let version = BundleVersion(parsing: versionText) else {
            throw BundleError(.notABundle, "\(source) has no valid \"format_version\" (expected text like \"1.0.0\").")
        }
        guard version.major == supported.major, version <= supported else {
            throw BundleError(.unsupportedVersion,
                              "\(source) is format \(version); this build reads \(supported.major).x up to \(supported). "
                              + (version > supported ? "Load it with a newer riskctl, or retrain."
                                                     : "Retrain the model with this version."))
        }
        guard let expected = header.sha256 else {
            throw BundleError(.notABundle, "\(source) has no \"sha256\" field; it was not written by riskctl.")
        }
        guard let content = document.member("content", of: document.root),
              document.bytes[content.offset] == UInt8(ascii: "{") else {
            throw BundleError(.malformed, "\(source) has no \"content\" object.")
        }
        let span = UnsafeRawBufferPointer(
            UnsafeBufferPointer(rebasing: document.bytes[content.offset..<document.end(of: content)]))
        // The checksum runs on a second thread while the content decodes on this one; a mismatch is
        // reported before any decoding error (an edited file is the likelier story).
        let (actual, decoded) = hashing(span) {
            try JSONValueDecoder.decode(Content.self, from: document, at: content)
        }
        guard actual == expected.lowercased() else {
            throw BundleError(.checksumMismatch, "\(source) failed its integrity check: the content's SHA-256 is "
                              + "\(actual) but the file says \(expected). The file was edited or damaged; "
                              + "restore it from the original.")
        }
        do {
            return (try decoded.get(), version)
        } catch {
            let description = describe(error)
            throw BundleError(.invalidContent, "\(source): \(description)\(description.hasSuffix(".") ? "" : ".")")
        }
    }

    /// Content this large or larger is hashed on a second thread (below, a thread hop costs more than
    /// it saves).
    static let concurrentHashingThreshold = 1 << 18

    /// The SHA-256 of `bytes` (hex) and the result of `body`, computed at the same time: the digest
    /// on a global-queue thread, `body` on the calling one. Both have finished when this returns.
    static func hashing<Result>(_ bytes: UnsafeRawBufferPointer,
                                _ body: () throws -> Result) -> (String, Swift.Result<Result, any Error>) {
        guard bytes.count >= concurrentHashingThreshold else {
            return (SHA256.hex(of: bytes), Swift.Result { try body() })
        }
        let digest = ConcurrentDigest()
        let done = DispatchSemaphore(value: 0)
        let input = UncheckedSendableBox(bytes)  // alive until `done.wait()` returns
        DispatchQueue.global(qos: .userInitiated).async {
            digest.hex = SHA256.hex(of: input.value)
            done.signal()
        }
        let result = Swift.Result { try body() }
        done.wait()
        return (digest.hex, result)
    }

    /// A one-line description of a decoding error with its coding path (`content.model.trees[3].value`)
    /// and, for errors of the JSON decoder, the byte offset of the bad value.
    package static func describe(_ error: any Error, in root: String = "content") -> String {
        func path(_ keys: [any CodingKey]) -> String {
            let text = JSONValueDecoder.describe(keys, prefix: root)
            return text.isEmpty ? "the top level" : text
        }
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            // Our decoder ends the description with "(byte N)", the offset of the object.
            let detail = context.debugDescription
            let position = detail.range(of: "(byte").map { " (object at byte" + detail[$0.upperBound...] } ?? ""
            return "\(path(context.codingPath + [key])) is missing" + position
        case DecodingError.typeMismatch(let type, let context), DecodingError.valueNotFound(let type, let context):
            return context.debugDescription.hasPrefix("expected") || context.debugDescription.contains("(byte")
                ? "\(path(context.codingPath)): \(context.debugDescription)"
                : "\(path(context.codingPath)) has the wrong type (expected \(type))"
        case DecodingError.dataCorrupted(let context):
            let under = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            let detail = under ?? context.debugDescription
            // "content.x is 1e999, …" reads better than "content.x: is 1e999, …".
            return path(context.codingPath) + (detail.hasPrefix("is ") ? " " : ": ")
                + (detail.hasSuffix(".") ? String(detail.dropLast()) : detail)
        case let error as BundleError:
            return error.message
        case let error as RiskDataError:
            return error.message
        default:
            return String(describing: error)
        }
    }
}

/// The hand-over between `BundleDocument.hashing` and its hashing thread: `hex` is written before the
/// semaphore is signalled and read after it is waited for.
private final class ConcurrentDigest: @unchecked Sendable {
    var hex = ""
}

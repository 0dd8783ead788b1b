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

    /// Reads the envelope, checks format, version and checksum, and decodes the content.
    ///
    /// - Parameters:
    ///   - data: The file's bytes.
    ///   - source: The file name used in error messages.
    ///   - supported: The newest format version this build reads.
    package static func decode<Content: Decodable>(_ type: Content.Type, from data: Data, source: String,
                                                   supported: BundleVersion) throws -> (Content, BundleVersion) {
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: data)
        } catch DecodingError.typeMismatch {
            // Well-formed JSON whose top level is not an object (an array, a string, a number).
            throw BundleError(.notABundle, "\(source) is not a CustomsRisk model bundle: the document is not a JSON "
                              + "object with \"format\": \"\(formatName)\".")
        } catch {
            // The decoder gives no position for a syntax error; `describe` would blame "content".
            throw BundleError(.malformed, "\(source) is not well-formed JSON; it is truncated or was edited. "
                              + "Restore it from the original, or re-export the bundle with `riskctl train`.")
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
        guard let span = contentSpan(in: data) else {
            throw BundleError(.malformed, "\(source) has no \"content\" object at the start of the document.")
        }
        let actual = SHA256.hex(of: data[span])
        guard actual == expected.lowercased() else {
            throw BundleError(.checksumMismatch, "\(source) failed its integrity check: the content's SHA-256 is "
                              + "\(actual) but the file says \(expected). The file was edited or damaged; "
                              + "restore it from the original.")
        }
        do {
            return (try JSONDecoder().decode(Content.self, from: data[span]), version)
        } catch {
            if let number = unrepresentableNumber(in: data[span]) {
                throw BundleError(.invalidContent, "\(source): \(number.path) is \(number.text), which is not a finite "
                                  + "number this field can hold.")
            }
            let description = describe(error)
            throw BundleError(.invalidContent, "\(source): \(description)\(description.hasSuffix(".") ? "" : ".")")
        }
    }

    /// The byte range of the value of the first key `"content"` of the top-level object.
    static func contentSpan(in data: Data) -> Range<Data.Index>? {
        let key = Array("\"content\"".utf8)
        return data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Range<Data.Index>? in
            let bytes = raw.bindMemory(to: UInt8.self)
            var i = 0
            func skipSpace() { while i < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[i]) { i += 1 } }
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "{") else { return nil }
            i += 1
            skipSpace()
            guard i + key.count <= bytes.count, Array(bytes[i..<(i + key.count)]) == key else { return nil }
            i += key.count
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { return nil }
            i += 1
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "{") else { return nil }
            let start = i
            var depth = 0
            var inString = false
            while i < bytes.count {
                let b = bytes[i]
                if inString {
                    if b == UInt8(ascii: "\\") { i += 1 } else if b == UInt8(ascii: "\"") { inString = false }
                } else if b == UInt8(ascii: "\"") {
                    inString = true
                } else if b == UInt8(ascii: "{") || b == UInt8(ascii: "[") {
                    depth += 1
                } else if b == UInt8(ascii: "}") || b == UInt8(ascii: "]") {
                    depth -= 1
                    if depth == 0 {
                        return (data.startIndex + start)..<(data.startIndex + i + 1)
                    }
                }
                i += 1
            }
            return nil
        }
    }

    /// A one-line description of a decoding error with its coding path (`content.model.trees[3].value`).
    package static func describe(_ error: any Error) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            var out = "content"
            for k in keys {
                if let index = k.intValue { out += "[\(index)]" } else { out += "." + k.stringValue }
            }
            return out
        }
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])) is missing"
        case DecodingError.typeMismatch(let type, let context):
            return "\(path(context.codingPath)) has the wrong type (expected \(type))"
        case DecodingError.valueNotFound(let type, let context):
            return "\(path(context.codingPath)) is null (expected \(type))"
        case DecodingError.dataCorrupted(let context):
            let under = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            let detail = under ?? context.debugDescription
            return "\(path(context.codingPath)): " + (detail.hasSuffix(".") ? String(detail.dropLast()) : detail)
        case let error as BundleError:
            return error.message
        case let error as RiskDataError:
            return error.message
        default:
            return String(describing: error)
        }
    }
}

import Foundation
import RiskData
import Testing

/// Malformed and hostile JSON: each is refused with one line naming the path, what was expected and
/// the byte offset; nothing crashes, and the scan's index never outgrows its cap.
@Suite struct JSONDocumentTests {
    static func scanError(_ text: String, limits: JSONLimits = JSONLimits()) -> JSONReadError? {
        scanError(Data(text.utf8), limits: limits)
    }

    static func scanError(_ data: Data, limits: JSONLimits = JSONLimits()) -> JSONReadError? {
        do {
            try JSONDocument.withDocument(data, limits: limits) { _ in }
            return nil
        } catch {
            return error as? JSONReadError
        }
    }

    static let value = "expected a value (an object, array, string, number, true, false or null)"

    @Test(arguments: [
        ("", "at the top level: \(value), found the end of the file (byte 0)"),
        ("[1,]", "[1]: \(value), found ']' (byte 3)"),
        (#"{"a":1,}"#, "a: expected a key in double quotes, found '}' (byte 7)"),
        (#"{"a" 1}"#, "a: expected ':' after the key, found '1' (byte 5)"),
        ("[1 2]", "[0]: expected ',' or ']' after an array element, found '2' (byte 3)"),
        (#"{"a":[1}"#, "a[0]: expected ',' or ']' after an array element, found '}' (byte 7)"),
        ("[01]", "[0]: a number may not have a leading zero, found '0' (byte 1)"),
        ("[1.]", "[0]: expected a digit after the decimal point, found ']' (byte 3)"),
        ("[1e]", "[0]: expected a digit in the exponent, found ']' (byte 3)"),
        ("[-]", "[0]: expected a digit, found ']' (byte 2)"),
        ("[.5]", "[0]: \(value), found '.' (byte 1)"),
        ("[+1]", "[0]: \(value), found '+' (byte 1)"),
        ("[NaN]", "[0]: \(value), found 'N' (byte 1)"),
        ("[Infinity]", "[0]: \(value), found 'I' (byte 1)"),
        ("[tru]", "[0]: expected true, found ']' (byte 4)"),
        ("[1] x", "at the top level: expected the end of the file after the top-level value, found 'x' (byte 4)"),
        (#"["abc"#, "[0]: the string starting here has no closing quote before the end of the file (byte 1)"),
        (#"["a\x"]"#, #"[0]: 'x' cannot follow a backslash; expected one of \" \\ \/ \b \f \n \r \t \uXXXX (byte 3)"#),
        (#"["\u12"]"#, #"[0]: expected four hex digits after \u (byte 2)"#),
        (#"["\ud800"]"#, #"[0]: \uD800 is a high surrogate not followed by a \u low surrogate (byte 2)"#),
        (#"["\ud800\u0041"]"#, #"[0]: \uD800 is a high surrogate not followed by a \u low surrogate (byte 2)"#),
        (#"["\udc00"]"#, #"[0]: \uDC00 is a low surrogate without a high surrogate before it (byte 2)"#),
        ("[\"a\u{01}\"]", "[0]: a control character (byte 0x1) must be escaped inside a string, found byte 0x01 (byte 3)"),
        ("[\"a\tb\"]", "[0]: a control character (byte 0x9) must be escaped inside a string, found byte 0x09 (byte 3)"),
    ])
    func malformedJSONIsRefusedWithPathExpectationAndOffset(text: String, expected: String) {
        let error = Self.scanError(text)
        #expect(error?.isSyntax == true, "\(text)")
        #expect(error?.description == expected, "\(text)")
    }

    @Test(arguments: [
        ([0x22, 0xC3, 0x28, 0x22] as [UInt8], "at the top level: invalid UTF-8 in a string (a bad continuation byte) (byte 1)"),
        ([0x22, 0xFF, 0x22], "at the top level: invalid UTF-8 in a string (byte 0xFF cannot start a character) (byte 1)"),
        ([0x22, 0xC0, 0x80, 0x22], "at the top level: invalid UTF-8 in a string (byte 0xC0 cannot start a character) (byte 1)"),
        ([0x22, 0xED, 0xA0, 0x80, 0x22], "at the top level: invalid UTF-8 in a string (a bad continuation byte) (byte 1)"),
        ([0x22, 0xE2, 0x82], "at the top level: invalid UTF-8 in a string (a character cut short) (byte 1)"),
    ])
    func invalidUTF8IsRefused(bytes: [UInt8], expected: String) {
        #expect(Self.scanError(Data(bytes))?.description == expected)
    }

    @Test func validUTF8AndEscapesDecodeLikeFoundation() throws {
        let text = #"["naïve", "日本", "😀", "\ud83d\ude00", "a\"b\\c\/d\b\f\n\r\t", "\u00e9\u0000"]"#
        let data = Data(text.utf8)
        #expect(try decodeWithTape([String].self, data) == JSONDecoder().decode([String].self, from: data))
    }

    /// 10^6 opening brackets: refused at the depth limit, without recursion (no stack overflow).
    @Test(arguments: ["[", "{\"a\":"])
    func deepNestingIsRefusedAtTheDepthLimit(opening: String) {
        let text = String(repeating: opening, count: 1_000_000)
        let error = Self.scanError(text)
        #expect(error?.isSyntax == false)
        #expect(error?.offset == 128 * opening.utf8.count)
        #expect(error?.detail == "nesting deeper than 128 arrays and objects")
        // The path is shortened in the middle so the message stays one readable line.
        #expect((error?.description.count ?? 0) < 200)
    }

    @Test func stringsAndNumbersOverTheirLimitsAreRefused() {
        let limits = JSONLimits(maximumStringLength: 10, maximumNumberLength: 20)
        #expect(Self.scanError(#"["0123456789"]"#, limits: limits) == nil)
        #expect(Self.scanError(#"["0123456789A"]"#, limits: limits)?.description
                == "[0]: a string of 11 bytes is longer than the 10-byte limit (byte 1)")
        #expect(Self.scanError("[" + String(repeating: "9", count: 21) + "]", limits: limits)?.description
                == "[0]: a number of 21 characters is longer than the 20-character limit (byte 1)")
        // The default number limit (512) keeps any real number and refuses a megabyte of digits.
        #expect(Self.scanError("[" + String(repeating: "1", count: 512) + "]") == nil)
        #expect(Self.scanError("[" + String(repeating: "1", count: 1 << 20) + "]")?.isSyntax == false)
    }

    @Test func duplicateKeysAreRefused() {
        struct Pair: Decodable { var a: Int }
        #expect(tapeError(Pair.self, #"{"a":1,"a":2}"#)
                == #"the key "a" appears twice in one object (bytes 1 and 7); each key may appear once (byte 7)"#)
        // Spelled differently, same key: found through the unescaped lookup table.
        #expect(tapeError([String: Int].self, #"{"a":1,"\u0061":2}"#)
                == #"the key "a" appears twice in one object (bytes 1 and 7); each key may appear once (byte 7)"#)
        // Large objects use a hash table; the duplicate is still found.
        let keys = (0..<100).map { "\"k\($0)\":\($0)" } + ["\"k42\":0"]
        #expect(tapeError([String: Int].self, "{" + keys.joined(separator: ",") + "}")?
                    .hasPrefix(#"the key "k42" appears twice in one object"#) == true)
    }

    /// Every prefix of a document is refused as malformed (syntax), at an offset inside the prefix.
    @Test func everyTruncationIsRefused() throws {
        let data = try JSONEncoder().encode(JSONValueDecoderTests.Sample.random(seed: 5))
        #expect(try decodeWithTape(JSONValueDecoderTests.Sample.self, data) == JSONValueDecoderTests.Sample.random(seed: 5))
        var refused = 0
        for length in 0..<data.count {
            let error = Self.scanError(data.prefix(length))
            #expect(error?.isSyntax == true, "prefix \(length)")
            #expect((error?.offset ?? .max) <= length, "prefix \(length)")
            refused += error == nil ? 0 : 1
        }
        #expect(refused == data.count)
    }

    // MARK: - Memory

    /// The index is the only allocation of a scan: 12 bytes per array or object, known exactly.
    @Test(arguments: [0, 1, 100, 10_000])
    func theIndexCostsTwelveBytesPerContainer(containers: Int) throws {
        // One outer array holding `containers - 1` empty objects, padded so the cap is not reached.
        let inner = max(0, containers - 1)
        let text = "[" + Array(repeating: "{}                    ", count: inner).joined(separator: ",") + "]"
        let data = Data((containers == 0 ? "1" : text).utf8)
        try JSONDocument.withDocument(data, limits: JSONLimits()) { document in
            #expect(document.containers.count == 3 * containers)
            #expect(document.indexByteCount >= JSONDocument.bytesPerContainer * containers)
            #expect(document.indexByteCount <= max(4_096, data.count))
        }
    }

    /// A file denser in brackets than one per 12 bytes is refused when the index would pass the
    /// file's size, before the allocation.
    @Test func theIndexNeverOutgrowsTheFile() throws {
        let count = 100_000
        let data = Data(("[" + Array(repeating: "[]", count: count).joined(separator: ",") + "]").utf8)
        let error = try #require(Self.scanError(data))
        #expect(error.isSyntax == false)
        let allowed = data.count / JSONDocument.bytesPerContainer
        // Container number `allowed` (0-based; the outer array is number 0) opens at byte 1 + 3 × (allowed − 1).
        #expect(error.offset == 1 + 3 * (allowed - 1))
        #expect(error.detail == "more than \(allowed) arrays and objects for a file of \(data.count) bytes "
                + "(the limit is one per 12 bytes)")
        // The same document with room to spare is accepted, and its index stays within the file size.
        let roomy = JSONLimits(maximumIndexBytesPerFileByte: 5)
        try JSONDocument.withDocument(data, limits: roomy) { document in
            #expect(document.containers.count == 3 * (count + 1))
            // The requested capacity stops at the cap; the allocator may round the block up by a few bytes.
            #expect(document.indexByteCount <= 5 * data.count + 16)
        }
    }
}

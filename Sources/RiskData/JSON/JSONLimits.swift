/// Limits that `JSONDocument` enforces while scanning untrusted JSON (model bundles, schemas).
///
/// Every limit is checked before the memory it guards is allocated, so a hostile file is refused
/// with a one-line error instead of exhausting memory or the stack. See Docs/BundleFormat.md
/// ("Memory while loading") for how these bound the memory of a load.
package struct JSONLimits: Sendable, Hashable {
    /// Deepest nesting of arrays and objects (a bundle needs 8; a schema 3).
    package var maximumDepth: Int
    /// Longest string, in bytes of the file between its quotes.
    package var maximumStringLength: Int
    /// Longest number, in bytes (a `Double` needs at most 24 as written by `JSONEncoder`).
    package var maximumNumberLength: Int
    /// Bytes of container index allowed per byte of file (the index takes
    /// `JSONDocument.bytesPerContainer` bytes per array or object; a bundle written by riskctl needs
    /// under 0.02 per byte). A file denser in brackets than this is refused before the index grows.
    package var maximumIndexBytesPerFileByte: Int

    package init(maximumDepth: Int = 128, maximumStringLength: Int = 1 << 20, maximumNumberLength: Int = 512,
                 maximumIndexBytesPerFileByte: Int = 1) {
        self.maximumDepth = maximumDepth
        self.maximumStringLength = maximumStringLength
        self.maximumNumberLength = maximumNumberLength
        self.maximumIndexBytesPerFileByte = maximumIndexBytesPerFileByte
    }
}

/// A JSON document that cannot be read: malformed, over a limit, or (from `JSONValueDecoder`) a
/// value of the wrong kind for the field decoded from it.
package struct JSONReadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Byte offset of the problem in the scanned bytes (0-based).
    package var offset: Int
    /// Path of the value being read (`content.model.trees[3].leftChild[17]`); empty at the top level.
    package var path: String
    /// What was found and what was expected, without the path or position.
    package var detail: String
    /// `true` when the bytes are not well-formed JSON (or are truncated); `false` for a limit.
    package var isSyntax: Bool

    package init(offset: Int, path: String, detail: String, isSyntax: Bool) {
        self.offset = offset
        self.path = path
        self.detail = detail
        self.isSyntax = isSyntax
    }

    /// `path: detail (byte N)`, one line.
    package var description: String {
        (path.isEmpty ? "at the top level: " : path + ": ") + detail + " (byte \(offset))"
    }
}

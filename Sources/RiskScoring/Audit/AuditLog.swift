import Foundation
import RiskData
import RiskModelBundle

/// One decision as an auditor reads it: what was decided about which declaration, when, by which
/// bundle, and why.
public struct AuditRecord: Sendable, Hashable {
    /// The declaration id.
    public var id: String
    /// When the decision was made, ISO 8601 UTC.
    public var time: String
    /// SHA-256 of the bundle file (or of its content) that scored it.
    public var bundleChecksum: String
    /// CustomsRisk version that trained the bundle.
    public var bundleVersion: String
    public var probability: Double
    public var rawScore: Double
    public var lane: String
    /// Selected for inspection, and with which probability (nil without a targeting policy).
    public var selected: Bool?
    public var selectionProbability: Double?
    /// Reason codes, most important first.
    public var reasonCodes: [String]
    /// Ids of the officer rules that fired (empty without rules).
    public var rules: [String]
    /// SHA-256 of the encoded feature vector, when the caller has it (proves which inputs were scored).
    public var featureHash: String?

    public init(id: String, time: String, bundleChecksum: String, bundleVersion: String, probability: Double,
                rawScore: Double, lane: String, selected: Bool? = nil, selectionProbability: Double? = nil,
                reasonCodes: [String] = [], rules: [String] = [], featureHash: String? = nil) {
        self.id = id
        self.time = time
        self.bundleChecksum = bundleChecksum
        self.bundleVersion = bundleVersion
        self.probability = probability
        self.rawScore = rawScore
        self.lane = lane
        self.selected = selected
        self.selectionProbability = selectionProbability
        self.reasonCodes = reasonCodes
        self.rules = rules
        self.featureHash = featureHash
    }
}

/// An append-only, hash-chained record of decisions: one JSON object per line, each carrying the
/// SHA-256 of the previous line (`previous`) and its own (`hash`, the digest of the line's text up
/// to `"hash"`), so that editing, inserting, deleting or reordering any line breaks the chain at
/// that line (`AuditLog.verify`). Deleting the last lines leaves a valid shorter chain: anchor the
/// latest hash elsewhere (a daily report, a timestamping service) to detect that too.
///
/// Line: `{"seq":N,"time":…,"id":…,"bundle_sha256":…,"bundle_version":…,"probability":…,
/// "raw_score":…,"lane":…,"selected":…,"selection_probability":…,"reasons":[…],"rules":[…],
/// "features_sha256":…,"previous":…,"hash":…}` (optional fields omitted when absent).
public struct AuditLog: Sendable {
    /// The `previous` of the first line.
    public static let genesis = String(repeating: "0", count: 64)

    /// The file.
    public let url: URL

    public init(url: URL) { self.url = url }

    /// Appends `records` as lines continuing the file's chain (creating the file when absent).
    /// The whole batch is written with one `write` at the end of the file; the existing lines are
    /// read first to continue the chain, and checked (an append never extends a broken chain).
    ///
    /// - Throws: `AuditError` when the existing file's chain is broken, `RiskDataError`/Foundation
    ///   errors when the file cannot be read or written.
    /// - Complexity: O(file size + records).
    @discardableResult
    public func append(_ records: [AuditRecord]) throws -> String {
        var (sequence, previous) = (0, Self.genesis)
        if FileManager.default.fileExists(atPath: url.path) {
            let state = try Self.verify(url)
            (sequence, previous) = (state.lines, state.lastHash)
        }
        var text = ""
        for record in records {
            sequence += 1
            let body = Self.body(record, sequence: sequence, previous: previous)
            previous = SHA256.hex(of: Array(body.utf8))
            text += body + ",\"hash\":\"\(previous)\"}\n"
        }
        let handle: FileHandle
        if FileManager.default.fileExists(atPath: url.path) {
            handle = try FileHandle(forWritingTo: url)
            try handle.seekToEnd()
        } else {
            guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
                throw AuditError("cannot create the audit log \(url.path).")
            }
            handle = try FileHandle(forWritingTo: url)
        }
        defer { try? handle.close() }
        try handle.write(contentsOf: Data(text.utf8))
        try handle.synchronize()
        return previous
    }

    /// The line's text before `,"hash":…}`: the hashed part.
    static func body(_ r: AuditRecord, sequence: Int, previous: String) -> String {
        var s = "{\"seq\":\(sequence),\"time\":\(quoted(r.time)),\"id\":\(quoted(r.id))"
        s += ",\"bundle_sha256\":\(quoted(r.bundleChecksum)),\"bundle_version\":\(quoted(r.bundleVersion))"
        s += ",\"probability\":\(number(r.probability)),\"raw_score\":\(number(r.rawScore)),\"lane\":\(quoted(r.lane))"
        if let selected = r.selected { s += ",\"selected\":\(selected)" }
        if let p = r.selectionProbability { s += ",\"selection_probability\":\(number(p))" }
        s += ",\"reasons\":[" + r.reasonCodes.map(quoted).joined(separator: ",") + "]"
        s += ",\"rules\":[" + r.rules.map(quoted).joined(separator: ",") + "]"
        if let hash = r.featureHash { s += ",\"features_sha256\":\(quoted(hash))" }
        return s + ",\"previous\":\"\(previous)\""
    }

    static func number(_ value: Double) -> String { value.isFinite ? "\(value)" : "null" }

    /// A JSON string literal.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                    + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// What a verified log holds.
    public struct Verification: Sendable, Hashable {
        /// Lines checked.
        public var lines: Int
        /// The last line's hash (the genesis value for an empty file): anchor it elsewhere.
        public var lastHash: String
    }

    /// Checks every line of the log at `url`: its own hash, its link to the previous line, and its
    /// sequence number.
    ///
    /// - Throws: `AuditError` naming the first bad line and what is wrong with it.
    /// - Complexity: O(file size).
    public static func verify(_ url: URL) throws -> Verification {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw AuditError("cannot read the audit log \(url.path): \(error.localizedDescription)")
        }
        let name = url.lastPathComponent
        var previous = genesis, count = 0
        let lines = data.split(separator: 0x0A, omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() {
            if line.isEmpty && index == lines.count - 1 { break }   // the final newline
            let number = index + 1
            let text = String(decoding: line, as: UTF8.self)
            let marker = ",\"hash\":\""
            guard text.hasSuffix("\"}"), let range = text.range(of: marker, options: .backwards) else {
                throw AuditError("\(name), line \(number): not an audit record (no \"hash\" at the end of the line).")
            }
            let body = String(text[..<range.lowerBound])
            let stored = String(text[range.upperBound...].dropLast(2))
            let computed = SHA256.hex(of: Array(body.utf8))
            guard stored == computed else {
                throw AuditError("\(name), line \(number): the line was changed — its hash is \(stored) but its text "
                                 + "hashes to \(computed).")
            }
            guard body.hasSuffix(",\"previous\":\"\(previous)\"") else {
                throw AuditError("\(name), line \(number): the chain is broken — this line does not follow line "
                                 + "\(number - 1) (a line was deleted, inserted or moved before it).")
            }
            guard body.hasPrefix("{\"seq\":\(count + 1),") else {
                throw AuditError("\(name), line \(number): sequence number is not \(count + 1).")
            }
            previous = computed
            count += 1
        }
        return Verification(lines: count, lastHash: previous)
    }
}

/// Why an audit log cannot be read, written or trusted: the file, the line and what is wrong.
public struct AuditError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

import CustomsRisk
import Foundation

/// The per-input checks of the fuzz targets. Each function returns normally for every input the
/// library handles correctly (a value or a thrown, typed error) and traps (`fatalError`) when an
/// oracle is violated, so libFuzzer records the input as a crash.
public enum Harnesses {
    // MARK: - Declaration reader

    /// Every role once, plus an ignored column: the schema the reader harness reads with.
    public static let readerSchema = DeclarationSchema(
        id: "id", date: "date", label: "y", revenue: "rev",
        fields: [
            .init(column: "hs", role: .hsCode), .init(column: "imp", role: .importer),
            .init(column: "dec", role: .declarant), .init(column: "org", role: .originCountry),
            .init(column: "dep", role: .departureCountry), .init(column: "off", role: .office),
            .init(column: "cif", role: .customsValue), .init(column: "fob", role: .fobValue),
            .init(column: "qty", role: .quantity), .init(column: "gw", role: .grossWeight),
            .init(column: "nw", role: .netWeight), .init(column: "tax", role: .taxes),
            .init(column: "aeo", role: .aeoFlag), .init(column: "ent", role: .entity),
            .init(column: "cat", role: .categorical), .init(column: "num", role: .numeric),
            .init(column: "note", role: .ignore),
        ])

    /// Chunk sizes the control byte picks from (tiny ones put a boundary inside every token).
    static let chunkSizes = [1, 2, 3, 5, 16, 64, 4_096, 1 << 20]

    /// Input: one control byte (bad-row policy, label requirement, chunk size, small limits), then CSV bytes.
    ///
    /// Oracles: the outcome (rows, rejects or error text) is the same at the chosen chunk size as in
    /// one chunk; a file that reads under `.fail` reads identically under `.skip` with no rejects;
    /// every column has one value per row; rejected and kept lines are disjoint and increasing.
    public static func declarationReader(_ input: [UInt8]) {
        guard let control = input.first else { return }
        let csv = Array(input.dropFirst())
        var options = DeclarationReadOptions()
        options.badRowPolicy = control & 1 == 0 ? .fail : .skip
        options.requireLabel = control & 2 == 0
        if control & 0x20 != 0 {
            options.maximumFieldLength = 32
            options.maximumColumnCount = 24
        }
        let chunkSize = chunkSizes[Int(control >> 2) & 7]
        let reference = readOutcome(csv, options: options, chunkSize: 1 << 20)
        let chunked = readOutcome(csv, options: options, chunkSize: chunkSize)
        guard reference == chunked else {
            fatalError("chunk size \(chunkSize) changed the outcome:\n\(reference)\nversus\n\(chunked)")
        }
        if options.badRowPolicy == .fail, !reference.hasPrefix("error") {
            var skip = options
            skip.badRowPolicy = .skip
            let skipped = readOutcome(csv, options: skip, chunkSize: chunkSize)
            guard skipped == reference else {
                fatalError("a file that reads under .fail reads differently under .skip:\n\(reference)\n\(skipped)")
            }
        }
    }

    /// A bit-exact text summary of a read (NaN-safe, unlike `==` on tables).
    static func readOutcome(_ csv: [UInt8], options: DeclarationReadOptions, chunkSize: Int) -> String {
        var options = options
        options.chunkSize = chunkSize
        let result: DeclarationReadResult
        do {
            result = try DeclarationReader.read(bytes: csv, source: "fuzz.csv", schema: readerSchema,
                                                options: options)
        } catch let error as DeclarationError {
            guard !error.message.isEmpty else { fatalError("an error with an empty message: \(error.code)") }
            return "error \(error.code): \(error.message)"
        } catch {
            fatalError("an error that is not a DeclarationError: \(error)")
        }
        let table = result.table
        let n = table.rowCount
        let lines = table.sourceLines ?? []
        guard table.ids.count == n, lines.count == n, table.dates.map({ $0.count == n }) ?? true,
              table.labels.map({ $0.count == n }) ?? true, table.revenue.map({ $0.count == n }) ?? true,
              table.numbers.values.allSatisfy({ $0.count == n }),
              table.text.values.allSatisfy({ column in
                  column.codes.count == n && column.codes.allSatisfy { $0 >= -1 && Int($0) < column.vocabulary.count }
              }) else {
            fatalError("a column does not have one value per row (or a code is out of range)")
        }
        let rejectedLines = result.rejected.map(\.line)
        guard zip(lines, lines.dropFirst()).allSatisfy({ $0 < $1 }),
              zip(rejectedLines, rejectedLines.dropFirst()).allSatisfy({ $0 < $1 }),
              Set(lines).isDisjoint(with: rejectedLines), rejectedLines.allSatisfy({ $0 >= 2 }) else {
            fatalError("kept lines \(lines) and rejected lines \(rejectedLines) overlap or are out of order")
        }
        if options.badRowPolicy == .fail, !result.rejected.isEmpty { fatalError("rejects under .fail") }
        var out = "rows \(n) ids \(table.ids) lines \(lines) dates \(String(describing: table.dates))"
        out += " labels \(table.labels?.map(\.bitPattern) ?? []) revenue \(table.revenue?.map(\.bitPattern) ?? [])"
        for key in table.numbers.keys.sorted() { out += " \(key) \(table.numbers[key]!.map(\.bitPattern))" }
        for key in table.text.keys.sorted() {
            out += " \(key) \(table.text[key]!.codes) \(table.text[key]!.vocabulary)"
        }
        for rejected in result.rejected {
            out += " rejected \(rejected.line) \(rejected.declarationID ?? "-") \(rejected.message)"
        }
        return out
    }

    // MARK: - Schema JSON

    /// Input: schema JSON. Oracles: a schema that loads writes JSON that loads back to the same
    /// schema; reading a one-row CSV with its columns never traps.
    public static func schema(_ input: [UInt8]) {
        let schema: DeclarationSchema
        do {
            schema = try DeclarationSchema(json: Data(input), source: "fuzz.schema.json")
        } catch let error as DeclarationError {
            guard error.code == .invalidSchema, !error.message.isEmpty else {
                fatalError("unexpected schema error \(error.code): \(error.message)")
            }
            return
        } catch {
            fatalError("an error that is not a DeclarationError: \(error)")
        }
        do {
            let again = try DeclarationSchema(json: try schema.jsonData(), source: "round trip")
            guard again == schema else { fatalError("the schema changed in a JSON round trip") }
        } catch {
            fatalError("a valid schema did not survive a JSON round trip: \(error)")
        }
        // One header and one row naming every column of the schema.
        var columns = [schema.id] + [schema.date, schema.label, schema.revenue].compactMap { $0 }
        columns += schema.fields.map(\.column)
        let quoted = columns.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        let csv = quoted.joined(separator: ",") + "\n" + columns.map { _ in "1" }.joined(separator: ",") + "\n"
        for policy in DeclarationReadOptions.BadRowPolicy.allCases {
            _ = try? DeclarationReader.read(bytes: Array(csv.utf8), source: "fuzz.csv", schema: schema,
                                            options: .init(badRowPolicy: policy))
        }
    }

    // MARK: - Model bundle

    /// Wraps `content` in a bundle envelope with a correct checksum.
    public static func seal(content: [UInt8]) -> Data {
        ModelBundle.seal(contentJSON: Data(content))
    }

    /// Declarations to score with every bundle that loads (CSV of the synthetic generator).
    static let scoringCSV: [UInt8] = SyntheticDeclarations(rowCount: 40, seed: 7).csvBytes()

    /// Input: bundle bytes. Decoded as given (envelope parsing, checksum) and, sealed with a correct
    /// checksum, as bundle content (decoding and validation). Oracles: loading either throws a
    /// `BundleError` with a message or gives a bundle that a `RiskScorer` accepts and that scores
    /// declarations to finite probabilities in 0...1 with finite raw scores.
    public static func bundle(_ input: [UInt8]) {
        for data in [Data(input), seal(content: input)] {
            let bundle: ModelBundle
            do {
                bundle = try ModelBundle.decode(data, source: "fuzz.json")
            } catch let error as BundleError {
                guard !error.message.isEmpty else { fatalError("a BundleError with an empty message") }
                continue
            } catch {
                fatalError("an error that is not a BundleError: \(error)")
            }
            score(bundle)
        }
    }

    static func score(_ bundle: ModelBundle) {
        let scorer: RiskScorer
        do {
            scorer = try RiskScorer(bundle: bundle)
        } catch {
            fatalError("a bundle that loaded was refused by RiskScorer: \(error)")
        }
        guard let read = try? DeclarationReader.read(bytes: scoringCSV, source: "score.csv", schema: bundle.schema,
                                                     options: .init(badRowPolicy: .skip, requireLabel: false)),
              read.table.rowCount > 0 else { return }
        let assessments: [RiskAssessment]
        do {
            assessments = try scorer.score(read.table, options: ScoringOptions(reasonCount: 3, threadCount: 1))
        } catch {
            return  // A typed error (e.g. a shape mismatch) is an acceptable outcome.
        }
        for a in assessments {
            guard a.probability.isFinite, (0...1).contains(a.probability), a.rawScore.isFinite else {
                fatalError("declaration \(a.id): probability \(a.probability), raw score \(a.rawScore)")
            }
        }
    }
}

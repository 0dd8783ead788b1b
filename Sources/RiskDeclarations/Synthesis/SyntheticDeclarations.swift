import Foundation
import RiskData

/// A seeded generator of realistic import declarations with planted, documented fraud.
///
/// The same `rowCount` and `seed` give byte-identical CSV on every platform. Mechanisms (see
/// Docs/SyntheticData.md for the measured rates):
/// - **undervaluation**: the declared value is 35–70 % of the true value, against a reference
///   unit price per HS line × origin (licit rows also vary ±30 %, and 4 % of licit rows carry
///   legitimate discounts, so value alone is not decisive);
/// - **misclassification** to the lowest-duty line of the same HS heading;
/// - **transshipped origin**: Chinese goods declared as Vietnamese, Malaysian or Thai
///   (preferential duty) and shipped from a hub (SG, HK, AE), so departure ≠ origin on those routes;
/// - **repeat offenders** (3 % of importers), **new traders** (first 90 days after their first
///   declaration), **AEO** importers (much less risky), and four **colluding declarants**.
/// Rows are in date order over 2025. `revenue` is the extra duty and VAT recovered (0 when licit).
public struct SyntheticDeclarations: Sendable, Hashable {
    /// Number of declarations.
    public var rowCount: Int
    /// Seed of every random choice.
    public var seed: UInt64
    /// From this day (days since 1970-01-01) a new fraud scheme runs (`riskctl synth --drift-from`):
    /// 12 % of the declarations come from twelve importers never seen before, declaring machinery
    /// (chapter 84, the lowest-risk chapter) of Turkish origin shipped through Dubai — a trader
    /// group, a chapter and a route that were clean before — and are far riskier (+3 on the
    /// log-odds). Rows before the day are byte-identical to a history without drift. nil: no drift.
    public var driftFrom: Int32?

    /// - Parameters:
    ///   - rowCount: Number of declarations (≥ 0).
    ///   - seed: Seed; the same seed gives the same bytes.
    ///   - driftFrom: The first day of the planted scheme (see ``driftFrom``), or nil.
    public init(rowCount: Int, seed: UInt64, driftFrom: Int32? = nil) {
        precondition(rowCount >= 0, "rowCount must be ≥ 0")
        self.rowCount = rowCount
        self.seed = seed
        self.driftFrom = driftFrom
    }

    /// The header, in column order.
    public static let columns: [String] = [
        "declaration_id", "date", "office", "declarant_id", "importer_id", "seller_id", "hs_code",
        "origin_country", "departure_country", "transport_mode", "customs_value", "fob_value", "quantity",
        "gross_weight", "net_weight", "taxes", "duty_rate", "aeo", "illicit", "revenue", "notes",
    ]

    /// The schema matching the generated CSV.
    public static var schema: DeclarationSchema {
        DeclarationSchema(id: "declaration_id", date: "date", label: "illicit", revenue: "revenue", fields: [
            .init(column: "office", role: .office),
            .init(column: "declarant_id", role: .declarant),
            .init(column: "importer_id", role: .importer),
            .init(column: "seller_id", role: .entity),
            .init(column: "hs_code", role: .hsCode),
            .init(column: "origin_country", role: .originCountry),
            .init(column: "departure_country", role: .departureCountry),
            .init(column: "transport_mode", role: .categorical),
            .init(column: "customs_value", role: .customsValue),
            .init(column: "fob_value", role: .fobValue),
            .init(column: "quantity", role: .quantity),
            .init(column: "gross_weight", role: .grossWeight),
            .init(column: "net_weight", role: .netWeight),
            .init(column: "taxes", role: .taxes),
            .init(column: "duty_rate", role: .numeric),
            .init(column: "aeo", role: .aeoFlag),
            .init(column: "notes", role: .ignore),
        ])
    }

    // MARK: - Output

    /// The whole CSV (header included) in memory.
    ///
    /// - Complexity: O(`rowCount`); about 150 bytes per row.
    public func csvBytes() -> [UInt8] {
        var all: [UInt8] = []
        all.reserveCapacity(rowCount * 160 + 256)
        generate { all.append(contentsOf: $0) }
        return all
    }

    /// The declarations read into a table (through `DeclarationReader`, as from a file).
    ///
    /// - Throws: Never in practice; `DeclarationError` if the generator and reader disagreed.
    public func table() throws -> DeclarationTable {
        try DeclarationReader.read(bytes: csvBytes(), source: "synthetic.csv", schema: Self.schema).table
    }

    /// Writes the CSV (in 1 MiB chunks) and, optionally, the schema, each atomically: a temporary
    /// file renamed into place when complete, so a kill or a full disk leaves the old files intact.
    ///
    /// - Parameters:
    ///   - url: The CSV destination.
    ///   - schemaURL: Where to write the matching schema JSON, if anywhere.
    ///   - overwrite: Replace existing files (default `true`).
    /// - Throws: `DeclarationError(.fileSystem)` when a file cannot be written; `RiskDataError`
    ///   `.fileExists` (without `overwrite`) or `.notRegularFile` (a link, FIFO or device), checked for
    ///   both files before anything is written.
    public func write(to url: URL, schemaURL: URL? = nil, overwrite: Bool = true) throws {
        if let schemaURL { try AtomicFile.checkDestination(schemaURL, overwrite: overwrite) }
        let writer = try ChunkedFileWriter(url: url, overwrite: overwrite)
        try generate { try writer.write($0) }
        try writer.commit()
        try schemaURL.map { try Self.schema.write(to: $0, overwrite: overwrite) }
    }

    // MARK: - World

    struct HSLine {
        var code: String
        var heading: Int          // index of the heading in `headings`
        var chapter: Int          // index into `chapters`
        var dutyRate: Double      // most-favoured-nation rate
        var referencePrice: Double  // per kg, before the origin factor
    }

    struct Chapter {
        var code: String
        var duty: Double
        var pricePerKilogram: Double
        var kilogramsPerUnit: Double
        var risk: Double
    }

    struct Country {
        var code: String
        var weight: Double
        var priceFactor: Double
        var preferential: Bool
    }

    struct Importer {
        var identifier: String
        var baseRisk: Double
        var isOffender: Bool
        var isAEO: Bool
        var firstDay: Int
        var chapters: [Int]
        var origins: [Int]
        var declarants: [Int]
        var sellers: [Int]
    }

    static let chapters: [Chapter] = [
        Chapter(code: "03", duty: 0.10, pricePerKilogram: 6, kilogramsPerUnit: 1, risk: 0.2),
        Chapter(code: "09", duty: 0.08, pricePerKilogram: 5, kilogramsPerUnit: 0.5, risk: 0.1),
        Chapter(code: "22", duty: 0.20, pricePerKilogram: 4, kilogramsPerUnit: 1, risk: 0.3),
        Chapter(code: "24", duty: 0.40, pricePerKilogram: 30, kilogramsPerUnit: 0.2, risk: 0.6),
        Chapter(code: "33", duty: 0.08, pricePerKilogram: 25, kilogramsPerUnit: 0.3, risk: 0.2),
        Chapter(code: "39", duty: 0.065, pricePerKilogram: 3, kilogramsPerUnit: 1, risk: -0.2),
        Chapter(code: "42", duty: 0.08, pricePerKilogram: 40, kilogramsPerUnit: 0.8, risk: 0.3),
        Chapter(code: "61", duty: 0.13, pricePerKilogram: 20, kilogramsPerUnit: 0.3, risk: 0.3),
        Chapter(code: "62", duty: 0.13, pricePerKilogram: 22, kilogramsPerUnit: 0.4, risk: 0.3),
        Chapter(code: "64", duty: 0.13, pricePerKilogram: 18, kilogramsPerUnit: 0.9, risk: 0.2),
        Chapter(code: "71", duty: 0.08, pricePerKilogram: 900, kilogramsPerUnit: 0.05, risk: 0.4),
        Chapter(code: "84", duty: 0.08, pricePerKilogram: 15, kilogramsPerUnit: 20, risk: -0.3),
        Chapter(code: "85", duty: 0.08, pricePerKilogram: 35, kilogramsPerUnit: 2, risk: 0.0),
        Chapter(code: "87", duty: 0.08, pricePerKilogram: 12, kilogramsPerUnit: 1200, risk: -0.1),
        Chapter(code: "94", duty: 0.08, pricePerKilogram: 6, kilogramsPerUnit: 15, risk: -0.2),
        Chapter(code: "95", duty: 0.08, pricePerKilogram: 9, kilogramsPerUnit: 0.6, risk: 0.1),
    ]

    static let countries: [Country] = [
        Country(code: "CN", weight: 30, priceFactor: 0.8, preferential: false),
        Country(code: "US", weight: 8, priceFactor: 1.3, preferential: true),
        Country(code: "JP", weight: 7, priceFactor: 1.3, preferential: false),
        Country(code: "DE", weight: 6, priceFactor: 1.4, preferential: false),
        Country(code: "VN", weight: 8, priceFactor: 0.75, preferential: true),
        Country(code: "TH", weight: 4, priceFactor: 0.8, preferential: true),
        Country(code: "MY", weight: 3, priceFactor: 0.85, preferential: true),
        Country(code: "ID", weight: 3, priceFactor: 0.75, preferential: true),
        Country(code: "IN", weight: 4, priceFactor: 0.7, preferential: false),
        Country(code: "IT", weight: 3, priceFactor: 1.5, preferential: false),
        Country(code: "FR", weight: 3, priceFactor: 1.5, preferential: false),
        Country(code: "GB", weight: 2, priceFactor: 1.3, preferential: false),
        Country(code: "MX", weight: 2, priceFactor: 0.9, preferential: false),
        Country(code: "TR", weight: 2, priceFactor: 0.85, preferential: false),
        Country(code: "BD", weight: 2, priceFactor: 0.6, preferential: false),
        Country(code: "AU", weight: 2, priceFactor: 1.2, preferential: true),
        Country(code: "CL", weight: 1.5, priceFactor: 1.0, preferential: true),
        Country(code: "NO", weight: 1, priceFactor: 1.3, preferential: false),
        Country(code: "BR", weight: 1.5, priceFactor: 0.9, preferential: false),
        Country(code: "TW", weight: 3, priceFactor: 1.0, preferential: false),
    ]

    static let hubs = ["SG", "HK", "AE", "NL", "BE"]
    static let transshipmentHubs = ["SG", "HK", "AE"]
    static let transshipmentOrigins = ["VN", "MY", "TH"]
    static let modes = ["SEA", "AIR", "ROAD", "POST"]
    static let modeWeights = [0.6, 0.3, 0.05, 0.05]
    static let officesByMode = [["OF01", "OF02", "OF03", "OF04"], ["OF05", "OF06", "OF07"], ["OF08", "OF09"],
                                ["OF10"]]
    static let notes = ["urgent", "sample, no commercial value", "partial shipment", "re-import after repair",
                        "goods marked \"fragile\"", "temperature controlled"]

    /// Duty rate of a line for an origin: preferential origins pay a fifth of the MFN rate.
    static func dutyRate(line: HSLine, origin: Country) -> Double {
        origin.preferential ? (line.dutyRate * 0.2 * 10_000).rounded() / 10_000 : line.dutyRate
    }

    /// Builds HS lines: 16 chapters × 3 headings × 4 lines; the lines of a heading differ in duty.
    static func makeLines(_ generator: inout SeededGenerator) -> (lines: [HSLine], headings: [[Int]]) {
        var lines: [HSLine] = []
        var headings: [[Int]] = []
        let dutyMultipliers = [1.6, 1.0, 0.5, 0.0]
        for (c, chapter) in chapters.enumerated() {
            var usedHeadings = Set<Int>()
            for _ in 0..<3 {
                var heading = 1 + generator.nextInt(below: 97)
                while usedHeadings.contains(heading) { heading = 1 + generator.nextInt(below: 97) }
                usedHeadings.insert(heading)
                var members: [Int] = []
                for l in 0..<4 {
                    var code = chapter.code
                    code += heading < 10 ? "0\(heading)" : "\(heading)"
                    code += String(10 + generator.nextInt(below: 90))
                    // Mostly 10-digit national lines; some 8- and 6-digit.
                    let kind = (heading + l) % 5
                    if kind != 0 { code += String(10 + generator.nextInt(below: 90)) }
                    if kind > 1 { code += String(10 + generator.nextInt(below: 90)) }
                    let duty = (chapter.duty * dutyMultipliers[(l + heading) % 4] * 10_000).rounded() / 10_000
                    let price = chapter.pricePerKilogram * _exp(0.5 * generator.nextGaussian())
                    members.append(lines.count)
                    lines.append(HSLine(code: code, heading: headings.count, chapter: c, dutyRate: duty,
                                        referencePrice: price))
                }
                headings.append(members)
            }
        }
        return (lines, headings)
    }

    // MARK: - Generation

    /// Generates the CSV and hands it to `sink` in chunks of about 1 MiB.
    package func generate(_ sink: (UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
        var generator = SeededGenerator(seed: seed)
        let (lines, headings) = Self.makeLines(&generator)
        let countries = Self.countries
        let countryTotal = countries.reduce(0) { $0 + $1.weight }
        func pickCountry(_ g: inout SeededGenerator) -> Int {
            var u = g.nextUnit() * countryTotal
            for (k, country) in countries.enumerated() {
                u -= country.weight
                if u < 0 { return k }
            }
            return countries.count - 1
        }
        let countryIndex = Dictionary(uniqueKeysWithValues: countries.enumerated().map { ($1.code, $0) })

        let importerCount = min(20_000, max(60, rowCount / 40))
        let declarantCount = min(1_500, max(20, rowCount / 400))
        let sellerCount = min(40_000, max(80, rowCount / 25))
        let colluding = Set((0..<4).map { $0 * 7 + 3 }.filter { $0 < declarantCount })

        var importers: [Importer] = []
        importers.reserveCapacity(importerCount)
        for k in 0..<importerCount {
            let isNew = k >= 20 && generator.nextUnit() < 0.15
            let firstDay = isNew ? generator.nextInt(below: 330) : 0
            let isAEO = generator.nextUnit() < (k < importerCount / 10 ? 0.3 : 0.06)
            let isOffender = !isAEO && generator.nextUnit() < 0.03
            let chapterCount = 1 + generator.nextInt(below: 3)
            importers.append(Importer(
                identifier: "IM" + String(100_000 + (k &* 7_919) % 900_000),
                baseRisk: 0.6 * generator.nextGaussian(),
                isOffender: isOffender, isAEO: isAEO, firstDay: firstDay,
                chapters: (0..<chapterCount).map { _ in generator.nextInt(below: Self.chapters.count) },
                origins: (0..<2).map { _ in pickCountry(&generator) },
                declarants: (0..<(1 + generator.nextInt(below: 2))).map { _ in generator.nextInt(below: declarantCount) },
                sellers: (0..<(1 + generator.nextInt(below: 4))).map { _ in generator.nextInt(below: sellerCount) }))
        }
        // Zipf-like activity: importer k has weight 1 / (k + 1)^0.8.
        var cumulative = [Double](repeating: 0, count: importerCount)
        var total = 0.0
        for k in 0..<importerCount {
            total += 1 / _pow(Double(k + 1), 0.8)
            cumulative[k] = total
        }

        var out = ByteWriter(capacity: (1 << 20) + 4_096)
        for (k, column) in Self.columns.enumerated() {
            if k > 0 { out.comma() }
            out.text(column)
        }
        out.newline()

        let start = ValueParsers.daysFromCivil(year: 2025, month: 1, day: 1)
        // The planted scheme draws from its own generator, so rows before it keep their bytes.
        let driftDay = driftFrom.map { Int($0) - start }
        var drift = SeededGenerator(seed: seed ^ 0xD81F_7000_0000_0001)
        let schemeImporters = (0..<12).map { k in
            Importer(identifier: "IMN" + String(90_000 + k * 37), baseRisk: 0, isOffender: false, isAEO: false,
                     firstDay: driftDay ?? 0, chapters: [Self.chapters.firstIndex { $0.code == "84" }!],
                     origins: [countryIndex["TR"]!, countryIndex["TR"]!],
                     declarants: [k % declarantCount], sellers: [(k * 13) % sellerCount])
        }
        for row in 0..<rowCount {
            let day = rowCount > 0 ? row * 365 / rowCount : 0
            let isScheme = driftDay.map { day >= $0 && drift.nextUnit() < 0.12 } ?? false
            // Importer, active on `day`.
            var importerIndex = 0
            for _ in 0..<8 {
                let u = generator.nextUnit() * total
                var low = 0, high = importerCount - 1
                while low < high {
                    let mid = (low + high) / 2
                    if cumulative[mid] > u { high = mid } else { low = mid + 1 }
                }
                if importers[low].firstDay <= day {
                    importerIndex = low
                    break
                }
            }
            let importer = isScheme ? schemeImporters[drift.nextInt(below: schemeImporters.count)] : importers[importerIndex]
            let declarant = generator.nextUnit() < 0.85
                ? importer.declarants[generator.nextInt(below: importer.declarants.count)]
                : generator.nextInt(below: declarantCount)
            let seller = generator.nextUnit() < 0.8
                ? importer.sellers[generator.nextInt(below: importer.sellers.count)]
                : generator.nextInt(below: sellerCount)
            var chapter = generator.nextUnit() < 0.75
                ? importer.chapters[generator.nextInt(below: importer.chapters.count)]
                : generator.nextInt(below: Self.chapters.count)
            if isScheme { chapter = importer.chapters[0] }
            let heading = chapter * 3 + generator.nextInt(below: 3)
            let trueLine = headings[heading][generator.nextInt(below: 4)]
            var origin = generator.nextUnit() < 0.6
                ? importer.origins[generator.nextInt(below: 2)]
                : pickCountry(&generator)
            if isScheme { origin = importer.origins[0] }
            let modeDraw = generator.nextUnit()
            let mode = modeDraw < 0.6 ? 0 : modeDraw < 0.9 ? 1 : modeDraw < 0.95 ? 2 : 3
            let offices = Self.officesByMode[mode]
            let office = offices[generator.nextInt(below: offices.count)]

            // Risk: importer history, newness, AEO, declarant, goods.
            var logit = -3.6 + importer.baseRisk + Self.chapters[chapter].risk + 0.3 * generator.nextGaussian()
            if importer.isOffender { logit += 2.4 }
            if importer.firstDay > 0 && day - importer.firstDay < 90 { logit += 1.4 }
            if importer.isAEO { logit -= 2.2 }
            if colluding.contains(declarant) { logit += 1.7 }
            if isScheme { logit += 3.0 - Self.chapters[chapter].risk }
            let illicit = generator.nextUnit() < 1 / (1 + _exp(-logit))

            let netWeight = _exp(_log(Self.chapters[chapter].kilogramsPerUnit * 40) + 1.1 * generator.nextGaussian())
            let quantity = max(1, Int((netWeight / Self.chapters[chapter].kilogramsPerUnit
                                          * _exp(0.2 * generator.nextGaussian())).rounded()))
            var declaredLine = trueLine
            var declaredOrigin = origin
            var departure = generator.nextUnit() < 0.82
                ? countries[origin].code
                : Self.hubs[generator.nextInt(below: Self.hubs.count)]
            if isScheme { departure = "AE" }
            var valueFactor = generator.nextUnit() < 0.04 ? 0.5 + 0.3 * generator.nextUnit() : 1.0  // discounts

            if illicit {
                let lowest = headings[heading].min { lines[$0].dutyRate < lines[$1].dutyRate }!
                let mechanism = generator.nextUnit()
                if mechanism < 0.25 && lines[lowest].dutyRate < lines[trueLine].dutyRate {
                    declaredLine = lowest
                } else if mechanism < 0.5 && lines[trueLine].dutyRate > 0 {
                    origin = countryIndex["CN"]!
                    declaredOrigin = countryIndex[Self.transshipmentOrigins[generator.nextInt(below: 3)]]!
                    departure = Self.transshipmentHubs[generator.nextInt(below: 3)]
                } else {
                    valueFactor = 0.35 + 0.35 * generator.nextUnit()
                }
            }
            let trueValue = netWeight * lines[trueLine].referencePrice * countries[origin].priceFactor
                * _exp(0.3 * generator.nextGaussian())
            let declaredValue = (trueValue * valueFactor * 100).rounded() / 100
            let trueDuty = Self.dutyRate(line: lines[trueLine], origin: countries[origin])
            let declaredDuty = Self.dutyRate(line: lines[declaredLine], origin: countries[declaredOrigin])
            let taxes = declaredValue * (declaredDuty + 0.10)
            let revenue = illicit ? max(0.01, trueValue * (trueDuty + 0.10) - taxes) : 0
            let fob = declaredValue * (0.86 + 0.09 * generator.nextUnit())
            let grossWeight = netWeight * (1.03 + 0.22 * generator.nextUnit())
            let netMissing = generator.nextUnit() < 0.07
            let noteDraw = generator.nextUnit()

            out.text("D2025")
            out.integer(row + 1, width: 8)
            out.comma()
            let civil = ValueParsers.civilFromDays(start + day)
            out.integer(civil.year, width: 4); out.byte(0x2D)
            out.integer(civil.month, width: 2); out.byte(0x2D)
            out.integer(civil.day, width: 2); out.comma()
            out.text(office); out.comma()
            out.text("DC"); out.integer(declarant, width: 4); out.comma()
            out.text(importer.identifier); out.comma()
            out.text("SL"); out.integer(seller, width: 5); out.comma()
            out.text(lines[declaredLine].code); out.comma()
            out.text(countries[declaredOrigin].code); out.comma()
            out.text(departure); out.comma()
            out.text(Self.modes[mode]); out.comma()
            out.fixed(declaredValue, decimals: 2); out.comma()
            out.fixed(fob, decimals: 2); out.comma()
            out.integer(quantity); out.comma()
            out.fixed(grossWeight, decimals: 1); out.comma()
            if !netMissing { out.fixed(netWeight, decimals: 1) }
            out.comma()
            out.fixed(taxes, decimals: 2); out.comma()
            out.fixed(declaredDuty, decimals: 4); out.comma()
            out.byte(importer.isAEO ? 0x59 : 0x4E); out.comma()
            out.byte(illicit ? 0x31 : 0x30); out.comma()
            out.fixed(revenue, decimals: 2); out.comma()
            if noteDraw < 0.06 { out.field(Self.notes[Int(noteDraw / 0.01)]) }
            out.newline()

            if out.count >= 1 << 20 {
                try out.bytes.withUnsafeBufferPointer { try sink($0) }
                out.removeAll()
            }
        }
        if out.count > 0 { try out.bytes.withUnsafeBufferPointer { try sink($0) } }
    }
}

#if canImport(Glibc)
import Glibc
@inline(__always) private func _exp(_ x: Double) -> Double { Glibc.exp(x) }
@inline(__always) private func _log(_ x: Double) -> Double { Glibc.log(x) }
@inline(__always) private func _pow(_ x: Double, _ y: Double) -> Double { Glibc.pow(x, y) }
#else
@inline(__always) private func _exp(_ x: Double) -> Double { Foundation.exp(x) }
@inline(__always) private func _log(_ x: Double) -> Double { Foundation.log(x) }
@inline(__always) private func _pow(_ x: Double, _ y: Double) -> Double { Foundation.pow(x, y) }
#endif

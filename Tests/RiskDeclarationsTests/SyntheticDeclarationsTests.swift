import Foundation
import RiskData
@testable import RiskDeclarations
import Testing

/// Rank AUC with average ranks for ties: P(score of a positive > score of a negative) + ½ P(tie).
func rankAUC(scores: [Double], labels: [Bool]) -> Double {
    let order = scores.indices.sorted { scores[$0] < scores[$1] }
    var ranks = [Double](repeating: 0, count: scores.count)
    var i = 0
    while i < order.count {
        var j = i
        while j + 1 < order.count && scores[order[j + 1]] == scores[order[i]] { j += 1 }
        let average = Double(i + j) / 2 + 1
        for k in i...j { ranks[order[k]] = average }
        i = j + 1
    }
    let positives = labels.filter { $0 }.count
    let negatives = labels.count - positives
    let rankSum = zip(ranks, labels).filter(\.1).reduce(0) { $0 + $1.0 }
    return (rankSum - Double(positives * (positives + 1)) / 2) / Double(positives * negatives)
}

/// The pairwise definition: the oracle for `rankAUC`.
func pairwiseAUC(scores: [Double], labels: [Bool]) -> Double {
    var wins = 0.0, pairs = 0.0
    for p in scores.indices where labels[p] {
        for n in scores.indices where !labels[n] {
            pairs += 1
            wins += scores[p] > scores[n] ? 1 : scores[p] == scores[n] ? 0.5 : 0
        }
    }
    return wins / pairs
}

@Suite("SyntheticDeclarations")
struct SyntheticDeclarationsTests {
    @Test(arguments: [0, 1, 1_000], [1, 42] as [UInt64])
    func sameSeedSameBytes(rowCount: Int, seed: UInt64) {
        let first = SyntheticDeclarations(rowCount: rowCount, seed: seed).csvBytes()
        let second = SyntheticDeclarations(rowCount: rowCount, seed: seed).csvBytes()
        #expect(first == second, "seed \(seed)")
        if rowCount > 0 {
            #expect(first != SyntheticDeclarations(rowCount: rowCount, seed: seed + 1).csvBytes(), "seed \(seed)")
        }
        let lines = first.split(separator: 0x0A, omittingEmptySubsequences: false)
        #expect(String(decoding: lines[0], as: UTF8.self) == SyntheticDeclarations.columns.joined(separator: ","))
    }

    @Test func rankAUCMatchesPairwiseDefinition() {
        var generator = SeededGenerator(seed: 5)
        for _ in 0..<20 {
            let n = 2 + generator.nextInt(below: 60)
            var labels = (0..<n).map { _ in generator.nextUnit() < 0.3 }
            labels[0] = true
            labels[1] = false
            let scores = (0..<n).map { _ in Double(generator.nextInt(below: 8)) }
            #expect(abs(rankAUC(scores: scores, labels: labels) - pairwiseAUC(scores: scores, labels: labels)) < 1e-12)
        }
    }

    /// 20,000 rows per seed: rates stated in Docs/SyntheticData.md, with margins for sampling noise.
    @Test(arguments: [1, 7, 42] as [UInt64])
    func ratesAndMechanisms(seed: UInt64) throws {
        let table = try SyntheticDeclarations(rowCount: 20_000, seed: seed).table()
        #expect(table.rowCount == 20_000)
        #expect(SyntheticDeclarations.columns.count >= 18)
        let labels = try #require(table.labels)
        let illicit = labels.map { $0 == 1 }
        let rate = Double(illicit.filter { $0 }.count) / Double(table.rowCount)
        #expect(rate >= 0.02 && rate <= 0.06, "seed \(seed): illicit rate \(rate)")
        let revenue = try #require(table.revenue)
        #expect(zip(revenue, illicit).allSatisfy { $1 ? $0 > 0 : $0 == 0 }, "seed \(seed)")
        let net = try #require(table.numbers["net_weight"])
        let missing = Double(net.filter(\.isNaN).count) / Double(table.rowCount)
        #expect(missing > 0.04 && missing < 0.10, "seed \(seed): net weight missing \(missing)")
        let hs = try #require(table.text["hs_code"])
        #expect(hs.vocabulary.allSatisfy { (6...10).contains($0.count) && $0.allSatisfy(\.isASCII) })
        #expect(hs.vocabulary.contains { $0.hasPrefix("03") } && hs.vocabulary.contains { $0.hasPrefix("09") })
        let dates = try #require(table.dates)
        let first = Int32(ValueParsers.daysFromCivil(year: 2025, month: 1, day: 1))
        #expect(dates.allSatisfy { $0 != nil && $0! >= first && $0! < first + 365 })

        // AEO importers are much less risky.
        let aeo = try #require(table.numbers["aeo"])
        func illicitRate(where predicate: (Int) -> Bool) -> Double {
            let rows = (0..<table.rowCount).filter(predicate)
            return Double(rows.filter { illicit[$0] }.count) / Double(max(rows.count, 1))
        }
        #expect(illicitRate { aeo[$0] == 1 } * 3 < illicitRate { aeo[$0] == 0 }, "seed \(seed)")
        // Transshipment: departure ≠ origin is more frequent among illicit rows.
        let origin = try #require(table.text["origin_country"])
        let departure = try #require(table.text["departure_country"])
        let differs = (0..<table.rowCount).map { origin[$0] != departure[$0] }
        #expect(illicitRate { differs[$0] } > illicitRate { !differs[$0] }, "seed \(seed)")
    }

    /// No single raw column gives the label away: numeric columns ranked as they are (both
    /// directions), text columns by an out-of-fold illicit rate (fit on even rows, scored on odd).
    @Test(arguments: [3, 11] as [UInt64])
    func noSingleColumnGivesTheLabelAway(seed: UInt64) throws {
        let table = try SyntheticDeclarations(rowCount: 20_000, seed: seed).table()
        let illicit = table.labels!.map { $0 == 1 }
        var aucs: [String: Double] = [:]
        for (column, values) in table.numbers {
            let scores = values.map { $0.isNaN ? -Double.infinity : $0 }
            let auc = rankAUC(scores: scores, labels: illicit)
            aucs[column] = max(auc, 1 - auc)
        }
        let odd = stride(from: 1, to: table.rowCount, by: 2).map { $0 }
        let prior = Double(illicit.filter { $0 }.count) / Double(illicit.count)
        for (column, text) in table.text {
            var sums = [Double](repeating: 0, count: text.vocabulary.count + 1)
            var counts = [Double](repeating: 0, count: text.vocabulary.count + 1)
            for row in stride(from: 0, to: table.rowCount, by: 2) {
                let code = Int(text.codes[row]) + 1
                sums[code] += illicit[row] ? 1 : 0
                counts[code] += 1
            }
            let scores = odd.map { row -> Double in
                let code = Int(text.codes[row]) + 1
                return (sums[code] + 10 * prior) / (counts[code] + 10)
            }
            let auc = rankAUC(scores: scores, labels: odd.map { illicit[$0] })
            aucs[column] = max(auc, 1 - auc)
        }
        #expect(aucs.count >= 15)
        for (column, auc) in aucs { #expect(auc < 0.8, "seed \(seed): \(column) alone has AUC \(auc)") }
        // Yet the data is not noise: the importer carries signal.
        #expect(aucs["importer_id"]! > 0.6, "seed \(seed)")
    }

    @Test func writesCSVAndSchemaFiles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("synth-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let generator = SyntheticDeclarations(rowCount: 9_000, seed: 9)  // > 1 MiB: several chunks
        let csv = directory.appendingPathComponent("s.csv")
        let schema = directory.appendingPathComponent("s.schema.json")
        try generator.write(to: csv, schemaURL: schema)
        #expect(try Array(Data(contentsOf: csv)) == generator.csvBytes())
        #expect(try DeclarationSchema.load(contentsOf: schema) == SyntheticDeclarations.schema)
    }
}

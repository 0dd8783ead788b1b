import Foundation
import RiskData
import RiskDeclarations
import Testing
@testable import RiskFeatures

@Suite struct UnitValueReferenceTests {
    /// `count` rows of one HS code and origin at `pricePerKilogram` × (1 + small spread).
    static func rows(hs: String, origin: String, count: Int, pricePerKilogram: Double, from start: Int)
        -> [DeclarationFactory.Row] {
        (0..<count).map { i in
            var row = DeclarationFactory.Row(id: "\(hs)-\(origin)-\(start + i)", date: Int32(19_000 + start + i))
            row.label = (start + i) % 10 == 0 ? 1 : 0
            row.text = ["hs_code": hs, "origin": origin, "departure": origin, "importer_id": "IMP\(i % 3)"]
            let kilograms = 100.0
            row.numbers = ["cif_value": kilograms * pricePerKilogram * (1 + 0.01 * Double(i % 5)),
                           "quantity": 4, "net_kg": kilograms]
            return row
        }
    }

    static let configuration = FeaturePipelineConfiguration(minimumReferenceGroupRows: 10)

    /// With a minimum of 10 rows: 610910 × VN (12 rows) is used as is; 870323 × DE (8) backs off to HS6 870323 (12);
    /// 870399 (4) backs off to HS4 8703 (16); 620342 (3; HS4 6203 has 3) to HS2 62 (12); an unknown
    /// chapter to all goods.
    static let training: [DeclarationFactory.Row] =
        rows(hs: "87032310", origin: "CN", count: 4, pricePerKilogram: 10, from: 0)
        + rows(hs: "87032310", origin: "DE", count: 8, pricePerKilogram: 20, from: 100)
        + rows(hs: "87039900", origin: "DE", count: 4, pricePerKilogram: 30, from: 200)
        + rows(hs: "87040000", origin: "US", count: 3, pricePerKilogram: 40, from: 300)
        + rows(hs: "61091000", origin: "VN", count: 12, pricePerKilogram: 5, from: 400)
        + rows(hs: "62034200", origin: "VN", count: 3, pricePerKilogram: 8, from: 500)
        + rows(hs: "62019000", origin: "CN", count: 9, pricePerKilogram: 6, from: 600)

    static func naiveReference(hs: String, origin: String, minimum: Int) -> (level: ReferenceLevel, median: Double) {
        let digits = hs
        func logs(_ keep: (DeclarationFactory.Row) -> Bool) -> [Double] {
            training.filter(keep).map { log($0.numbers["cif_value"]! / $0.numbers["net_kg"]!) }
        }
        let candidates: [(ReferenceLevel, [Double])] = [
            (.hs6Origin, logs { $0.text["hs_code"]!.prefix(6) == digits.prefix(6) && $0.text["origin"] == origin }),
            (.hs6, logs { $0.text["hs_code"]!.prefix(6) == digits.prefix(6) }),
            (.hs4, logs { $0.text["hs_code"]!.prefix(4) == digits.prefix(4) }),
            (.hs2, logs { $0.text["hs_code"]!.prefix(2) == digits.prefix(2) }),
            (.global, logs { _ in true }),
        ]
        let chosen = candidates.first { $0.1.count >= minimum || $0.0 == .global }!
        return (chosen.0, naiveMedian(chosen.1))
    }

    @Test(arguments: [("87032310", "DE"), ("87032310", "CN"), ("87039900", "DE"), ("87040000", "US"),
                      ("61091000", "VN"), ("62034200", "VN"), ("62034200", "CN"), ("99999999", "ZZ")])
    func backOffMatchesTheNaiveDefinition(hs: String, origin: String) throws {
        let fit = try FeaturePipeline(configuration: Self.configuration).fit(DeclarationFactory.table(Self.training))
        var row = DeclarationFactory.Row(id: "probe", date: 19_600)
        row.text = ["hs_code": hs, "origin": origin, "departure": origin]
        row.numbers = ["cif_value": 700, "quantity": 4, "net_kg": 100]
        let table = DeclarationFactory.table([row], withLabels: false)
        let trees = try fit.pipeline.transform(table, for: .trees)
        let names = trees.schema.names
        let expected = Self.naiveReference(hs: hs, origin: origin, minimum: 10)
        #expect(trees[0, names.firstIndex(of: "unit_value_reference_level")!] == Float(expected.level.rawValue))
        // Both sides compute log(7) − median in Double; only the Float store rounds.
        #expect(trees[0, names.firstIndex(of: "unit_value_log_ratio")!] == Float(log(7.0) - expected.median))
        var facts = ReasonFacts(pipeline: fit.pipeline, table: table)
        #expect(facts.facts(for: .unitValue, row: 0).unitValue?.level == expected.level)
    }

    @Test func expectedLevelsOfTheHandBuiltGroups() {
        #expect(Self.naiveReference(hs: "61091000", origin: "VN", minimum: 10).level == .hs6Origin)
        #expect(Self.naiveReference(hs: "87032310", origin: "DE", minimum: 10).level == .hs6)
        #expect(Self.naiveReference(hs: "87039900", origin: "DE", minimum: 10).level == .hs4)
        #expect(Self.naiveReference(hs: "62034200", origin: "VN", minimum: 10).level == .hs2)
        #expect(Self.naiveReference(hs: "99999999", origin: "ZZ", minimum: 10).level == .global)
    }

    @Test(arguments: [40, 80] as [Int], [171, 172] as [UInt64])
    func robustZUsesTheScaledMedianAbsoluteDeviation(minimumRows: Int, seed: UInt64) throws {
        let (table, _) = DeclarationFactory.synthetic(rowCount: 1_500, seed: seed)
        let fit = try FeaturePipeline(configuration: .init(minimumReferenceGroupRows: minimumRows)).fit(table)
        let names = fit.treesMatrix.schema.names
        let ratio = names.firstIndex(of: "unit_value_log_ratio")!, z = names.firstIndex(of: "unit_value_robust_z")!
        let level = names.firstIndex(of: "unit_value_reference_level")!
        // Recompute the HS6-level statistic of the most frequent HS6 naively.
        let hs = table.text["hs_code"]!, value = table.numbers["cif_value"]!, net = table.numbers["net_kg"]!
        let gross = table.numbers["gross_kg"]!
        func perKilogram(_ r: Int) -> Double { value[r] / (net[r] > 0 ? net[r] : gross[r]) }
        var frequency: [String: Int] = [:]
        for r in 0..<table.rowCount { frequency[hs[r]!, default: 0] += 1 }
        let target = frequency.keys.max { (frequency[$0]!, $1) < (frequency[$1]!, $0) }!
        let group = (0..<table.rowCount).filter { hs[$0] == target }
        let logs = group.map { log(perKilogram($0)) }
        let median = naiveMedian(logs)
        let scale = max(1.4826 * naiveMedian(logs.map { abs($0 - median) }), 0.05)
        var checked = 0
        for r in group where fit.treesMatrix[r, level] == Float(ReferenceLevel.hs6.rawValue) {
            checked += 1
            #expect(fit.treesMatrix[r, ratio] == Float(log(perKilogram(r)) - median))
            // z is a Double quotient stored as Float: one Float rounding, relative 1e-5 is ample.
            let expected = Float((log(perKilogram(r)) - median) / scale)
            #expect(abs(fit.treesMatrix[r, z] - expected) <= 1e-5 * max(1, abs(expected)))
        }
        #expect(checked > 0)
    }
}

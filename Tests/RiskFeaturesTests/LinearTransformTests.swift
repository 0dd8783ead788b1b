import Foundation
import RiskData
import Testing
@testable import RiskFeatures

/// The linear view of risk profiles is the standardised log-odds of the trees rate; other columns
/// keep sign·log1p or identity. Checked against a naive recomputation from the trees matrix.
@Suite struct LinearTransformTests {
    /// Naive oracle: logit of the clamped rate, missing → median of the present logits,
    /// standardised with the mean and population sd of the imputed column, clipped to ±10.
    static func naiveLogOddsColumn(_ rates: [Float]) -> [Double] {
        func logit(_ p: Double) -> Double {
            let q = min(max(p, 1e-6), 1 - 1e-6)
            return log(q / (1 - q))
        }
        let present = rates.filter { !$0.isNaN }.map { logit(Double($0)) }.sorted()
        let median = present.isEmpty ? 0
            : present.count % 2 == 1 ? present[present.count / 2]
            : (present[present.count / 2 - 1] + present[present.count / 2]) / 2
        let imputed = rates.map { $0.isNaN ? median : logit(Double($0)) }
        let mean = imputed.reduce(0, +) / Double(imputed.count)
        let sd = (imputed.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(imputed.count)).squareRoot()
        let scale = sd > 1e-12 ? sd : 1
        return imputed.map { min(max(($0 - mean) / scale, -10), 10) }
    }

    @Test(arguments: [(ProfileMode.kFold, 300, 31), (.kFold, 2_000, 32), (.timeOrdered, 2_000, 33)]
          as [(ProfileMode, Int, UInt64)])
    func profileRatesEnterTheLinearViewAsStandardisedLogOdds(mode: ProfileMode, rowCount: Int, seed: UInt64) throws {
        let (table, _) = DeclarationFactory.synthetic(rowCount: rowCount, seed: seed)
        let fit = try FeaturePipeline(configuration: .init(profileMode: mode)).fit(table)
        let trees = fit.pipeline.schema(for: .trees).names
        let linear = fit.pipeline.schema(for: .linear).names
        let rateColumns = trees.filter { $0.hasSuffix("_illicit_rate") }
        #expect(rateColumns.count >= 8)
        for name in rateColumns {
            let source = try #require(trees.firstIndex(of: name))
            let target = try #require(linear.firstIndex(of: name))
            let rates = (0..<fit.treesMatrix.rowCount).map { fit.treesMatrix[$0, source] }
            let expected = Self.naiveLogOddsColumn(rates)
            for row in 0..<rates.count {
                // Float storage of the trees rate and of the result: 1e-4 absolute on values within ±10.
                #expect(abs(Double(fit.linearMatrix[row, target]) - expected[row]) < 1e-4,
                        "\(name) row \(row)")
            }
        }
    }

    @Test func logOddsIsClampedAndKeepsMissing() {
        #expect(Numerics.logOdds(.nan).isNaN)
        #expect(Numerics.logOdds(0.5) == 0)
        #expect(Numerics.logOdds(0) == Numerics.logOdds(1e-6))
        #expect(abs(Numerics.logOdds(1) + Numerics.logOdds(0)) < 1e-9)  // symmetric clamp, ≈ ±13.8
        #expect(abs(Numerics.logOdds(0.2) - log(0.25)) < 1e-12)
    }

    /// Each family chooses how its columns enter the linear view: log-odds for profile rates,
    /// sign·log1p for money, mass and counts, identity for the rest, one-hot levels for HS2 and
    /// `categorical` columns and nothing for the other codes.
    @Test(arguments: [34, 35] as [UInt64])
    func familiesChooseTheLinearTransformOfTheirColumns(seed: UInt64) throws {
        let (table, _) = DeclarationFactory.synthetic(rowCount: 400, seed: seed)
        let pipeline = try FeaturePipeline().fit(table).pipeline
        let trees = pipeline.schema(for: .trees).names, linear = pipeline.schema(for: .linear).names
        func transform(of name: String) throws -> String {
            let source = try #require(trees.firstIndex(of: name))
            let plan = try #require(linear.firstIndex(of: name).map { pipeline.linearPlan[$0] }, "\(name)")
            switch plan {
            case .standardizedLogOdds(source, _, _, _): return "logOdds"
            case .standardized(source, let logarithm, _, _, _): return logarithm ? "signedLogarithm" : "identity"
            default: return "\(plan)"
            }
        }
        let expected = [
            "importer_illicit_rate": "logOdds", "hs6_illicit_rate": "logOdds", "route_illicit_rate": "logOdds",
            "importer_declaration_count": "signedLogarithm", "importer_mean_revenue": "signedLogarithm",
            "declared_value": "signedLogarithm", "value_per_kg": "signedLogarithm", "tax_ratio": "signedLogarithm",
            "trader_tenure_days": "signedLogarithm", "unit_value_log_ratio": "identity",
            "unit_value_reference_level": "identity", "route_differs": "identity", "month": "identity",
            "aeo": "identity", "duty_rate": "identity",
        ]
        for (name, wanted) in expected { #expect(try transform(of: name) == wanted, "\(name)") }
        for code in ["hs2_code", "hs6_code", "origin_code", "transport_mode_code"] {
            #expect(trees.contains(code) && !linear.contains(code), "\(code)")
        }
        #expect(linear.contains { $0.hasPrefix("hs2=") } && linear.contains { $0.hasPrefix("transport_mode=") })
        #expect(!linear.contains { $0.hasPrefix("hs6=") || $0.hasPrefix("origin=") })
    }
}

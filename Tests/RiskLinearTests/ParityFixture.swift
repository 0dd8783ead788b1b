import Foundation
import RiskData

/// `Fixtures/logistic_parity.json`, written by Tests/Fixtures/Generators/make_logistic_fixtures.py.
struct ParityFixture: Decodable {
    struct Case: Decodable {
        var name: String
        var data: String
        var solver: String
        var l2Regularization: Double
        var l1Regularization: Double
        var standardize: Bool
        var sampleWeights: Bool
        var positiveClassWeight: Double
        var intercept: Double
        var coefficients: [Double]
        var probabilities: [Double]
    }
    var rows: Int
    var columns: Int
    var labels: [Float]
    var sampleWeights: [Float]
    var features: [String: [Float]]
    var cases: [Case]

    static let shared: ParityFixture = {
        let url = Bundle.module.url(forResource: "logistic_parity", withExtension: "json", subdirectory: "Fixtures")!
        return try! JSONDecoder().decode(ParityFixture.self, from: Data(contentsOf: url))
    }()

    func dataset(for fixtureCase: Case) throws -> Dataset {
        let matrix = try FeatureMatrix(rowCount: rows, schema: .numeric(count: columns),
                                       values: features[fixtureCase.data]!)
        return try Dataset(features: matrix, labels: labels, weights: fixtureCase.sampleWeights ? sampleWeights : nil)
    }

    static var caseNames: [String] { shared.cases.map(\.name) }
    func named(_ name: String) -> Case { cases.first { $0.name == name }! }
}

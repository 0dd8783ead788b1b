import Foundation
import RiskData
import Testing
@testable import RiskTrees

/// Monotone constraints (issue 15): whatever the growth policy, sweeping a constrained feature over
/// its range never moves the prediction the wrong way, on data whose true effect is not monotone.
@Suite struct MonotoneConstraintTests {
    /// x0 with a wavy effect (sin), x1 increasing, x2 a 4-level categorical code; 10 % of x0 missing.
    static func data(rowCount: Int, seed: UInt64) throws -> Dataset {
        var g = SeededGenerator(seed: seed)
        var x0: [Float] = [], x1: [Float] = [], x2: [Float] = [], labels: [Float] = []
        for _ in 0..<rowCount {
            let a = g.nextUnit(), b = g.nextUnit(), c = g.nextInt(below: 4)
            let logit = 3 * sin(7 * a) + 2 * b - 1 + (c == 2 ? 1 : 0)
            labels.append(g.nextUnit() < 1 / (1 + exp(-logit)) ? 1 : 0)
            x0.append(g.nextUnit() < 0.1 ? .nan : Float(a))
            x1.append(Float(b))
            x2.append(Float(c))
        }
        let schema = FeatureSchema(columns: [FeatureColumn(name: "x0"), FeatureColumn(name: "x1"),
                                             FeatureColumn(name: "x2", kind: .categorical(levelCount: 4))])
        return try Dataset(features: FeatureMatrix(rowCount: rowCount, schema: schema, values: x0 + x1 + x2),
                           labels: labels)
    }

    static func configuration(_ policy: GrowthPolicy, seed: UInt64) -> BoostedTreesConfiguration {
        var c = BoostedTreesConfiguration()
        c.growthPolicy = policy
        c.iterationCount = 40
        c.learningRate = 0.3
        c.maximumLeafCount = 15
        c.maximumDepth = policy == .leafWise ? nil : 4
        c.minimumSamplesPerLeaf = 10
        c.minimumSamplesPerCategory = 10
        c.earlyStoppingRounds = nil
        c.randomSeed = seed
        c.threadCount = 2
        return c
    }

    /// The largest step against `direction` when x0 sweeps 241 values over [−0.1, 1.1] (every bin
    /// edge region) with the other features of 40 rows held; 0 when the model is monotone.
    static func worstViolation(_ model: BoostedTreesModel, data: Dataset, direction: Double) throws -> Double {
        let grid = (0...240).map { Float(-0.1 + 1.2 * Double($0) / 240) }
        var values: [Float] = []
        let rows = Array(0..<40)
        values += rows.flatMap { _ in grid }
        values += rows.flatMap { r in Array(repeating: data.features[r, 1], count: grid.count) }
        values += rows.flatMap { r in Array(repeating: data.features[r, 2], count: grid.count) }
        let sweep = try FeatureMatrix(rowCount: rows.count * grid.count, schema: data.features.schema, values: values)
        let scores = try model.rawScores(sweep, threadCount: 1)
        var worst = 0.0
        for r in rows {
            for k in 1..<grid.count {
                let step = (scores[r * grid.count + k] - scores[r * grid.count + k - 1]) * direction
                worst = max(worst, -step)
            }
        }
        return worst
    }

    @Test(arguments: [GrowthPolicy.leafWise, .depthWise, .symmetric], [1, 2] as [UInt64])
    func sweepNeverMovesTheWrongWay(policy: GrowthPolicy, seed: UInt64) throws {
        let data = try Self.data(rowCount: 3_000, seed: seed)
        let free = try BoostedTrees(configuration: Self.configuration(policy, seed: seed)).fit(data).model
        // The effect of x0 is wavy: unconstrained trees follow it both ways.
        #expect(try Self.worstViolation(free, data: data, direction: 1) > 0.05)
        #expect(try Self.worstViolation(free, data: data, direction: -1) > 0.05)
        for direction in [1, -1] {
            var configuration = Self.configuration(policy, seed: seed)
            configuration.monotoneConstraints = ["x0": direction]
            let model = try BoostedTrees(configuration: configuration).fit(data).model
            #expect(try Self.worstViolation(model, data: data, direction: Double(direction)) == 0,
                    "\(policy), seed \(seed), direction \(direction)")
            #expect(model.trees.contains { tree in tree.splitFeature.contains(0) }, "x0 is still used")
        }
    }

    @Test func unconstrainedNamesChangeNothing() throws {
        let data = try Self.data(rowCount: 1_000, seed: 3)
        var configuration = Self.configuration(.leafWise, seed: 3)
        let plain = try BoostedTrees(configuration: configuration).fit(data).model
        configuration.monotoneConstraints = ["x1": 0]
        #expect(try BoostedTrees(configuration: configuration).fit(data).model == plain)
    }

    @Test func badConstraintsAreClearErrors() throws {
        let data = try Self.data(rowCount: 200, seed: 4)
        func message(_ constraints: [String: Int]) -> String? {
            var configuration = Self.configuration(.leafWise, seed: 4)
            configuration.monotoneConstraints = constraints
            do { _ = try BoostedTrees(configuration: configuration).fit(data) } catch let error as RiskTreesError {
                return error.message
            } catch { return "\(error)" }
            return nil
        }
        #expect(message(["x9": 1]) == "monotone constraint names feature \"x9\", which the data do not have. "
                + "Numeric features: x0, x1.")
        #expect(message(["x2": -1]) == "monotone constraint names feature \"x2\", which is categorical: its codes "
                + "have no order. Constrain a numeric feature.")
        #expect(message(["x0": 2]) == "monotone constraint of feature \"x0\" is 2; expected 1 (increasing), -1 "
                + "(decreasing) or 0 (free).")
    }
}

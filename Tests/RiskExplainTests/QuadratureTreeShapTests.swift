import Foundation
import RiskData
import RiskTestSupport
import Testing
@testable import RiskExplain
@testable import RiskTrees

/// The quadrature algorithm against its two oracles: the path recursion (the previous algorithm,
/// forced with `allowQuadrature: false`) and brute-force subset enumeration (in TreeExplainerTests,
/// which now runs the automatically chosen quadrature).
@Suite("TreeExplainer quadrature algorithm")
struct QuadratureTreeShapTests {
    /// An n-point Gauss–Legendre rule integrates t^k exactly on [0, 1] for k ≤ 2n − 1 (1/(k + 1));
    /// the nodes lie strictly inside (0, 1). Tolerance 1e-14: a few ulps of rounding per node.
    @Test(arguments: [1, 2, 4, 8, 16])
    func gaussLegendreIsExactForPolynomials(count: Int) {
        let rule = GaussLegendre.rule(count: count)
        #expect(rule.nodes.allSatisfy { $0 > 0 && $0 < 1 })
        for k in 0...(2 * count - 1) {
            var integral = 0.0
            for i in 0..<count { integral += rule.weights[i] * pow(rule.nodes[i], Double(k)) }
            #expect(abs(integral - 1 / Double(k + 1)) <= 1e-14, "n = \(count), t^\(k): \(integral)")
        }
        // One degree too many is not integrated exactly (the rule is not trivially "exact"); the
        // error shrinks like 1/((2n)!)², so it is visible in Double only for small n.
        if count <= 4 {
            var beyond = 0.0
            for i in 0..<count { beyond += rule.weights[i] * pow(rule.nodes[i], Double(2 * count)) }
            #expect(abs(beyond - 1 / Double(2 * count + 1)) > 1e-6)
        }
    }

    /// Same contributions as the path recursion on random ensembles with NaN, both missing
    /// directions, one- and two-word category bitsets, repeated features, zero-cover leaves and
    /// covers that do not add up. Both are exact up to rounding (~1e-15 relative per product); the
    /// quadrature re-associates the sums, so 1e-11 of Σ|φ| + |base| is allowed. An algorithmic
    /// slip (a wrong weight or a missed repeated feature) is of order 1e-2 or larger.
    @Test(arguments: [2, 4, 7, 11], [3, 19, 2_027] as [UInt64])
    func matchesPathRecursion(maximumDepth: Int, seed: UInt64) throws {
        for (featureCount, zeroCover, consistent) in [(20, false, true), (6, true, true), (9, false, false), (3, true, false)] {
            let model = RandomTrees.model(featureCount: featureCount, treeCount: 6, maximumDepth: maximumDepth,
                                          seed: seed &* 31 &+ UInt64(featureCount), zeroCoverLeaves: zeroCover,
                                          consistentCovers: consistent)
            let fast = try TreeExplainer(model: model)
            let reference = try TreeExplainer(model: model, allowQuadrature: false, allowTables: false)
            #expect(reference.algorithm == .pathRecursion)
            guard case .quadrature = fast.algorithm else {
                Issue.record("seed \(seed): expected the quadrature algorithm, got \(fast.algorithm)")
                continue
            }
            var generator = SeededGenerator(seed: seed ^ 0x5EED)
            for _ in 0..<60 {
                let row = RandomTrees.row(schema: model.featureSchema, generator: &generator)
                let a = fast.explain(row), b = reference.explain(row)
                let scale = b.contributions.reduce(abs(b.baseValue)) { $0 + abs($1) }
                #expect(a.baseValue == b.baseValue && a.rawScore == b.rawScore)
                for j in 0..<featureCount {
                    #expect(closeScaled(a.contributions[j], b.contributions[j], tolerance: 1e-11, scale: scale),
                            "seed \(seed) depth \(maximumDepth) features \(featureCount) feature \(j)")
                }
            }
        }
    }

    /// The lane count follows the most distinct features on a path: ≤ 4 → 2, ≤ 8 → 4, ≤ 16 → 8,
    /// ≤ 32 → 16, more → the path recursion. A "caterpillar" (each node splits on a new feature,
    /// its left child a leaf) of `distinct` features has exactly `distinct` on its deepest path;
    /// its contributions match the path recursion at every lane count, including 16 lanes.
    @Test(arguments: [(1, 2), (4, 2), (5, 4), (8, 4), (9, 8), (16, 8), (17, 16), (32, 16), (33, 0)])
    func laneCountFollowsDistinctFeatures(distinct: Int, lanes: Int) throws {
        let featureCount = 34
        let model = try BoostedTreesModel(trees: [Self.caterpillar(distinct: distinct, repeatFirst: false),
                                              Self.caterpillar(distinct: min(distinct, 3), repeatFirst: true)],
                                      baseScore: 0.25, objective: .logistic,
                                      featureSchema: .numeric(count: featureCount))
        let fast = try TreeExplainer(model: model)
        #expect(fast.algorithm == (lanes == 0 ? .pathRecursion : .quadrature(laneCount: lanes)))
        let reference = try TreeExplainer(model: model, allowQuadrature: false, allowTables: false)
        var generator = SeededGenerator(seed: UInt64(distinct))
        for _ in 0..<40 {
            let row = (0..<featureCount).map { _ in
                generator.nextUnit() < 0.1 ? Float.nan : Float(generator.nextGaussian())
            }
            let a = fast.explain(row), b = reference.explain(row)
            let scale = b.contributions.reduce(abs(b.baseValue)) { $0 + abs($1) }
            for j in 0..<featureCount {
                #expect(closeScaled(a.contributions[j], b.contributions[j], tolerance: 1e-11, scale: scale),
                        "distinct \(distinct) feature \(j)")
            }
        }
    }

    /// The batch with the quadrature algorithm is bit-identical for every thread count and equals
    /// the one-row API; at depth 11 on 20 features the plan uses 8 lanes.
    @Test(arguments: [1, 64, 300], [77] as [UInt64])
    func batchMatchesSingleRowsAtEveryThreadCount(rowCount: Int, seed: UInt64) throws {
        let model = RandomTrees.model(featureCount: 20, treeCount: 8, maximumDepth: 11, seed: seed)
        let explainer = try TreeExplainer(model: model)
        #expect(explainer.algorithm != .pathRecursion)
        var generator = SeededGenerator(seed: seed)
        let rows = (0..<rowCount).map { _ in RandomTrees.row(schema: model.featureSchema, generator: &generator) }
        let matrix = try FeatureMatrix(rows: rows, schema: model.featureSchema)
        let serial = try explainer.contributions(for: matrix, threadCount: 1)
        for threads in [2, 5] {
            #expect(try explainer.contributions(for: matrix, threadCount: threads) == serial, "threads \(threads)")
        }
        for (r, row) in rows.enumerated() {
            #expect(serial.explanation(row: r) == explainer.explain(row), "row \(r)")
        }
    }

    /// A chain whose node k splits on feature k (or, with `repeatFirst`, alternately on feature 0
    /// and k) at threshold 0 with missing values going left every other level; left children are
    /// leaves, covers halve-ish down the chain.
    static func caterpillar(distinct: Int, repeatFirst: Bool) -> RegressionTree {
        var left: [Int32] = [], right: [Int32] = [], feature: [Int32] = [], value: [Double] = [], cover: [Double] = []
        var missingLeft: [Bool] = []
        let splits = repeatFirst ? 2 * distinct : distinct
        for k in 0..<splits {
            let node = left.count
            left.append(Int32(node + 1)); right.append(Int32(node + 2))
            feature.append(Int32(repeatFirst ? (k % 2 == 0 ? 0 : k / 2 + 1) : k))
            value.append(0); cover.append(0); missingLeft.append(k % 2 == 0)
            // The left leaf.
            left.append(-1); right.append(-1); feature.append(-1)
            value.append(Double(k % 5) - 1.7 + 0.1 * Double(k)); cover.append(1 + Double(k % 3)); missingLeft.append(false)
        }
        left.append(-1); right.append(-1); feature.append(-1); value.append(2.5); cover.append(1.5); missingLeft.append(false)
        // Covers of internal nodes: the sum of their children, from the bottom up.
        for node in stride(from: left.count - 1, through: 0, by: -1) where left[node] >= 0 {
            cover[node] = cover[Int(left[node])] + cover[Int(right[node])]
        }
        let n = left.count
        return try! RegressionTree(leftChild: left, rightChild: right, splitFeature: feature,
                              threshold: [Float](repeating: 0, count: n), binThreshold: [UInt8](repeating: 0, count: n),
                              missingGoesLeft: missingLeft, categoryStart: [Int32](repeating: 0, count: n),
                              categoryWordCount: [Int32](repeating: 0, count: n), categoryWords: [],
                              value: value, cover: cover, gain: [Double](repeating: 0, count: n))
    }
}

import RiskData
import RiskTestSupport
import Testing
@testable import RiskTrees

@Suite("Split finder")
struct SplitFinderTests {
    /// Gain of sending `isLeft` rows left, computed row by row.
    static func bruteGain(_ parts: TreeTestData.BinnedMatrixParts, feature: Int, rows: [Int], lambda: Double,
                          minimumCount: Int, minimumHessian: Double, isLeft: (UInt8) -> Bool) -> Double? {
        var gl = 0.0, hl = 0.0, cl = 0, g = 0.0, h = 0.0
        for row in rows {
            let gradient = Double(parts.gradients[row]), hessian = Double(parts.hessians[row])
            g += gradient
            h += hessian
            if isLeft(parts.bins[feature * parts.rowCount + row]) {
                gl += gradient
                hl += hessian
                cl += 1
            }
        }
        let cr = rows.count - cl, gr = g - gl, hr = h - hl
        guard cl >= minimumCount, cr >= minimumCount, hl >= minimumHessian, hr >= minimumHessian else { return nil }
        return gl * gl / (hl + lambda) + gr * gr / (hr + lambda) - g * g / (h + lambda)
    }

    static func finder(lambda: Double, minimumCount: Int) -> SplitFinder {
        var configuration = BoostedTreesConfiguration()
        configuration.l2Regularization = lambda
        configuration.minimumSamplesPerLeaf = minimumCount
        configuration.minimumChildWeight = 0.5
        configuration.minimumSplitGain = 0
        configuration.categoricalSmoothing = 0
        configuration.minimumSamplesPerCategory = 1
        configuration.maximumCategoriesPerSplit = 255
        return SplitFinder(configuration: configuration)
    }

    @Test("numeric split equals an exhaustive search over thresholds and missing directions",
          arguments: [30, 200, 1_000], [5, 9, 23] as [UInt64])
    func numericMatchesExhaustive(rowCount: Int, seed: UInt64) {
        let valueBins = 12
        let parts = TreeTestData.randomBins(rowCount: rowCount, featureCount: 1, valueBins: valueBins, seed: seed)
        let rows = Array(0..<rowCount)
        let lambda = 1.0, minimumCount = 3
        let finder = Self.finder(lambda: lambda, minimumCount: minimumCount)
        let histogram = TreeTestData.kernelHistogram(parts, feature: 0, rows: rows)
        let totals = NodeTotals(gradient: rows.reduce(0) { $0 + Double(parts.gradients[$1]) },
                                hessian: rows.reduce(0) { $0 + Double(parts.hessians[$1]) }, count: rowCount)
        let mapper = FeatureBinMapper(upperBounds: (0..<(valueBins - 1)).map { Float($0) + 0.5 })
        let found = histogram.withUnsafeBufferPointer {
            finder.bestSplit(feature: 0, mapper: mapper, histogram: $0.baseAddress!, totals: totals)
        }
        var best = -Double.infinity
        for threshold in 0..<valueBins {
            for missingLeft in [false, true] {
                let gain = Self.bruteGain(parts, feature: 0, rows: rows, lambda: lambda, minimumCount: minimumCount,
                                          minimumHessian: 0.5) { bin in
                    bin == FeatureBinMapper.missingBin ? missingLeft : Int(bin) <= threshold
                }
                if let gain { best = max(best, gain) }
            }
        }
        #expect(found.isValid == (best > 0))
        guard found.isValid else { return }
        // The finder accumulates per-bin sums, the oracle per-row sums: equal to rounding.
        #expect(isClose(found.gain, best, relative: 1e-9, absolute: 1e-9))
        let recomputed = Self.bruteGain(parts, feature: 0, rows: rows, lambda: lambda, minimumCount: minimumCount,
                                        minimumHessian: 0.5) { found.goesLeft(bin: $0) }
        #expect(recomputed.map { isClose($0, found.gain, relative: 1e-9, absolute: 1e-9) } == true)
        #expect(found.left.count + found.right.count == rowCount)
    }

    @Test("categorical split equals an exhaustive search over category subsets (λ = 0, no smoothing)",
          arguments: [60, 400], [2, 13, 31] as [UInt64])
    func categoricalMatchesExhaustive(rowCount: Int, seed: UInt64) {
        let categories = 6
        // No missing values: they are pinned to the right, which would break the prefix optimality below.
        let parts = TreeTestData.randomBins(rowCount: rowCount, featureCount: 1, valueBins: categories, seed: seed,
                                            missingRate: 0)
        let rows = Array(0..<rowCount)
        let finder = Self.finder(lambda: 0, minimumCount: 1)
        let histogram = TreeTestData.kernelHistogram(parts, feature: 0, rows: rows)
        let totals = NodeTotals(gradient: rows.reduce(0) { $0 + Double(parts.gradients[$1]) },
                                hessian: rows.reduce(0) { $0 + Double(parts.hessians[$1]) }, count: rowCount)
        let mapper = FeatureBinMapper(categoryCount: categories)
        let found = histogram.withUnsafeBufferPointer {
            finder.bestSplit(feature: 0, mapper: mapper, histogram: $0.baseAddress!, totals: totals)
        }
        // Candidates: the 6 categories (missing values always go right); every non-trivial subset.
        let candidates: [UInt8] = Array(0..<UInt8(categories))
        var best = -Double.infinity
        for mask in 1..<(1 << candidates.count) {
            let left = Set(candidates.indices.filter { mask >> $0 & 1 == 1 }.map { candidates[$0] })
            if let gain = Self.bruteGain(parts, feature: 0, rows: rows, lambda: 0, minimumCount: 1,
                                         minimumHessian: 0.5, isLeft: { left.contains($0) }) {
                best = max(best, gain)
            }
        }
        // Ordering by Σg/Σh makes the best subset a prefix of the order (Fisher 1958), which the
        // two-ended scan covers: the optimum must be found.
        #expect(found.isCategorical)
        #expect(!found.missingGoesLeft)
        #expect(isClose(found.gain, best, relative: 1e-9, absolute: 1e-9))
    }

    @Test("no split when every threshold breaks minimumSamplesPerLeaf")
    func respectsMinimumSamples() {
        let parts = TreeTestData.randomBins(rowCount: 10, featureCount: 1, valueBins: 4, seed: 3)
        let rows = Array(0..<10)
        let finder = Self.finder(lambda: 1, minimumCount: 6)
        let histogram = TreeTestData.kernelHistogram(parts, feature: 0, rows: rows)
        let totals = NodeTotals(gradient: 1, hessian: 5, count: 10)
        let found = histogram.withUnsafeBufferPointer {
            finder.bestSplit(feature: 0, mapper: FeatureBinMapper(upperBounds: [0.5, 1.5, 2.5]),
                             histogram: $0.baseAddress!, totals: totals)
        }
        #expect(!found.isValid)
    }
}


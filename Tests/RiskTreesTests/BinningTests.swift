import RiskData
import Testing
@testable import RiskTrees

@Suite("Binning")
struct BinningTests {
    @Test("bin(x) <= b exactly when x <= threshold(afterBin: b)",
          arguments: [(10, 255, 1 as UInt64), (5_000, 255, 2), (5_000, 16, 3), (20_000, 63, 4)])
    func binsAgreeWithThresholds(rowCount: Int, binCount: Int, seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        // Heavy ties (rounded values), a spike at 0, and NaN.
        let sample: [Float] = (0..<rowCount).map { i in
            if i % 10 == 0 { return .nan }
            if i % 7 == 0 { return 0 }
            return Float((generator.nextGaussian() * 100).rounded()) / 10
        }
        let mapper = FeatureBinMapper.numeric(sample: sample, binCount: binCount)
        #expect(mapper.valueBinCount <= binCount)
        #expect(zip(mapper.upperBounds, mapper.upperBounds.dropFirst()).allSatisfy { $0 < $1 })
        let probes = sample + [-.infinity, -1e30, 1e30, Float.greatestFiniteMagnitude]
        for x in probes {
            let bin = mapper.bin(x)
            if x.isNaN { #expect(bin == FeatureBinMapper.missingBin); continue }
            #expect(Int(bin) < mapper.valueBinCount)
            for b in 0..<(mapper.valueBinCount - 1) {
                #expect((Int(bin) <= b) == (x <= mapper.threshold(afterBin: b)))
            }
        }
    }

    @Test("few distinct values each get their own bin")
    func distinctValues() {
        let mapper = FeatureBinMapper.numeric(sample: [3, 1, 2, 2, .nan, 1, 3], binCount: 255)
        #expect(mapper.upperBounds == [1.5, 2.5])
        #expect([1, 2, 3, 0, 100].map { mapper.bin($0) } == [0, 1, 2, 0, 2])
        #expect(FeatureBinMapper.numeric(sample: [4, 4, .nan], binCount: 255).valueBinCount == 1)
    }

    @Test("categorical codes map to their own bins; others share the 'other' bin")
    func categoricalBins() {
        let small = FeatureBinMapper(categoryCount: 5)
        #expect([0, 4, 5, -1, 2.7, .nan].map { small.bin($0) } == [0, 4, 5, 5, 2, 255])
        let large = FeatureBinMapper(categoryCount: 1_000)
        #expect(large.ownCategoryCount == 254)
        #expect([253, 254, 999].map { large.bin($0) } == [253, 254, 254])
    }

    @Test("binned matrix equals per-value binning for every thread count", arguments: [1, 2, 3])
    func binnedMatrix(threads: Int) throws {
        let data = SyntheticClassificationLike.make(rowCount: 300, seed: 12)
        let mappers = makeBinMappers(for: data, binCount: 20, sampleCount: 100, seed: 5, threadCount: threads)
        let binned = BinnedMatrix(data, mappers: mappers, threadCount: threads)
        for feature in 0..<data.columnCount {
            for row in 0..<data.rowCount {
                #expect(binned[row, feature] == mappers[feature].bin(data[row, feature]))
            }
        }
        #expect(mappers == makeBinMappers(for: data, binCount: 20, sampleCount: 100, seed: 5, threadCount: 1))
    }
}

enum SyntheticClassificationLike {
    static func make(rowCount: Int, seed: UInt64) -> FeatureMatrix {
        var generator = SeededGenerator(seed: seed)
        let schema = FeatureSchema(columns: [FeatureColumn(name: "x"), FeatureColumn(name: "y"),
                                             FeatureColumn(name: "code", kind: .categorical(levelCount: 4))])
        var values = [Float](repeating: 0, count: rowCount * 3)
        for r in 0..<rowCount {
            values[r] = generator.nextUnit() < 0.1 ? .nan : Float(generator.nextGaussian())
            values[rowCount + r] = Float(generator.nextInt(below: 7))
            values[2 * rowCount + r] = Float(generator.nextInt(below: 5))
        }
        return try! FeatureMatrix(rowCount: rowCount, schema: schema, values: values)
    }
}

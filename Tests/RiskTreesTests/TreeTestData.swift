import Foundation
import RiskData
@testable import RiskTrees

/// Small seeded data and naive oracles shared by the RiskTrees tests.
enum TreeTestData {
    /// Random bins (column-major, `featureCount` columns) with a fraction `missingRate` in the missing bin.
    static func randomBins(rowCount: Int, featureCount: Int, valueBins: Int, seed: UInt64,
                           missingRate: Double = 0.1) -> BinnedMatrixParts {
        var generator = SeededGenerator(seed: seed)
        var bins = [UInt8](repeating: 0, count: rowCount * featureCount)
        for i in bins.indices {
            bins[i] = generator.nextUnit() < missingRate
                ? FeatureBinMapper.missingBin : UInt8(generator.nextInt(below: valueBins))
        }
        let gradients = (0..<rowCount).map { _ in Float(generator.nextGaussian()) }
        let hessians = (0..<rowCount).map { _ in Float(0.05 + generator.nextUnit()) }
        return BinnedMatrixParts(rowCount: rowCount, featureCount: featureCount, bins: bins, gradients: gradients,
                                 hessians: hessians)
    }

    struct BinnedMatrixParts {
        var rowCount: Int
        var featureCount: Int
        var bins: [UInt8]
        var gradients: [Float]
        var hessians: [Float]
    }

    /// Naive histogram of `feature` over `rows`, summing in the order of `rows`.
    static func naiveHistogram(_ parts: BinnedMatrixParts, feature: Int, rows: [Int]) -> [HistogramBin] {
        var histogram = [HistogramBin](repeating: .zero, count: 256)
        for row in rows {
            let b = Int(parts.bins[feature * parts.rowCount + row])
            histogram[b].gradient += Double(parts.gradients[row])
            histogram[b].hessian += Double(parts.hessians[row])
            histogram[b].count += 1
        }
        return histogram
    }

    /// Builds with the production kernel (ordered gradients gathered from `rows`).
    static func kernelHistogram(_ parts: BinnedMatrixParts, feature: Int, rows: [Int]) -> [HistogramBin] {
        let rows32 = rows.map { UInt32($0) }
        let orderedGradients = rows.map { parts.gradients[$0] }
        let orderedHessians = rows.map { parts.hessians[$0] }
        var histogram = [HistogramBin](repeating: HistogramBin(gradient: 9, hessian: 9, count: 9), count: 256)
        histogram.withUnsafeMutableBufferPointer { h in
            parts.bins.withUnsafeBufferPointer { bins in
                rows32.withUnsafeBufferPointer { r in
                    orderedGradients.withUnsafeBufferPointer { g in
                        orderedHessians.withUnsafeBufferPointer { hs in
                            HistogramKernels.build(histogram: h.baseAddress!,
                                                   column: bins.baseAddress! + feature * parts.rowCount,
                                                   rows: r.baseAddress ?? UnsafePointer(bitPattern: 8)!,
                                                   count: rows.count,
                                                   orderedGradients: g.baseAddress ?? UnsafePointer(bitPattern: 8)!,
                                                   orderedHessians: hs.baseAddress ?? UnsafePointer(bitPattern: 8)!)
                        }
                    }
                }
            }
        }
        return histogram
    }

    /// Reads one of the committed parity CSVs: features (empty cell = NaN), labels, optional extra column.
    static func loadParityCSV(_ name: String) throws -> (dataset: Dataset, extra: [Double]) {
        guard let url = Bundle.module.url(forResource: name, withExtension: "csv", subdirectory: "Fixtures") else {
            throw RiskTreesError(.invalidData, "fixture \(name).csv is missing")
        }
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let featureCount = 10
        var rows: [[Float]] = [], labels: [Float] = [], extra: [Double] = []
        for line in lines.dropFirst() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            rows.append((0..<featureCount).map { cells[$0].isEmpty ? .nan : Float(String(cells[$0]))! })
            labels.append(Float(String(cells[featureCount]))!)
            if header.count > featureCount + 1 { extra.append(Double(String(cells[featureCount + 1]))!) }
        }
        var columns = (0..<9).map { FeatureColumn(name: "f\($0)") }
        columns.append(FeatureColumn(name: "f9", kind: .categorical(levelCount: 8)))
        let matrix = try FeatureMatrix(rows: rows, schema: FeatureSchema(columns: columns))
        return (try Dataset(features: matrix, labels: labels), extra)
    }

    /// A configuration for small tests: no subsampling, no early stopping, `threadCount` threads.
    static func smallConfiguration(iterations: Int = 10, leaves: Int = 8,
                                   threads: Int = 1) -> BoostedTreesConfiguration {
        var configuration = BoostedTreesConfiguration()
        configuration.iterationCount = iterations
        configuration.learningRate = 0.1
        configuration.maximumLeafCount = leaves
        configuration.minimumSamplesPerLeaf = 5
        configuration.minimumSamplesPerCategory = 5
        configuration.rowSubsample = 1
        configuration.columnSubsample = 1
        configuration.earlyStoppingRounds = nil
        configuration.threadCount = threads
        return configuration
    }
}

/// Pearson correlation.
func pearson(_ a: [Double], _ b: [Double]) -> Double {
    let n = Double(a.count)
    let meanA = a.reduce(0, +) / n, meanB = b.reduce(0, +) / n
    var covariance = 0.0, varianceA = 0.0, varianceB = 0.0
    for i in a.indices {
        covariance += (a[i] - meanA) * (b[i] - meanB)
        varianceA += (a[i] - meanA) * (a[i] - meanA)
        varianceB += (b[i] - meanB) * (b[i] - meanB)
    }
    return covariance / (varianceA * varianceB).squareRoot()
}

extension TreeTestData {
    /// Four rows, one feature, both classes.
    static func tinyDataset() -> Dataset {
        let matrix = try! FeatureMatrix(rowCount: 4, schema: .numeric(count: 1), values: [1, 2, 3, 4])
        return try! Dataset(features: matrix, labels: [0, 1, 0, 1])
    }
}

/// A tree's arrays, to edit in a test and make a (validated) tree of again: trees are immutable
/// and validate when made.
struct TreeArrays {
    var leftChild, rightChild, splitFeature: [Int32]
    var threshold: [Float]
    var binThreshold: [UInt8]
    var missingGoesLeft: [Bool]
    var categoryStart, categoryWordCount: [Int32]
    var categoryWords: [UInt64]
    var value, cover, gain: [Double]

    init(_ tree: RegressionTree) {
        (leftChild, rightChild, splitFeature) = (tree.leftChild, tree.rightChild, tree.splitFeature)
        (threshold, binThreshold, missingGoesLeft) = (tree.threshold, tree.binThreshold, tree.missingGoesLeft)
        (categoryStart, categoryWordCount, categoryWords) = (tree.categoryStart, tree.categoryWordCount,
                                                             tree.categoryWords)
        (value, cover, gain) = (tree.value, tree.cover, tree.gain)
    }

    func tree(limits: ModelLimits = .standard) throws -> RegressionTree {
        try RegressionTree(leftChild: leftChild, rightChild: rightChild, splitFeature: splitFeature,
                           threshold: threshold, binThreshold: binThreshold, missingGoesLeft: missingGoesLeft,
                           categoryStart: categoryStart, categoryWordCount: categoryWordCount,
                           categoryWords: categoryWords, value: value, cover: cover, gain: gain, limits: limits)
    }
}

extension RegressionTree {
    /// The readable routing rule (the test oracle of `CompiledForest`): a missing value goes the
    /// learned direction, a numeric value left when `x <= threshold`, a categorical code left when
    /// its bit is set (codes outside the bitset go right).
    func goesLeft(_ node: Int, _ x: Float) -> Bool {
        if x.isNaN { return missingGoesLeft[node] }
        if categoryWordCount[node] == 0 { return x <= threshold[node] }
        guard x >= 0, x < Float(categoryWordCount[node]) * 64 else { return false }
        let code = Int(x)
        return (categoryWords[Int(categoryStart[node]) + code / 64] >> UInt64(code % 64)) & 1 == 1
    }

    /// The readable walk from the root to the row's leaf (the oracle of the compiled walks).
    func predict(_ row: [Float]) -> Double {
        var node = 0
        while leftChild[node] >= 0 {
            node = Int(goesLeft(node, row[Int(splitFeature[node])]) ? leftChild[node] : rightChild[node])
        }
        return value[node]
    }
}

extension BoostedTreesModel {
    /// The oracle raw score: `baseScore` plus each tree's readable walk, in tree order.
    func oracleRawScore(_ row: [Float]) -> Double {
        trees.reduce(baseScore) { $0 + $1.predict(row) }
    }
}

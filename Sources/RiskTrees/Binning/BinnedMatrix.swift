import RiskData

/// Column-major `UInt8` bins of a feature matrix: element (row `r`, feature `f`) is at
/// `f * rowCount + r`.
package struct BinnedMatrix: Sendable {
    package let rowCount: Int
    package let featureCount: Int
    package var bins: [UInt8]

    /// Bins every column of `matrix` with `mappers` (one per column), in parallel over columns.
    ///
    /// - Complexity: O(rows × columns × log bins).
    package init(_ matrix: FeatureMatrix, mappers: [FeatureBinMapper], threadCount: Int) {
        precondition(mappers.count == matrix.columnCount)
        let n = matrix.rowCount, features = matrix.columnCount
        rowCount = n
        featureCount = features
        var out = [UInt8](repeating: 0, count: n * features)
        out.withUnsafeMutableBufferPointer { outBuffer in
            let outBase = UncheckedSendableBox(outBuffer.baseAddress)
            matrix.withUnsafeValues { values in
                ParallelLoop.forEach(count: features, threadCount: threadCount) { feature in
                    guard let base = outBase.value else { return }
                    let mapper = mappers[feature]
                    let column = values.baseAddress! + feature * n
                    let destination = base + feature * n
                    if mapper.isCategorical {
                        for r in 0..<n { destination[r] = mapper.bin(column[r]) }
                        return
                    }
                    mapper.upperBounds.withUnsafeBufferPointer { bounds in
                        FeatureBinMapper.binColumn(column, count: n, bounds: bounds, into: destination)
                    }
                }
            }
        }
        bins = out
    }

    /// The bin of (`row`, `feature`).
    package subscript(row: Int, feature: Int) -> UInt8 { bins[feature * rowCount + row] }
}

/// Finds the bin mappers of every column of `matrix` from a seeded row sample.
///
/// - Parameters:
///   - sampleCount: Rows used to find edges (all rows when the matrix has fewer).
///   - seed: Seed of the row sample.
/// - Complexity: O(columns × s log s) for s sampled rows.
package func makeBinMappers(for matrix: FeatureMatrix, binCount: Int, sampleCount: Int, seed: UInt64,
                            threadCount: Int) -> [FeatureBinMapper] {
    let n = matrix.rowCount
    let sampleRows: [Int]
    if n > sampleCount {
        sampleRows = Array(Sampling.permutation(count: n, seed: seed)[..<sampleCount]).sorted()
    } else {
        sampleRows = Array(0..<n)
    }
    var mappers = [FeatureBinMapper](repeating: FeatureBinMapper(upperBounds: []), count: matrix.columnCount)
    let columns = matrix.schema.columns
    mappers.withUnsafeMutableBufferPointer { out in
        let outBase = UncheckedSendableBox(out.baseAddress!)
        ParallelLoop.forEach(count: columns.count, threadCount: threadCount) { feature in
            switch columns[feature].kind {
            case .categorical(let levelCount):
                outBase.value[feature] = FeatureBinMapper(categoryCount: levelCount)
            case .numeric:
                let sample = matrix.withUnsafeColumn(feature) { column in sampleRows.map { column[$0] } }
                outBase.value[feature] = FeatureBinMapper.numeric(sample: sample, binCount: binCount)
            }
        }
    }
    return mappers
}

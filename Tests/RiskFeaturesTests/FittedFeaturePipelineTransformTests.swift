import Foundation
import RiskData
import RiskDeclarations
import Testing
@testable import RiskFeatures

@Suite struct FittedFeaturePipelineTransformTests {
    static func fitted(rows: Int = 3_000, seed: UInt64, mode: ProfileMode = .kFold) throws -> FeaturePipelineFit {
        try FeaturePipeline(configuration: .init(profileMode: mode, randomSeed: seed))
            .fit(DeclarationFactory.synthetic(rowCount: rows, seed: seed).0)
    }

    /// One fit shared by the tests that only read it (seed 101).
    static let shared = try! fitted(seed: 101)

    @Test(arguments: FeatureMatrixKind.allCases, [101, 102] as [UInt64])
    func oneDeclarationAloneEqualsTheSameRowInABatch(kind: FeatureMatrixKind, seed: UInt64) throws {
        let fit = Self.shared
        let (batch, _) = DeclarationFactory.synthetic(rowCount: 400, seed: seed + 1_000)
        let matrix = try fit.pipeline.transform(batch, for: kind, threadCount: 2)
        for row in stride(from: 0, to: batch.rowCount, by: 37) {
            let alone = try fit.pipeline.transform(DeclarationFactory.selecting(batch, rows: [row]), for: kind)
            #expect(alone.rowCount == 1)
            #expect(bits(alone.values) == bits(matrix.row(row)), "row \(row)")
        }
    }

    /// Tables of up to 16 rows are copied into one scratch buffer, and the scorer's block encoder
    /// (prepared kernel tables, blocks of any size and stride, trees rows on the side) writes the
    /// rows of the whole-table transform bit for bit, at the size limit and on both sides of it.
    @Test(arguments: FeatureMatrixKind.allCases)
    func smallTablesAndBlockEncodingGiveTheRowsOfTheTransform(kind: FeatureMatrixKind) throws {
        let fit = Self.shared
        let (batch, _) = DeclarationFactory.synthetic(rowCount: 300, seed: 1_103)
        let matrix = try fit.pipeline.transform(batch, for: kind, threadCount: 1)
        let treesMatrix = try fit.pipeline.transform(batch, for: .trees, threadCount: 1)
        let prepared = PreparedKernelTables(fit.pipeline)
        /// `table` encoded in blocks of `blockRows` rows (stride `blockRows + 3`), as rows.
        func blockRows(_ table: DeclarationTable, blockRows: Int) throws -> (rows: [[Float]], trees: [[Float]]) {
            try fit.pipeline.withBlockEncoder(table, for: kind, prepared: prepared) { encoder in
                let width = encoder.schema.columns.count, treeWidth = encoder.treeSchema.columns.count
                let stride = blockRows + 3
                var block = [Float](repeating: .nan, count: stride * width)
                var trees = [Float](repeating: .nan, count: stride * treeWidth)
                let scratch = FeatureBlockEncoder.Scratch(encoder)
                var rows: [[Float]] = [], treeRows: [[Float]] = []
                for start in Swift.stride(from: 0, to: encoder.rowCount, by: blockRows) {
                    let count = min(blockRows, encoder.rowCount - start)
                    block.withUnsafeMutableBufferPointer { out in
                        trees.withUnsafeMutableBufferPointer { treesOut in
                            encoder.encode(rows: start..<(start + count), into: out.baseAddress!, columnStride: stride,
                                           trees: treesOut.baseAddress!, scratch: scratch)
                        }
                    }
                    for r in 0..<count {
                        rows.append((0..<width).map { block[$0 * stride + r] })
                        treeRows.append((0..<treeWidth).map { trees[$0 * stride + r] })
                    }
                }
                return (rows, treeRows)
            }
        }
        for size in [1, 2, 16, 17, 64] {
            let rows = Array(stride(from: size, to: 300, by: 7).prefix(size))
            let small = DeclarationFactory.selecting(batch, rows: rows)
            let plain = try fit.pipeline.transform(small, for: kind, threadCount: 1)
            let blocks = try blockRows(small, blockRows: 5)
            for (k, row) in rows.enumerated() {
                #expect(bits(plain.row(k)) == bits(matrix.row(row)), "size \(size), row \(row)")
                #expect(bits(blocks.rows[k]) == bits(matrix.row(row)), "size \(size), row \(row)")
                #expect(bits(blocks.trees[k]) == bits(treesMatrix.row(row)), "size \(size), row \(row)")
            }
        }
        let whole = try blockRows(batch, blockRows: 70)
        for row in 0..<batch.rowCount { #expect(bits(whole.rows[row]) == bits(matrix.row(row)), "row \(row)") }
    }

    /// 6,500 rows: enough for three chunks of `ParallelLoop` (minimum chunk 2,048 rows).
    static let largeBatch = DeclarationFactory.synthetic(rowCount: 6_500, seed: 112).0

    @Test(arguments: FeatureMatrixKind.allCases, [2, 3] as [Int])
    func transformIsBitIdenticalForEveryThreadCount(kind: FeatureMatrixKind, threads: Int) throws {
        let fit = Self.shared
        let batch = Self.largeBatch
        let serial = try fit.pipeline.transform(batch, for: kind, threadCount: 1)
        let parallel = try fit.pipeline.transform(batch, for: kind, threadCount: threads)
        #expect(bits(serial.values) == bits(parallel.values))
        #expect(serial.schema == fit.pipeline.schema(for: kind))
    }

    @Test(arguments: [ProfileMode.kFold, .timeOrdered], [121, 122] as [UInt64])
    func jsonRoundTripGivesBitIdenticalTransforms(mode: ProfileMode, seed: UInt64) throws {
        let fit = try Self.fitted(rows: 2_000, seed: seed, mode: mode)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(fit.pipeline)
        let decoded = try JSONDecoder().decode(FittedFeaturePipeline.self, from: data)
        #expect(decoded == fit.pipeline)
        #expect(try encoder.encode(decoded) == data)
        let (batch, _) = DeclarationFactory.synthetic(rowCount: 500, seed: seed + 7)
        for kind in FeatureMatrixKind.allCases {
            let a = try fit.pipeline.transform(batch, for: kind)
            let b = try decoded.transform(batch, for: kind)
            #expect(bits(a.values) == bits(b.values))
            #expect(a.schema == b.schema)
        }
    }

    @Test(arguments: [131] as [UInt64])
    func scoringUsesAllTrainingStatistics(seed: UInt64) throws {
        let (table, _) = DeclarationFactory.synthetic(rowCount: 2_000, seed: seed)
        let fit = try FeaturePipeline(configuration: .init(smoothingStrength: 5)).fit(table)
        let scored = try fit.pipeline.transform(table, for: .trees)
        let rate = scored.schema.names.firstIndex(of: "importer_illicit_rate")!
        let count = scored.schema.names.firstIndex(of: "importer_declaration_count")!
        let labels = table.labels!, importer = table.text["importer_id"]!
        let prior = labels.reduce(0.0) { $0 + Double($1) } / Double(labels.count)
        for row in stride(from: 0, to: table.rowCount, by: 53) {
            guard let id = importer[row] else { continue }
            let same = (0..<table.rowCount).filter { importer[$0] == id }
            let expected = (same.reduce(0.0) { $0 + Double(labels[$1]) } + 5 * prior) / (Double(same.count) + 5)
            #expect(scored[row, rate] == Float(expected))
            #expect(scored[row, count] == Float(same.count))
            // The training matrix counts the other declarations only.
            #expect(fit.treesMatrix[row, count] == Float(same.count - 1))
        }
    }

    @Test func emptyBatchGivesAnEmptyMatrix() throws {
        let fit = Self.shared
        let matrix = try fit.pipeline.transform(DeclarationFactory.table([]), for: .linear)
        #expect(matrix.rowCount == 0)
        #expect(matrix.schema == fit.pipeline.schema(for: .linear))
    }

    @Test func columnOfTheWrongLengthIsRefused() throws {
        let fit = Self.shared
        var (batch, _) = DeclarationFactory.synthetic(rowCount: 10, seed: 152)
        batch.numbers["quantity"]!.removeLast()
        #expect(throws: RiskFeaturesError(.shapeMismatch, "Numeric column \"quantity\" has 9 values; the table has 10 "
            + "rows. Rebuild the table so every column has one value per row.")) {
            _ = try fit.pipeline.transform(batch, for: .trees)
        }
    }
}

@Suite struct PersistenceValidationTests {
    @Test func repeatedVocabularyNamesAreRejected() throws {
        let decoded = try JSONDecoder().decode(Vocabulary.self, from: Data(#"["CN","DE"]"#.utf8))
        #expect(decoded.code(of: "DE") == 1)
        #expect(throws: DecodingError.self) {
            _ = try JSONDecoder().decode(Vocabulary.self, from: Data(#"["CN","CN"]"#.utf8))
        }
    }

    @Test func referenceTablesWithMismatchedLengthsAreRejected() throws {
        let statistic = #"{"count":3,"median":1.5,"scale":0.2}"#
        let good = #"{"pairs":{"keys":[],"values":[]},"hs6":{"keys":[4],"values":[\#(statistic)]},"#
            + #""hs4":{"keys":[],"values":[]},"hs2":{"keys":[],"values":[]}}"#
        let reference = try JSONDecoder().decode(UnitValueReference.self, from: Data(good.utf8))
        #expect(reference.hs6[4] == ReferenceStatistic(count: 3, median: 1.5, scale: 0.2))
        #expect(reference.global == nil)
        let bad = good.replacingOccurrences(of: #""keys":[4]"#, with: #""keys":[4,5]"#)
        #expect(throws: DecodingError.self) {
            _ = try JSONDecoder().decode(UnitValueReference.self, from: Data(bad.utf8))
        }
    }
}

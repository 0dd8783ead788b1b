import RiskData
import Testing

@Suite struct SeededGeneratorTests {
    @Test(arguments: [0, 1, 42] as [UInt64])
    func sameSeedSameSequence(seed: UInt64) {
        var a = SeededGenerator(seed: seed)
        var b = SeededGenerator(seed: seed)
        for _ in 0..<1_000 { #expect(a.next() == b.next()) }
    }

    @Test func differentSeedsDiffer() {
        var a = SeededGenerator(seed: 1)
        var b = SeededGenerator(seed: 2)
        #expect((0..<10).map { _ in a.next() } != (0..<10).map { _ in b.next() })
    }

    @Test(arguments: [7, 42] as [UInt64])
    func unitIsInRangeAndRoughlyUniform(seed: UInt64) {
        var g = SeededGenerator(seed: seed)
        var sum = 0.0
        for _ in 0..<100_000 {
            let u = g.nextUnit()
            #expect(u >= 0 && u < 1)
            sum += u
        }
        #expect(abs(sum / 100_000 - 0.5) < 0.01)
    }
}

@Suite struct FeatureMatrixTests {
    @Test func rowsRoundTripColumnMajor() throws {
        let m = try FeatureMatrix(rows: [[1, 2, 3], [4, 5, 6]], schema: .numeric(count: 3))
        #expect(m.values == [1, 4, 2, 5, 3, 6])
        #expect(m.row(1) == [4, 5, 6])
        #expect(m[0, 2] == 3)
        #expect(m.selectingRows([1, 0]).values == [4, 1, 5, 2, 6, 3])
    }

    @Test func wrongShapeIsAnError() {
        #expect(throws: RiskDataError.self) {
            try FeatureMatrix(rowCount: 2, schema: .numeric(count: 3), values: [1, 2, 3])
        }
        #expect(throws: RiskDataError.self) {
            try FeatureMatrix(rows: [[1, 2], [3]], schema: .numeric(count: 2))
        }
    }

    @Test func datasetRejectsNonFiniteLabel() throws {
        let m = try FeatureMatrix(rows: [[1], [2]], schema: .numeric(count: 1))
        let error = #expect(throws: RiskDataError.self) { try Dataset(features: m, labels: [0, .nan]) }
        #expect(error?.message == "label of row 1 is nan; expected a finite number.")
    }
}

@Suite struct ParallelLoopTests {
    @Test(arguments: [0, 1, 7, 1_000], [1, 2, 5])
    func chunksCoverEveryIndexOnce(count: Int, threads: Int) {
        let chunks = ParallelLoop.chunkCount(count: count, threadCount: threads)
        var covered = [Int](repeating: 0, count: count)
        if count > 0 {
            for c in 0..<chunks {
                for i in ParallelLoop.range(of: c, count: count, chunkCount: chunks) { covered[i] += 1 }
            }
        }
        #expect(covered.allSatisfy { $0 == 1 })
    }
}

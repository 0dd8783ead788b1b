import RiskData
import RiskTrees

// Explaining and scoring a block of rows in one pass over the trees.
//
// Per tabulated tree (PatternTables/) the block's answer masks are computed question by
// question down the block's columns (a branch-free loop the compiler vectorises, as in
// `SymmetricTables.addBlock`), then each row adds the tree's table row to its contributions and
// the tree's leaf value to its raw score. The tree's questions and table are read once per block
// rather than once per row, so they stay in L1 while the block's rows use them (row by row, 200
// trees × a 3 KB table each ≈ 600 KB is touched per row, more than L2 holds on this machine).
// Runs of trees without a table go through the kernel row by row. Each row receives its trees'
// contributions and leaf values in tree order, whatever the interleaving across rows, so the
// results equal `explain(_:into:)` and `BoostedTreesPredictor.rawScores` bit for bit.

extension TreeExplainer {
    /// Rows per block of `contributions(for:threadCount:)` and of the scorer's explained batches:
    /// a block's columns (`rows × featureCount` floats, 30 KB for 30 features at 256 rows) stay in
    /// L1 while the trees run over them.
    package static func blockRowCount(featureCount: Int) -> Int {
        max(16, min(256, 8_192 / max(1, featureCount)))
    }

    /// Bytes of workspace `explainBlock` needs for blocks of up to `rowCount` rows (allocate once
    /// per thread with 64-byte alignment and reuse it for every block).
    ///
    /// - Complexity: O(1).
    package func blockWorkspaceByteCount(rowCount: Int) -> Int {
        let rows = max(1, rowCount), width = max(1, featureCount)
        return BlockWorkspace.byteCount(rows: rows, width: width, codedCount: tables?.codedFeatures.count ?? 0,
                                        kernelBytes: workspaceByteCount)
    }

    /// Computes, for `rowCount` rows stored column by column (`columns[feature * columnStride + r]`),
    /// every row's contributions and its raw score in one pass over the trees.
    ///
    /// Row `r`'s contributions (`contributions[r * featureCount ..< (r + 1) * featureCount]`, row-major,
    /// overwritten) equal `explain(_:into:)` on the row bit for bit, and `rawScores[r]` (overwritten)
    /// equals `BoostedTreesPredictor.rawScores` bit for bit (`baseScore` plus the leaf values in tree
    /// order). Allocation-free.
    ///
    /// - Parameters:
    ///   - columns: The block's values: column `f` of the block starts at `columns + f * columnStride`.
    ///   - columnStride: Distance between two columns, in floats (≥ `rowCount`).
    ///   - rowCount: Rows in the block (≥ 0, at most the count `workspace` was sized for).
    ///   - contributions: Room for `rowCount × featureCount` values.
    ///   - rawScores: Room for `rowCount` values.
    ///   - workspace: `blockWorkspaceByteCount(rowCount:)` bytes (for at least `rowCount` rows),
    ///     64-byte aligned; its contents on entry do not matter.
    /// - Complexity: O(`rowCount` · Σ_tabulated trees (questions + split features)) plus the kernel's
    ///   cost per row for trees without a table (see `TreeExplainer`).
    package func explainBlock(columns: UnsafePointer<Float>, columnStride: Int, rowCount: Int,
                              contributions: UnsafeMutablePointer<Double>, rawScores: UnsafeMutablePointer<Double>,
                              workspace: UnsafeMutableRawPointer) {
        let count = rowCount, width = featureCount
        guard count > 0 else { return }
        let space = BlockWorkspace(workspace, rows: count, width: max(1, width),
                                   codedCount: tables?.codedFeatures.count ?? 0)
        rawScores.update(repeating: baseScore, count: count)
        // With every tree tabulated, contributions are kept column by column while the trees run
        // (`phi[f * count + r]`): a tree's additions then go down a few contiguous columns, and the
        // block is transposed into `contributions` at the end. With trees on the kernel, they are
        // kept row by row in `contributions` itself: the kernel adds into a row's contributions in
        // place (gathering and scattering a row per kernel run cost ≈ 10% on a leaf-wise model).
        let rowMajor = !isFullyTabulated
        let phi = rowMajor ? contributions : space.phi
        let featureStride = rowMajor ? 1 : count, rowStride = rowMajor ? width : 1
        phi.update(repeating: 0, count: count &* width)
        space.copied.update(repeating: false, count: count)

        /// Row `r` as the kernel reads it (row-major), copied from the columns on first use.
        func row(_ r: Int) -> UnsafePointer<Float> {
            let out = space.rows + r &* width
            if !space.copied[r] {
                for f in 0..<width { out[f] = columns[f &* columnStride &+ r] }
                space.copied[r] = true
            }
            return UnsafePointer(out)
        }

        let roots = forest.roots
        forest.withLayout { layout in
            /// Trees `range` for row `r` by the kernel (on a row-major copy of the row's contributions,
            /// so that its additions are exactly those of `accumulate`) and a leaf walk.
            func runKernel(_ range: Range<Int>, row r: Int) {
                let x = row(r)
                if rowMajor {
                    accumulateTrees(range, useTables: false, row: x, phi: phi + r &* width, workspace: space.kernel)
                } else {
                    let own = space.phiRow
                    for f in 0..<width { own[f] = phi[f &* count &+ r] }
                    accumulateTrees(range, useTables: false, row: x, phi: own, workspace: space.kernel)
                    for f in 0..<width { phi[f &* count &+ r] = own[f] }
                }
                var score = rawScores[r]
                for tree in range { score += layout.leafValue(root: roots[tree], row: x) }
                rawScores[r] = score
            }
            if let tables {
                let wordBase = layout.categoryWords
                tables.codeSlotOfFeature.withUnsafeBufferPointer { codeSlotBuffer in
                let codeSlots = codeSlotBuffer.baseAddress!
                // Categorical values as integer codes, once per block (`blockCategoryCodes`).
                tables.codedFeatures.withUnsafeBufferPointer { coded in
                    for (slot, feature) in coded.enumerated() {
                        blockCategoryCodes(columns + Int(feature) &* columnStride, count: count,
                                           into: space.codes + slot &* count)
                    }
                }
                ShapTableLookup.with(tables) { lookup in
                    var tree = 0
                    let treeCount = roots.count
                    while tree < treeCount {
                        let index = Int(lookup.tableOfTree[tree])
                        guard index >= 0 else {
                            var end = tree + 1
                            while end < treeCount && lookup.tableOfTree[end] < 0 { end += 1 }
                            for r in 0..<count { runKernel(tree..<end, row: r) }
                            tree = end
                            continue
                        }
                        addTable(lookup, index: index, columns: columns, columnStride: columnStride, count: count,
                                 words: wordBase, codes: space.codes, codeSlotOfFeature: codeSlots, phi: phi,
                                 featureStride: featureStride, rowStride: rowStride,
                                 rawScores: rawScores, masks: space.masks) {
                            runKernel(tree..<(tree + 1), row: $0)
                        }
                        tree += 1
                    }
                }
                }
            } else {
                for r in 0..<count { runKernel(0..<roots.count, row: r) }
            }
        }
        // Row-major out.
        if rowMajor { return }
        for r in 0..<count {
            let out = contributions + r &* width
            for f in 0..<width { out[f] = phi[f &* count &+ r] }
        }
    }

    /// Adds a tabulated tree (table `index`) to a block of `count` rows: contributions to the
    /// contributions `phi[f * featureStride + r * rowStride]` (column by column when `rowStride` is 1,
    /// else row by row), leaf values to `rawScores`; `unfilled(r)` handles a row whose
    /// pattern is not in the table.
    @inline(__always)
    private func addTable(_ lookup: ShapTableLookup, index: Int, columns: UnsafePointer<Float>,
                          columnStride: Int, count: Int, words: UnsafePointer<UInt64>, codes: UnsafePointer<Int32>,
                          codeSlotOfFeature: UnsafePointer<Int32>, phi: UnsafeMutablePointer<Double>,
                          featureStride: Int, rowStride: Int,
                          rawScores: UnsafeMutablePointer<Double>, masks: UnsafeMutablePointer<Int32>,
                          unfilled: (Int) -> Void) {
        let table = lookup.tables[index]
        // Answer masks, question by question down the columns, without a branch on the data.
        masks.update(repeating: 0, count: count)
        let asked = lookup.questions + Int(table.questionStart)
        for q in 0..<Int(table.questionCount) {
            let question = asked[q]
            let bit = Int32(1) &<< Int32(q)
            if question.categoryWordCount == 0 {
                question.addNumericAnswers(columns + Int(question.feature) &* columnStride, count: count, bit: bit,
                                           to: masks)
            } else {
                question.addCategoryAnswers(codes: codes + Int(codeSlotOfFeature[Int(question.feature)]) &* count,
                                            count: count, words: words, bit: bit, to: masks)
            }
        }
        let m = Int(table.featureCount)
        let entries = lookup.entries + table.entryStart
        let leaves = lookup.leafValues + table.maskStart
        let split = lookup.features + Int(table.featureStart)
        if !table.isComplete {
            let filled = lookup.filled + table.maskStart
            var missing = false
            for r in 0..<count where !filled[Int(masks[r])] { missing = true }
            if missing {
                // Row by row (rare: a pattern no row was expected to produce goes to the kernel).
                for r in 0..<count {
                    let mask = Int(masks[r])
                    guard filled[mask] else {
                        unfilled(r)
                        continue
                    }
                    let values = entries + mask &* m
                    let own = phi + r &* rowStride
                    for k in 0..<m { own[Int(split[k]) &* featureStride] += values[k] }
                    rawScores[r] += leaves[mask]
                }
                return
            }
        }
        for r in 0..<count { rawScores[r] += leaves[Int(masks[r])] }
        // Feature by feature: each row adds its pattern's value to the feature's column, two rows
        // at a time (masks become offsets of table rows first).
        let m32 = Int32(truncatingIfNeeded: m)
        for r in 0..<count { masks[r] &*= m32 }
        if rowStride != 1 {
            // Row by row: each row adds its table row to its own contributions.
            for r in 0..<count {
                let own = phi + r &* rowStride, values = entries + Int(masks[r])
                for k in 0..<m { own[Int(split[k]) &* featureStride] += values[k] }
            }
            return
        }
        let pairs = count & ~1
        for k in 0..<m {
            let column = phi + Int(split[k]) &* count
            let values = entries + k
            var r = 0
            while r < pairs {
                let add = SIMD2(values[Int(masks[r])], values[Int(masks[r &+ 1])])
                let raw = UnsafeMutableRawPointer(column + r)
                raw.storeBytes(of: raw.loadUnaligned(as: SIMD2<Double>.self) + add, as: SIMD2<Double>.self)
                r &+= 2
            }
            if r < count { column[r] += values[Int(masks[r])] }
        }
    }
}

extension TreeExplainer {
    /// Contributions of every row of `matrix`, computed on up to `threadCount` threads.
    ///
    /// Each row is computed by the same sequential code whatever the thread count, so the result is
    /// bit-identical for every `threadCount`, to `explain(_:into:)` row by row and (the raw scores)
    /// to `BoostedTreesPredictor.rawScores`. Blocks of rows go through `explainBlock`; one block
    /// buffer and one workspace are allocated per chunk of rows, nothing per row.
    ///
    /// - Parameters:
    ///   - matrix: Rows to explain; its column count must equal `featureCount`.
    ///   - threadCount: Maximum number of threads (values < 1 mean 1).
    /// - Returns: Row-major contributions plus every row's raw score.
    /// - Throws: `RiskExplainError` with code `.shapeMismatch` when the column count differs.
    /// - Complexity: O(*n* · *T* · *N* · *D*) work with the quadrature (see `TreeExplainer`).
    public func contributions(for matrix: FeatureMatrix, threadCount: Int = ParallelLoop.processorCount) throws
        -> ContributionMatrix {
        guard matrix.columnCount == featureCount else {
            throw RiskExplainError(.shapeMismatch, "The feature matrix has \(matrix.columnCount) columns; the model "
                                   + "expects \(featureCount). Build the matrix with the model's feature pipeline.")
        }
        let rowCount = matrix.rowCount
        let featureCount = self.featureCount
        var rawScores = [Double](repeating: baseScore, count: rowCount)
        // Every value is written by `explainRows`: no zero-filling pass over rows × features first.
        let contributions = [Double](unsafeUninitializedCapacity: rowCount * featureCount) { out, initialized in
            if rowCount > 0 {
                matrix.withUnsafeValues { values in
                    rawScores.withUnsafeMutableBufferPointer { raw in
                        explainRows(values: values.baseAddress, rowCount: rowCount, contributions: out.baseAddress,
                                    rawScores: raw.baseAddress!, threadCount: threadCount)
                    }
                }
            }
            initialized = rowCount * featureCount
        }
        return ContributionMatrix(rowCount: rowCount, featureCount: featureCount, baseValue: baseValue,
                                  contributions: contributions, rawScores: rawScores)
    }

    /// The explanation of every row of `matrix` (one contributions array per row).
    ///
    /// - Parameters:
    ///   - matrix: Rows to explain; its column count must equal `featureCount`.
    ///   - threadCount: Maximum number of threads.
    /// - Throws: `RiskExplainError` with code `.shapeMismatch` when the column count differs.
    public func explain(_ matrix: FeatureMatrix, threadCount: Int = ParallelLoop.processorCount) throws
        -> [Explanation] {
        try contributions(for: matrix, threadCount: threadCount).explanations
    }

    /// Every row's contributions (row-major, `rowCount × featureCount`, overwritten) and raw score
    /// (overwritten) for the column-major `values` of `rowCount` rows (column `f` at `f * rowCount`),
    /// block by block through `explainBlock`, in parallel over runs of blocks.
    ///
    /// Bit-identical to `explain(_:into:)` and `BoostedTreesPredictor.rawScores` row by row, for
    /// every `threadCount`. `values` and `contributions` may be nil only when `featureCount` is 0.
    ///
    /// - Complexity: O(rows × per-row cost of `explainBlock` / threads).
    package func explainRows(values: UnsafePointer<Float>?, rowCount: Int, contributions: UnsafeMutablePointer<Double>?,
                             rawScores: UnsafeMutablePointer<Double>, threadCount: Int) {
        let featureCount = self.featureCount
        guard rowCount > 0 else { return }
        guard featureCount > 0, let valuesBase = values, let outBase = contributions else {
            // No features: every tree is a single leaf, and the walk reads nothing of the row.
            var none = Float(0)
            let score = forest.rawScore(row: &none)
            rawScores.update(repeating: score, count: rowCount)
            return
        }
        let blockRows = Self.blockRowCount(featureCount: featureCount)
        let blockCount = (rowCount + blockRows - 1) / blockRows
        let workspaceBytes = blockWorkspaceByteCount(rowCount: blockRows)
        // Two blocks at least per thread: below that, waking a thread costs more than it saves.
        ParallelLoop.forEachChunk(count: blockCount, threadCount: threadCount, minimumChunk: 2) { _, blocks in
            let block = UnsafeMutablePointer<Float>.allocate(capacity: max(1, blockRows * featureCount))
            let workspace = UnsafeMutableRawPointer.allocate(byteCount: workspaceBytes, alignment: 64)
            defer {
                block.deallocate()
                workspace.deallocate()
            }
            for index in blocks {
                let first = index * blockRows, count = min(blockRows, rowCount - first)
                // The block's columns, copied next to each other (the matrix's columns are a
                // whole column apart, which would map them onto the same cache sets).
                for f in 0..<featureCount {
                    (block + f * blockRows).update(from: valuesBase + f * rowCount + first, count: count)
                }
                explainBlock(columns: block, columnStride: blockRows, rowCount: count,
                             contributions: outBase + first * featureCount, rawScores: rawScores + first,
                             workspace: workspace)
            }
        }
    }
}

/// The parts of `explainBlock`'s workspace, each 64-byte aligned.
struct BlockWorkspace {
    /// Answer masks of the block's rows for the current tree.
    let masks: UnsafeMutablePointer<Int32>
    /// The block's codes of each coded feature (`ShapTables.codedFeatures`), column by column.
    let codes: UnsafeMutablePointer<Int32>
    /// Contributions, column by column (`rows × width`).
    let phi: UnsafeMutablePointer<Double>
    /// Row-major copies of the rows the kernel reads, and which rows are copied.
    let rows: UnsafeMutablePointer<Float>
    let copied: UnsafeMutablePointer<Bool>
    /// One row's contributions, row-major, for the kernel.
    let phiRow: UnsafeMutablePointer<Double>
    /// The kernel's own workspace.
    let kernel: UnsafeMutableRawPointer

    private static func roundedUp(_ bytes: Int) -> Int { (bytes + 63) & ~63 }

    /// Bytes of the parts for blocks of `rows` rows, in `init`'s order.
    private static func sizes(rows: Int, width: Int, codedCount: Int) -> [Int] {
        [rows * 4, rows * codedCount * 4, rows * width * 8, rows * width * 4, rows, width * 8]
    }

    static func byteCount(rows: Int, width: Int, codedCount: Int, kernelBytes: Int) -> Int {
        sizes(rows: rows, width: width, codedCount: codedCount).reduce(0) { $0 + roundedUp($1) }
            + roundedUp(max(kernelBytes, 1))
    }

    init(_ base: UnsafeMutableRawPointer, rows: Int, width: Int, codedCount: Int) {
        // The parts of `sizes`, in its order (without its array: no allocation per block).
        var offset = 0
        func take(_ size: Int) -> UnsafeMutableRawPointer {
            defer { offset += Self.roundedUp(size) }
            return base + offset
        }
        masks = take(rows * 4).bindMemory(to: Int32.self, capacity: rows)
        codes = take(rows * codedCount * 4).bindMemory(to: Int32.self, capacity: rows * codedCount)
        phi = take(rows * width * 8).bindMemory(to: Double.self, capacity: rows * width)
        self.rows = take(rows * width * 4).bindMemory(to: Float.self, capacity: rows * width)
        copied = take(rows).bindMemory(to: Bool.self, capacity: rows)
        phiRow = take(width * 8).bindMemory(to: Double.self, capacity: width)
        kernel = base + offset
    }
}

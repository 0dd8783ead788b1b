import RiskData
import RiskTrees

// Explaining and scoring a block of rows in one pass over the trees.
//
// Per tabulated tree (ShapTables.swift) the block's answer masks are computed question by
// question down the block's columns (a branch-free loop the compiler vectorises, as in
// `SymmetricForest.addBlock`), then each row adds the tree's table row to its contributions and
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
        let rows = max(1, rowCount)
        return Self.roundedUp(rows * 4) + Self.roundedUp(rows * max(1, featureCount) * 4) + Self.roundedUp(rows)
            + Self.roundedUp(workspaceByteCount)
    }

    private static func roundedUp(_ bytes: Int) -> Int { (bytes + 63) & ~63 }

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
    ///   - workspace: `blockWorkspaceByteCount(rowCount:)` bytes, 64-byte aligned; its contents on
    ///     entry do not matter.
    /// - Complexity: O(`rowCount` · Σ_tabulated trees (questions + split features)) plus the kernel's
    ///   cost per row for trees without a table (see `TreeExplainer`).
    package func explainBlock(columns: UnsafePointer<Float>, columnStride: Int, rowCount: Int,
                              contributions: UnsafeMutablePointer<Double>, rawScores: UnsafeMutablePointer<Double>,
                              workspace: UnsafeMutableRawPointer) {
        let count = rowCount, width = featureCount
        guard count > 0 else { return }
        rawScores.update(repeating: baseScore, count: count)
        contributions.update(repeating: 0, count: count &* width)
        // Workspace: masks, a row-major copy of the block (for the kernel), which rows are copied,
        // and the kernel's own workspace.
        let masks = workspace.bindMemory(to: Int32.self, capacity: count)
        let rowsOffset = Self.roundedUp(count * 4)
        let rows = (workspace + rowsOffset).bindMemory(to: Float.self, capacity: count * max(1, width))
        let copiedOffset = rowsOffset + Self.roundedUp(count * max(1, width) * 4)
        let copied = (workspace + copiedOffset).bindMemory(to: Bool.self, capacity: count)
        copied.update(repeating: false, count: count)
        let kernelWorkspace = workspace + copiedOffset + Self.roundedUp(count)

        /// Row `r` as the kernel reads it (row-major), copied from the columns on first use.
        func row(_ r: Int) -> UnsafePointer<Float> {
            let out = rows + r &* width
            if !copied[r] {
                for f in 0..<width { out[f] = columns[f &* columnStride &+ r] }
                copied[r] = true
            }
            return UnsafePointer(out)
        }

        nodes.withUnsafeBufferPointer { nodeBuffer in
        categoryWords.withUnsafeBufferPointer { words in
            /// Trees `range`, none of them tabulated: the kernel and a leaf walk, row by row.
            func runKernel(_ range: Range<Int>) {
                for r in 0..<count {
                    let x = row(r)
                    accumulateTrees(range, useTables: false, row: x, phi: contributions + r &* width,
                                    workspace: kernelWorkspace)
                    var score = rawScores[r]
                    for tree in range {
                        score += Self.leafValue(root: roots[tree], nodes: nodeBuffer, row: x, categoryWords: words)
                    }
                    rawScores[r] = score
                }
            }
            guard let tables else {
                runKernel(0..<roots.count)
                return
            }
            // A model without categorical questions has no category words (nil base): point at
            // something valid, never read (only a categorical question reads it).
            let wordBase = words.baseAddress ?? UnsafePointer(bitPattern: MemoryLayout<UInt64>.alignment)!
            ShapTableLookup.with(tables) { lookup in
                var tree = 0
                let treeCount = roots.count
                while tree < treeCount {
                    let index = Int(lookup.tableOfTree[tree])
                    guard index >= 0 else {
                        var end = tree + 1
                        while end < treeCount && lookup.tableOfTree[end] < 0 { end += 1 }
                        runKernel(tree..<end)
                        tree = end
                        continue
                    }
                    let table = lookup.tables[index]
                    // Answer masks, question by question down the columns.
                    masks.update(repeating: 0, count: count)
                    let asked = lookup.questions + Int(table.questionStart)
                    for q in 0..<Int(table.questionCount) {
                        let question = asked[q]
                        let column = columns + Int(question.feature) &* columnStride
                        let bit = Int32(1) &<< Int32(q)
                        if question.categoryWordCount == 0 {
                            for r in 0..<count { masks[r] |= question.numericGoesLeft(column[r]) ? bit : 0 }
                        } else {
                            for r in 0..<count where question.goesLeft(column[r], categoryWords: wordBase) {
                                masks[r] |= bit
                            }
                        }
                    }
                    // Each row adds its pattern's table row and leaf value.
                    let m = Int(table.featureCount)
                    let entries = lookup.entries + table.entryStart
                    let filled = lookup.filled + table.maskStart
                    let leaves = lookup.leafValues + table.maskStart
                    let split = lookup.features + Int(table.featureStart)
                    for r in 0..<count {
                        let mask = Int(masks[r])
                        let phi = contributions + r &* width
                        if filled[mask] {
                            let values = entries + mask &* m
                            for k in 0..<m { phi[Int(split[k])] += values[k] }
                            rawScores[r] += leaves[mask]
                        } else {
                            // A pattern no row was expected to produce: the kernel, as `accumulate` does.
                            let x = row(r)
                            accumulateTrees(tree..<(tree + 1), useTables: false, row: x, phi: phi,
                                            workspace: kernelWorkspace)
                            rawScores[r] += Self.leafValue(root: roots[tree], nodes: nodeBuffer, row: x,
                                                           categoryWords: words)
                        }
                    }
                    tree += 1
                }
            }
        }
        }
    }
}

import RiskTrees

// The row driver: one row through every tree, each tree by the algorithm chosen for it when the
// explainer was built (`TreeExplainer.treeAlgorithms`): a pattern-table lookup, the quadrature
// kernel or the path recursion. When every tree is tabulated, the scorer's single-row pass reads
// every table in one sweep and returns the raw score from the same tables.

extension TreeExplainer {
    /// Adds every tree's contributions for `row` to `phi` (tabulated trees by table lookup, the
    /// others with the chosen algorithm), using `workspace` (`workspaceByteCount` bytes, 64-byte
    /// aligned). Pointers must be valid; `phi` is not cleared.
    package func accumulate(row: UnsafePointer<Float>, phi: UnsafeMutablePointer<Double>,
                            workspace: UnsafeMutableRawPointer) {
        accumulateTrees(0..<forest.roots.count, useTables: tables != nil, row: row, phi: phi, workspace: workspace)
    }

    /// Adds tree `tree`'s contributions for `row` to `phi`, always with the kernel (what the tables hold).
    package func accumulateTree(_ tree: Int, row: UnsafePointer<Float>, phi: UnsafeMutablePointer<Double>,
                                workspace: UnsafeMutableRawPointer) {
        accumulateTrees(tree..<(tree + 1), useTables: false, row: row, phi: phi, workspace: workspace)
    }

    func accumulateTrees(_ trees: Range<Int>, useTables: Bool, row: UnsafePointer<Float>,
                         phi: UnsafeMutablePointer<Double>, workspace: UnsafeMutableRawPointer) {
        let tables = useTables ? self.tables : nil
        guard let plan = quadrature else {
            let path = workspace.bindMemory(to: PathElement.self, capacity: pathCapacity)
            accumulateByPathRecursion(trees, tables: tables, row: row, phi: phi, path: path)
            return
        }
        switch plan.laneCount {
        case 2: accumulateByQuadrature(plan, as: SIMD2<Double>.self, trees: trees, tables: tables, row: row, phi: phi,
                                       workspace: workspace)
        case 4: accumulateByQuadrature(plan, as: SIMD4<Double>.self, trees: trees, tables: tables, row: row, phi: phi,
                                       workspace: workspace)
        case 8: accumulateByQuadrature(plan, as: SIMD8<Double>.self, trees: trees, tables: tables, row: row, phi: phi,
                                       workspace: workspace)
        default: accumulateByQuadrature(plan, as: SIMD16<Double>.self, trees: trees, tables: tables, row: row,
                                        phi: phi, workspace: workspace)
        }
    }

    /// Writes the contribution of every feature of `row` into `contributions` and returns the base value.
    ///
    /// Allocation-free: the workspace (`workspaceByteCount` bytes) is a stack buffer. `baseValue + Σ contributions` equals the model's raw score for `row` up to rounding.
    ///
    /// - Parameters:
    ///   - row: The row's feature values in schema order (`featureCount` values; NaN = missing).
    ///   - contributions: Receives `featureCount` values (overwritten, not accumulated).
    /// - Returns: `baseValue`.
    /// - Precondition: both buffers hold at least `featureCount` elements.
    /// - Complexity: O(*T* · *N* · *D*) with the quadrature, O(*T* · *L* · *D*²) with the path recursion.
    public func explain(_ row: UnsafeBufferPointer<Float>, into contributions: UnsafeMutableBufferPointer<Double>)
        -> Double {
        precondition(row.count >= featureCount,
                     "row has \(row.count) values; the model expects \(featureCount) features")
        precondition(contributions.count >= featureCount,
                     "contributions has room for \(contributions.count) values; expected \(featureCount)")
        guard featureCount > 0 else { return baseValue }
        let phi = contributions.baseAddress!
        phi.update(repeating: 0, count: featureCount)
        withUnsafeTemporaryAllocation(byteCount: workspaceByteCount, alignment: 64) { workspace in
            accumulate(row: row.baseAddress!, phi: phi, workspace: workspace.baseAddress!)
        }
        return baseValue
    }

    /// The explanation of one row (allocates the contributions array).
    ///
    /// - Parameter row: `featureCount` values in schema order (NaN = missing).
    /// - Returns: Base value, one contribution per feature, and the model's raw score.
    /// - Precondition: `row.count == featureCount`.
    /// - Complexity: O(*T* · *N* · *D*) with the quadrature, O(*T* · *L* · *D*²) with the path recursion.
    public func explain(_ row: [Float]) -> Explanation {
        precondition(row.count == featureCount, "row has \(row.count) values; the model expects \(featureCount)")
        var contributions = [Double](repeating: 0, count: featureCount)
        let raw = row.withUnsafeBufferPointer { rowBuffer in
            contributions.withUnsafeMutableBufferPointer { out in
                _ = explain(rowBuffer, into: out)
            }
            // With no features every tree is a single leaf: its output is its expected value.
            return featureCount == 0 ? baseValue : forest.rawScore(row: rowBuffer.baseAddress!)
        }
        return Explanation(baseValue: baseValue, contributions: contributions, rawScore: raw)
    }

    /// Contributions and raw score of one row in one pass, when every tree is tabulated: the answer
    /// masks of all trees first (the questions are read in order), then, tree by tree, the table
    /// row and leaf value of each mask — loads that do not depend on each other, so a row whose
    /// tables are not in the cache waits for them together rather than one tree after another.
    ///
    /// The additions are those of `explain(_:into:)` (each tree's table row into φ, in tree order)
    /// and of the predictor (`baseScore` + each tree's leaf value, in tree order), so both results
    /// are bit-identical to theirs (`ExplainScoringRowTests`).
    ///
    /// - Returns: The base value and the raw score, or nil (contributions untouched) when a tree is
    ///   not tabulated or the row's pattern in some tree was not tabulated; the caller then uses
    ///   `explain(_:into:)` and the predictor.
    /// - Complexity: O(trees × questions + trees × split features).
    package func explainScoringRow(_ row: UnsafeBufferPointer<Float>,
                                   into contributions: UnsafeMutableBufferPointer<Double>) -> (baseValue: Double, rawScore: Double)? {
        guard let tables, featureCount > 0, row.count >= featureCount, contributions.count >= featureCount,
              tables.tabulatedTreeCount == forest.roots.count else { return nil }
        let treeCount = forest.roots.count
        return forest.categoryWords.withUnsafeBufferPointer { words in
            ShapTableLookup.with(tables) { lookup in
                withUnsafeTemporaryAllocation(of: Int.self, capacity: max(1, treeCount)) { patterns in
                    let x = row.baseAddress!
                    let wordBase = words.baseAddress ?? UnsafePointer(bitPattern: MemoryLayout<UInt64>.alignment)!
                    for tree in 0..<treeCount {
                        let table = lookup.tables[Int(lookup.tableOfTree[tree])]
                        let asked = lookup.questions + Int(table.questionStart)
                        var mask = 0
                        if table.isNumeric {
                            for q in 0..<Int(table.questionCount) {
                                mask |= (asked[q].numericGoesLeft(x[Int(asked[q].feature)]) ? 1 : 0) &<< q
                            }
                        } else {
                            for q in 0..<Int(table.questionCount) {
                                mask |= (asked[q].goesLeft(x[Int(asked[q].feature)], categoryWords: wordBase) ? 1 : 0) &<< q
                            }
                        }
                        let slot = table.maskStart &+ mask
                        guard lookup.filled[slot] else { return nil }
                        patterns[tree] = mask
                    }
                    let phi = contributions.baseAddress!
                    phi.update(repeating: 0, count: featureCount)
                    var score = baseScore
                    for tree in 0..<treeCount {
                        let table = lookup.tables[Int(lookup.tableOfTree[tree])]
                        let mask = patterns[tree]
                        let m = Int(table.featureCount)
                        let values = lookup.entries + (table.entryStart &+ mask &* m)
                        let columns = lookup.features + Int(table.featureStart)
                        for k in 0..<m { phi[Int(columns[k])] += values[k] }
                        score += lookup.leafValues[table.maskStart &+ mask]
                    }
                    return (baseValue, score)
                }
            }
        }
    }
}

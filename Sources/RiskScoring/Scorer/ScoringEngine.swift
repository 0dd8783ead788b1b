import RiskData
import RiskExplain
import RiskFeatures
import RiskLinear
import RiskTrees

/// The one model pass behind every way of scoring: a block of encoded rows in, every row's raw
/// score (and revenue head) out, and, when asked, every row's contributions from the same pass.
///
/// Explaining, the explainer's pass gives the raw scores (`TreeExplainer` walks the trees once for
/// both); not explaining, the predictor's does. Which one runs is decided here, by whether the
/// caller wants contributions, and nowhere else. A single declaration is a block of one row, which
/// takes the row forms of the same passes (`explainScoringRow`, `rawScore(_:)`: the Doubles of the
/// block forms, tested bit for bit in RiskTrees and RiskExplain).
///
/// Blocks are column-major (column `f` of row `i` at `f * rowCount + i`): the layout the tree walks,
/// the symmetric tables, TreeSHAP's block pass and the logistic column sums read; for one row the
/// two layouts are the same. This is the seam through which the predictors and explainers are
/// called; nothing else in RiskScoring calls them for scores.
struct ScoringEngine: Sendable {
    enum Model: Sendable {
        case trees(BoostedTreesPredictor, TreeExplainer)
        case logistic(LogisticModel, LinearExplainer)
    }

    let model: Model
    /// The revenue head (trees features), when the bundle has one.
    let revenue: BoostedTreesPredictor?
    /// The pipeline's columns for the model, and its trees columns (the revenue head's).
    let schema: FeatureSchema, treeSchema: FeatureSchema

    var featureCount: Int { schema.columns.count }

    /// Rows per block: a block's features stay in L1 while the trees run over them (the block size
    /// of the predictor's and the explainer's batch passes).
    var blockRowCount: Int { TreeExplainer.blockRowCount(featureCount: featureCount) }

    /// The base value of the contributions (Σ contributions + base value = raw score).
    var baseValue: Double {
        switch model {
        case .trees(_, let explainer): explainer.baseValue
        case .logistic(_, let explainer): explainer.baseValue
        }
    }

    /// Throws the model's own shape errors (a pipeline whose columns are not the model's) by a pass
    /// over zero rows: once per call, before any row is encoded, with the models' messages.
    func checkShapes() throws {
        switch model {
        case .trees(let predictor, _):
            _ = try predictor.rawScores(FeatureMatrix(rowCount: 0, schema: schema), threadCount: 1)
        case .logistic(let model, _):
            _ = try model.rawScores(FeatureMatrix(rowCount: 0, schema: schema))
        }
        if let revenue { _ = try revenue.rawScores(FeatureMatrix(rowCount: 0, schema: treeSchema), threadCount: 1) }
    }

    /// What one block gives: a raw score per row, and the revenue head's log revenue per row.
    struct BlockScores {
        var raw: [Double]
        var logRevenue: [Double]?
    }

    /// Encodes `rows` of `encoder`'s table and makes the model pass over them.
    ///
    /// - Parameters:
    ///   - contributions: With room for `rows.count × featureCount` values, receives every row's
    ///     contributions, row-major (the explainer's pass); nil for scores only (the predictor's).
    /// - Throws: The models' errors (`checkShapes`, run when the scorer was made, ruled out the shape ones).
    /// - Complexity: O(rows × model cost); allocates the block, never per row.
    func scoreBlock(_ encoder: FeatureBlockEncoder, rows: Range<Int>, workspace: Workspace,
                    contributions: UnsafeMutablePointer<Double>?) throws -> BlockScores {
        let count = rows.count, width = featureCount
        let treesOnTheSide = revenue != nil && encoder.kind != .trees
        var trees: [Float] = []
        let values = [Float](unsafeUninitializedCapacity: count * width) { out, initialized in
            trees = [Float](unsafeUninitializedCapacity: treesOnTheSide ? count * treeSchema.columns.count : 0) {
                treesOut, treesInitialized in
                if count > 0 {
                    encoder.encode(rows: rows, into: out.baseAddress!, columnStride: count,
                                   trees: treesOnTheSide ? treesOut.baseAddress! : nil,
                                   scratch: workspace.encoding)
                }
                treesInitialized = treesOut.count
            }
            initialized = count * width
        }
        let block = try FeatureMatrix(rowCount: count, schema: schema, values: values)
        var scores = BlockScores(raw: [], logRevenue: nil)
        switch model {
        case .trees(let predictor, let explainer):
            if let contributions {
                scores.raw = explain(block, explainer, into: contributions, workspace: workspace)
            } else if count == 1 {
                scores.raw = [values.withUnsafeBufferPointer { predictor.rawScore($0) }]
            } else {
                scores.raw = try predictor.rawScores(block, threadCount: 1)
            }
        case .logistic(let model, let explainer):
            scores.raw = try model.rawScores(block)
            if let contributions {
                withUnsafeTemporaryAllocation(of: Float.self, capacity: max(1, width)) { row in
                    for r in 0..<count {
                        block.copyRow(r, into: row)
                        _ = explainer.explain(UnsafeBufferPointer(row),
                                              into: UnsafeMutableBufferPointer(start: contributions + r * width,
                                                                               count: width))
                    }
                }
            }
        }
        if let revenue {
            let treeBlock = treesOnTheSide ? try FeatureMatrix(rowCount: count, schema: treeSchema, values: trees) : block
            scores.logRevenue = count == 1 ? [treeBlock.values.withUnsafeBufferPointer { revenue.rawScore($0) }]
                                           : try revenue.rawScores(treeBlock, threadCount: 1)
        }
        return scores
    }

    /// The explainer's pass: contributions and raw scores together, on the block itself (no copy).
    /// One row takes the fused row pass when every tree is tabulated and the row's patterns were
    /// filled, else the block pass.
    private func explain(_ block: FeatureMatrix, _ explainer: TreeExplainer,
                         into contributions: UnsafeMutablePointer<Double>, workspace: Workspace) -> [Double] {
        let count = block.rowCount
        if count == 1, let fused = block.values.withUnsafeBufferPointer({ row in
            explainer.explainScoringRow(row, into: UnsafeMutableBufferPointer(start: contributions,
                                                                               count: featureCount))
        }) {
            return [fused.rawScore]
        }
        var raw = [Double](repeating: 0, count: count)
        block.withUnsafeValues { values in
            raw.withUnsafeMutableBufferPointer { out in
                if let columns = values.baseAddress, let space = workspace.explaining {
                    explainer.explainBlock(columns: columns, columnStride: count, rowCount: count,
                                           contributions: contributions, rawScores: out.baseAddress!, workspace: space)
                } else {  // no features: every tree is one leaf
                    explainer.explainRows(values: nil, rowCount: count, contributions: nil,
                                          rawScores: out.baseAddress!, threadCount: 1)
                }
            }
        }
        return raw
    }

    /// One thread's buffers, reused for every block it scores: the encoder's, and the explainer's
    /// block workspace when explaining trees.
    final class Workspace {
        let encoding: FeatureBlockEncoder.Scratch
        let explaining: UnsafeMutableRawPointer?

        /// - Parameter rowCount: The most rows a block of this run holds (a single declaration's
        ///   run needs room for one, not for `engine.blockRowCount`).
        init(_ engine: ScoringEngine, encoder: FeatureBlockEncoder, explain: Bool, rowCount: Int) {
            encoding = FeatureBlockEncoder.Scratch(encoder)
            if explain, engine.featureCount > 0, case .trees(_, let explainer) = engine.model {
                explaining = .allocate(byteCount: explainer.blockWorkspaceByteCount(rowCount: max(1, rowCount)),
                                       alignment: 64)
            } else {
                explaining = nil
            }
        }

        deinit { explaining?.deallocate() }
    }
}

import RiskData

/// A forest of symmetric (oblivious) trees laid out as lookup tables: per tree, its D questions
/// (one per level) and the 2^D leaf values indexed by the answers (bit k set = level k goes left).
///
/// A row's leaf in such a tree is found with D comparisons and one load instead of a walk, and a
/// block of rows is routed question by question down the block's columns (no data-dependent
/// branch). Part of `CompiledForest` when every tree is symmetric with finite thresholds; the leaf
/// values and their order of addition are the model's (tested against the readable walk).
package struct SymmetricTables: Sendable {
    /// Per tree: start of its questions (depth = next start − start).
    let questionStarts: [Int32]
    let questions: [TreeQuestion]
    /// Per tree: start of its 2^depth leaf values.
    let valueStarts: [Int32]
    let values: [Double]
    /// Category bitsets of the categorical questions (at least one word, so the base is never nil).
    let categoryWords: [UInt64]
    /// Whether any question is categorical.
    package let hasCategoricalQuestions: Bool
    /// The features asked about by categorical questions, each once: the block path turns their
    /// values into integer codes once per block (`codeSlotOfFeature[f]` = slot, −1 = not coded).
    let codedFeatures: [Int32]
    let codeSlotOfFeature: [Int32]

    /// Deepest tree whose table is built (2^12 values).
    static let maximumDepth = 12

    /// The forest of a validated `model`, or nil when a tree is not symmetric, is deeper than
    /// `maximumDepth` or asks a numeric question with an infinite threshold.
    ///
    /// - Complexity: O(total nodes + category words referenced by the splits), no allocation per node.
    init?(model: BoostedTreesModel) {
        var questionStarts: [Int32] = [0], questions: [TreeQuestion] = []
        var valueStarts: [Int32] = [0], values: [Double] = []
        var categoryWords: [UInt64] = [0]
        for tree in model.trees {
            // Level by level: every node of a level must ask the first node's question.
            var level = [0]
            var asked: [TreeQuestion] = []
            while !tree.isLeaf(level[0]) {
                let first = level[0]
                let words = Int(tree.categoryWordCount[first])
                guard asked.count < Self.maximumDepth,
                      let question = TreeQuestion(feature: tree.splitFeature[first], threshold: tree.threshold[first],
                                                  missingGoesLeft: tree.missingGoesLeft[first],
                                                  categoryStart: Int32(categoryWords.count),
                                                  categoryWordCount: Int32(words)) else { return nil }
                // A numeric question's categoryStart is unused (any value): read it only for categorical ones.
                let firstStart = words > 0 ? Int(tree.categoryStart[first]) : 0
                let bitset = tree.categoryWords[firstStart..<(firstStart + words)]
                var next: [Int] = []
                for node in level {
                    guard !tree.isLeaf(node), tree.splitFeature[node] == tree.splitFeature[first],
                          tree.missingGoesLeft[node] == tree.missingGoesLeft[first],
                          Int(tree.categoryWordCount[node]) == words else { return nil }
                    if words == 0 {
                        guard tree.threshold[node] == tree.threshold[first] else { return nil }
                    } else {
                        let start = Int(tree.categoryStart[node])
                        guard tree.categoryWords[start..<(start + words)].elementsEqual(bitset) else { return nil }
                    }
                    next.append(Int(tree.leftChild[node]))
                    next.append(Int(tree.rightChild[node]))
                }
                asked.append(question)
                categoryWords += bitset
                level = next
            }
            guard level.allSatisfy({ tree.isLeaf($0) }) else { return nil }
            // `level` lists the leaves with left children first at every level: leaf index i has its
            // level-k answer in bit (D − 1 − k) of i (0 = left). Mask bit k = 1 means "left at level k".
            let depth = asked.count
            var table = [Double](repeating: 0, count: 1 << depth)
            for (i, leaf) in level.enumerated() {
                var mask = 0
                for k in 0..<depth where (i >> (depth - 1 - k)) & 1 == 0 { mask |= 1 << k }
                table[mask] = tree.value[leaf]
            }
            questions += asked
            values += table
            questionStarts.append(Int32(questions.count))
            valueStarts.append(Int32(values.count))
        }
        self.questionStarts = questionStarts
        self.questions = questions
        self.valueStarts = valueStarts
        self.values = values
        self.categoryWords = categoryWords
        self.hasCategoricalQuestions = questions.contains { $0.categoryWordCount > 0 }
        var coded: [Int32] = []
        for question in questions where question.categoryWordCount > 0 && !coded.contains(question.feature) {
            coded.append(question.feature)
        }
        var slots = [Int32](repeating: -1, count: Int(questions.map(\.feature).max() ?? 0) + 1)
        for (slot, feature) in coded.enumerated() { slots[Int(feature)] = Int32(slot) }
        codedFeatures = coded
        codeSlotOfFeature = slots
    }

    /// `baseScore + Σ` the leaf values of `row`, in tree order.
    func rawScore(baseScore: Double, row: UnsafePointer<Float>) -> Double {
        categoryWords.withUnsafeBufferPointer { words in
        questions.withUnsafeBufferPointer { questions in
            values.withUnsafeBufferPointer { values in
                questionStarts.withUnsafeBufferPointer { starts in
                    valueStarts.withUnsafeBufferPointer { valueStarts in
                        var sum = baseScore
                        for tree in 0..<(starts.count - 1) {
                            var mask = 0
                            let first = Int(starts[tree]), end = Int(starts[tree + 1])
                            for q in first..<end {
                                let question = questions[q]
                                let x = row[Int(question.feature)]
                                mask |= (question.goesLeft(x, categoryWords: words.baseAddress!) ? 1 : 0) &<< (q &- first)
                            }
                            sum += values[Int(valueStarts[tree]) &+ mask]
                        }
                        return sum
                    }
                }
            }
        }
        }
    }

    /// Scratch `Int32`s `addBlock` needs for a block of `count` rows (masks, then the codes).
    func blockScratchCount(rows count: Int) -> Int { count * (1 + codedFeatures.count) }

    /// Adds every tree's leaf value to `scores[0..<count]`, tree by tree, for a block of rows stored
    /// column by column (`columns[f * stride + r]`); `scratch` holds `blockScratchCount(rows:)` entries.
    ///
    /// Categorical values are turned into integer codes once per block (`blockCategoryCodes`), so
    /// that a categorical question is a branch-free bit test per row; numeric questions are one
    /// comparison per row (the same routines as TreeSHAP's block driver).
    func addBlock(columns: UnsafePointer<Float>, stride: Int, count: Int, scratch: UnsafeMutablePointer<Int32>,
                  scores: UnsafeMutablePointer<Double>) {
        let masks = scratch, codes = scratch + count
        for (slot, feature) in codedFeatures.enumerated() {
            blockCategoryCodes(columns + Int(feature) &* stride, count: count, into: codes + slot &* count)
        }
        categoryWords.withUnsafeBufferPointer { words in
        questions.withUnsafeBufferPointer { questions in
        codeSlotOfFeature.withUnsafeBufferPointer { codeSlots in
            values.withUnsafeBufferPointer { values in
                for tree in 0..<(questionStarts.count - 1) {
                    masks.update(repeating: 0, count: count)
                    let first = Int(questionStarts[tree]), end = Int(questionStarts[tree + 1])
                    for q in first..<end {
                        let question = questions[q]
                        let bit = Int32(1) &<< Int32(q &- first)
                        if question.categoryWordCount == 0 {
                            question.addNumericAnswers(columns + Int(question.feature) &* stride, count: count,
                                                       bit: bit, to: masks)
                        } else {
                            question.addCategoryAnswers(codes: codes + Int(codeSlots[Int(question.feature)]) &* count,
                                                        count: count, words: words.baseAddress!, bit: bit, to: masks)
                        }
                    }
                    let table = values.baseAddress! + Int(valueStarts[tree])
                    for r in 0..<count { scores[r] += table[Int(masks[r])] }
                }
            }
        }
        }
        }
    }
}

import RiskData

// Writing a trained ensemble as a LightGBM text model (`lightgbm.Booster(model_file=…)`), so a model
// trained here can be scored by LightGBM's predictor in Python, R, C or Java. The layout follows
// LightGBM's own writer (`src/boosting/gbdt_model_text.cpp`, `src/io/tree.cpp`) and its routing
// (`include/LightGBM/tree.h`: `NumericalDecision`, `CategoricalDecision`); read, not copied.
extension BoostedTreesModel {
    /// Why a model cannot be written in LightGBM's format.
    public struct LightGBMExportError: Error, Sendable, Hashable, CustomStringConvertible {
        /// The one-line message naming the tree and node.
        public var message: String
        public var description: String { message }
    }

    /// The model as a LightGBM text model (format `v4`) that gives the same raw scores.
    ///
    /// The LightGBM model takes the same encoded feature vector as this model (the columns of
    /// `featureSchema`, in order; `riskctl features --model` writes them). Mapping:
    /// - trees in boosting order; the base score is added to every leaf of the first tree (LightGBM
    ///   has no separate base score), so LightGBM's sum `0 + (leaf₀ + base) + leaf₁ + …` adds the same
    ///   doubles in the same order as `baseScore + leaf₀ + leaf₁ + …` here;
    /// - numeric splits: missing type NaN, default direction from `missingGoesLeft`. The `Float`
    ///   threshold `t` becomes the largest double below the midpoint of `t` and the next float, so a
    ///   value goes left in LightGBM exactly when its float goes left here, whether LightGBM is given
    ///   the float itself or the shortest decimal that prints it;
    /// - categorical splits: LightGBM's 32-bit category bitsets; missing values go right in both;
    /// - feature names: characters LightGBM's format cannot hold (space, `,`, `:`, `"`, `[`, `]`, `{`,
    ///   `}`) become `_`; names stay unique (a numeric suffix is added on collision);
    /// - covers become `leaf_weight`/`internal_weight` and, rounded, the counts LightGBM's own
    ///   TreeSHAP weighs paths with (so its `pred_contrib` approximates this model's contributions).
    ///
    /// - Throws: ``LightGBMExportError`` for a categorical split that sends missing values left
    ///   (LightGBM always sends them right) or a non-finite threshold or value.
    /// - Complexity: O(total nodes + category words).
    public func lightGBMModelText() throws -> String {
        var out = "tree\nversion=v4\nnum_class=1\nnum_tree_per_iteration=1\nlabel_index=0\n"
        out += "max_feature_idx=\(max(0, featureCount - 1))\n"
        out += "objective=" + (objective == .logistic ? "binary sigmoid:1" : "regression") + "\n"
        out += "feature_names=" + Self.lightGBMFeatureNames(featureSchema.names).joined(separator: " ") + "\n"
        out += "feature_infos=" + featureSchema.columns.map { _ in "none" }.joined(separator: " ") + "\n\n"
        for (index, tree) in trees.enumerated() {
            out += try Self.lightGBMTree(tree, index: index, addingToLeaves: index == 0 ? baseScore : 0)
        }
        out += "end of trees\n\nparameters:\n[boosting: gbdt]\n"
        out += "[objective: " + (objective == .logistic ? "binary" : "regression") + "]\n"
        out += "end of parameters\n\npandas_categorical:null\n"
        return out
    }

    /// Feature names LightGBM's text format can hold, unique.
    static func lightGBMFeatureNames(_ names: [String]) -> [String] {
        let forbidden: Set<Character> = [" ", ",", ":", "\"", "[", "]", "{", "}", "\t", "\n", "\r"]
        var used = Set<String>()
        return names.enumerated().map { index, name in
            var base = String(name.map { forbidden.contains($0) ? "_" : $0 })
            if base.isEmpty { base = "feature_\(index)" }
            var candidate = base, suffix = 2
            while !used.insert(candidate).inserted {
                candidate = "\(base)_\(suffix)"
                suffix += 1
            }
            return candidate
        }
    }

    /// The double LightGBM compares against for a `Float` threshold: strictly between `t` and the
    /// next float up, below their midpoint (see ``lightGBMModelText()``).
    static func lightGBMThreshold(_ threshold: Float) -> Double {
        let low = Double(threshold), high = Double(threshold.nextUp)
        guard high.isFinite else { return low }
        return ((low + high) / 2).nextDown   // the midpoint needs 25 bits: exact in a Double
    }

    static func format(_ value: Double) -> String { "\(value)" }

    /// A cover as LightGBM's integer count: rounded, clamped to 0 … 2³¹ − 1 (LightGBM reads `int`).
    static func count(_ cover: Double) -> String {
        String(cover.isFinite ? Int(min(max(0, cover.rounded()), Double(Int32.max))) : 0)
    }

    private static func lightGBMTree(_ tree: RegressionTree, index: Int, addingToLeaves base: Double) throws -> String {
        // Preorder numbering with an explicit stack (no recursion as deep as a tree): internal
        // nodes 0, 1, … (the root first, as LightGBM requires), leaves 0, 1, … as they are reached.
        var internalIndex = [Int](repeating: -1, count: tree.nodeCount)
        var leafIndex = [Int](repeating: -1, count: tree.nodeCount)
        var internals: [Int] = [], leaves: [Int] = []
        var stack = [0]
        while let node = stack.popLast() {
            if tree.isLeaf(node) {
                leafIndex[node] = leaves.count
                leaves.append(node)
            } else {
                internalIndex[node] = internals.count
                internals.append(node)
                stack.append(Int(tree.rightChild[node]))
                stack.append(Int(tree.leftChild[node]))
            }
        }
        func child(_ node: Int32) -> String {
            tree.isLeaf(Int(node)) ? String(~leafIndex[Int(node)]) : String(internalIndex[Int(node)])
        }
        var splitFeature: [String] = [], gain: [String] = [], threshold: [String] = [], decision: [String] = []
        var left: [String] = [], right: [String] = [], internalValue: [String] = [], internalWeight: [String] = []
        var internalCount: [String] = [], catBoundaries = [0], catThreshold: [String] = []
        for node in internals {
            splitFeature.append(String(tree.splitFeature[node]))
            gain.append(format(tree.gain[node]))
            if tree.isCategoricalSplit(node) {
                guard !tree.missingGoesLeft[node] else {
                    throw LightGBMExportError(message: "tree \(index) node \(node): a categorical split sends missing "
                                              + "values left; LightGBM's format always sends them right.")
                }
                threshold.append(String(catBoundaries.count - 1))
                decision.append("9")   // categorical (1) | missing type NaN (2 << 2): NaN goes right
                let start = Int(tree.categoryStart[node]), count = Int(tree.categoryWordCount[node])
                for word in tree.categoryWords[start..<(start + count)] {
                    catThreshold.append(String(UInt32(truncatingIfNeeded: word)))
                    catThreshold.append(String(UInt32(truncatingIfNeeded: word >> 32)))
                }
                catBoundaries.append(catThreshold.count)
            } else {
                let t = tree.threshold[node]
                guard t.isFinite else {
                    throw LightGBMExportError(message: "tree \(index) node \(node): threshold \(t) is not finite.")
                }
                threshold.append(format(lightGBMThreshold(t)))
                decision.append(tree.missingGoesLeft[node] ? "10" : "8")   // NaN missing (8) | default left (2)
            }
            left.append(child(tree.leftChild[node]))
            right.append(child(tree.rightChild[node]))
            internalValue.append(format(tree.value[node]))
            internalWeight.append(format(tree.cover[node]))
            internalCount.append(count(tree.cover[node]))
        }
        var leafValue: [String] = []
        for node in leaves {
            let value = base == 0 ? tree.value[node] : base + tree.value[node]
            guard value.isFinite else {
                throw LightGBMExportError(message: "tree \(index) node \(node): leaf value \(value) is not finite.")
            }
            leafValue.append(format(value))
        }
        let catCount = catBoundaries.count - 1
        var out = "Tree=\(index)\nnum_leaves=\(leaves.count)\nnum_cat=\(catCount)\n"
        out += "split_feature=" + splitFeature.joined(separator: " ") + "\n"
        out += "split_gain=" + gain.joined(separator: " ") + "\n"
        out += "threshold=" + threshold.joined(separator: " ") + "\n"
        out += "decision_type=" + decision.joined(separator: " ") + "\n"
        out += "left_child=" + left.joined(separator: " ") + "\n"
        out += "right_child=" + right.joined(separator: " ") + "\n"
        out += "leaf_value=" + leafValue.joined(separator: " ") + "\n"
        out += "leaf_weight=" + leaves.map { format(tree.cover[$0]) }.joined(separator: " ") + "\n"
        out += "leaf_count=" + leaves.map { count(tree.cover[$0]) }.joined(separator: " ") + "\n"
        out += "internal_value=" + internalValue.joined(separator: " ") + "\n"
        out += "internal_weight=" + internalWeight.joined(separator: " ") + "\n"
        out += "internal_count=" + internalCount.joined(separator: " ") + "\n"
        if catCount > 0 {
            out += "cat_boundaries=" + catBoundaries.map(String.init).joined(separator: " ") + "\n"
            out += "cat_threshold=" + catThreshold.joined(separator: " ") + "\n"
        }
        out += "is_linear=0\nshrinkage=1\n\n\n"
        return out
    }
}

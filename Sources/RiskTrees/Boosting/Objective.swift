import RiskData

/// The objective seam: gradients, hessians, loss and base score of a loss function
/// (LightGBM's `ObjectiveFunction`). Concrete kernels, no generics in the hot loop.
package enum ObjectiveKernels {
    /// Fixed block size of loss reductions: sums over blocks are added in block order, so the loss
    /// does not depend on the thread count.
    package static let reductionBlock = 8192

    /// Writes per-row gradients and hessians for the current raw `scores` and returns the weighted
    /// loss Σ wᵢ·lossᵢ (not divided by Σ w).
    ///
    /// Logistic: p = σ(f), g = w(p − y), h = w·p(1 − p), loss = w(softplus(f) − y·f).
    /// Squared error: g = w(f − y), h = w, loss = w(f − y)².
    /// `weights == nil` means every weight is 1 (the same values bit for bit: ×1 is exact), without an
    /// n-element array of ones.
    package static func gradients(objective: ObjectiveKind, scores: [Double], labels: [Float], weights: [Float]?,
                                  gradients: inout [Float], hessians: inout [Float], threadCount: Int) -> Double {
        let n = scores.count
        let blocks = (n + reductionBlock - 1) / reductionBlock
        var partial = [Double](repeating: 0, count: blocks)
        let hasWeights = weights != nil
        scores.withUnsafeBufferPointer { f in
        labels.withUnsafeBufferPointer { y in
        (weights ?? []).withUnsafeBufferPointer { w in
        gradients.withUnsafeMutableBufferPointer { g in
        hessians.withUnsafeMutableBufferPointer { h in
        partial.withUnsafeMutableBufferPointer { partialSums in
            ParallelLoop.forEachChunk(count: blocks, threadCount: threadCount) { _, blockRange in
                for block in blockRange {
                    var loss = 0.0
                    let end = min(n, (block + 1) * reductionBlock)
                    switch objective {
                    case .logistic:
                        for i in (block * reductionBlock)..<end {
                            let score = f[i], label = Double(y[i]), weight = hasWeights ? Double(w[i]) : 1
                            let e = _exponential(-abs(score))
                            let p = score >= 0 ? 1 / (1 + e) : e / (1 + e)
                            g[i] = Float(weight * (p - label))
                            h[i] = Float(weight * p * (1 - p))
                            loss += weight * (max(score, 0) + _logarithmOnePlus(e) - label * score)
                        }
                    case .squaredError:
                        for i in (block * reductionBlock)..<end {
                            let residual = f[i] - Double(y[i]), weight = hasWeights ? Double(w[i]) : 1
                            g[i] = Float(weight * residual)
                            h[i] = Float(weight)
                            loss += weight * residual * residual
                        }
                    }
                    partialSums[block] = loss
                }
            }
        }}}}}}
        return partial.reduce(0, +)
    }

    /// Weighted loss Σ wᵢ·lossᵢ of `scores` (the same formula as `gradients`).
    package static func loss(objective: ObjectiveKind, scores: [Double], labels: [Float], weights: [Float]?,
                             threadCount: Int) -> Double {
        let n = scores.count
        let blocks = (n + reductionBlock - 1) / reductionBlock
        var partial = [Double](repeating: 0, count: blocks)
        partial.withUnsafeMutableBufferPointer { partialSums in
            ParallelLoop.forEachChunk(count: blocks, threadCount: threadCount) { _, blockRange in
                for block in blockRange {
                    var loss = 0.0
                    for i in (block * reductionBlock)..<min(n, (block + 1) * reductionBlock) {
                        loss += rowLoss(objective: objective, score: scores[i], label: Double(labels[i]))
                            * Double(weights?[i] ?? 1)
                    }
                    partialSums[block] = loss
                }
            }
        }
        return partial.reduce(0, +)
    }

    @inline(__always)
    package static func rowLoss(objective: ObjectiveKind, score: Double, label: Double) -> Double {
        switch objective {
        case .logistic: return max(score, 0) + _logarithmOnePlus(_exponential(-abs(score))) - label * score
        case .squaredError: return (score - label) * (score - label)
        }
    }
}

import Foundation
import RiskData

// Naive twins of every metric: definitions written the slow, obvious way (quadratic where that is
// the obvious way). Only the tests use them.

/// Seeded labelled data with many tied scores.
struct LabelledSample {
    var scores: [Double]
    var labels: [Float]
    var weights: [Float]
    var revenue: [Double]
    var probabilities: [Double] { scores.map { 1 / (1 + exp(-$0)) } }

    /// `rowCount` rows; scores take `distinctScores` values (so ties are frequent); labels are
    /// Bernoulli(σ(score)); weights uniform in 0...2 with about 5 % exactly 0; revenue only on positives.
    init(rowCount: Int, seed: UInt64, distinctScores: Int = 40) {
        var generator = SeededGenerator(seed: seed)
        scores = []; labels = []; weights = []; revenue = []
        for _ in 0..<rowCount {
            let score = Double(generator.nextInt(below: distinctScores)) / Double(distinctScores) * 8 - 5
            scores.append(score)
            let positive = generator.nextUnit() < 1 / (1 + exp(-score))
            labels.append(positive ? 1 : 0)
            let zero = generator.nextUnit() < 0.05
            weights.append(zero ? 0 : Float(2 * generator.nextUnit()))
            revenue.append(positive ? (1000 * generator.nextUnit()).rounded() : 0)
        }
    }
}

enum Naive {
    static func weight(_ weights: [Float]?, _ i: Int) -> Double { weights.map { Double($0[i]) } ?? 1 }

    /// AUC by counting every (positive, negative) pair; ties count ½. `nil` for one class.
    static func auc(_ scores: [Double], _ labels: [Float], _ weights: [Float]?) -> Double? {
        var numerator = 0.0, positive = 0.0, negative = 0.0
        for i in scores.indices where labels[i] > 0.5 { positive += weight(weights, i) }
        for j in scores.indices where labels[j] <= 0.5 { negative += weight(weights, j) }
        guard positive > 0, negative > 0 else { return nil }
        for i in scores.indices where labels[i] > 0.5 {
            for j in scores.indices where labels[j] <= 0.5 {
                let pair = weight(weights, i) * weight(weights, j)
                if scores[i] > scores[j] { numerator += pair } else if scores[i] == scores[j] { numerator += pair / 2 }
            }
        }
        return numerator / (positive * negative)
    }

    /// Average precision by its definition: Σ over distinct thresholds t (descending) of
    /// (recall(t) − recall(previous t)) · precision(t). `nil` without positives.
    static func averagePrecision(_ scores: [Double], _ labels: [Float], _ weights: [Float]?) -> Double? {
        let thresholds = Array(Set(scores)).sorted(by: >)
        var totalPositive = 0.0
        for i in scores.indices where labels[i] > 0.5 { totalPositive += weight(weights, i) }
        guard totalPositive > 0 else { return nil }
        var ap = 0.0, previousRecall = 0.0
        for t in thresholds {
            var tp = 0.0, selected = 0.0
            for i in scores.indices where scores[i] >= t {
                selected += weight(weights, i)
                if labels[i] > 0.5 { tp += weight(weights, i) }
            }
            let recall = tp / totalPositive
            let precision = selected > 0 ? tp / selected : 1
            ap += (recall - previousRecall) * precision
            previousRecall = recall
        }
        return ap
    }

    static func logLoss(_ p: [Double], _ labels: [Float], _ weights: [Float]?) -> Double {
        var sum = 0.0, total = 0.0
        for i in p.indices {
            let q = min(max(p[i], 1e-15), 1 - 1e-15)
            sum += weight(weights, i) * (labels[i] > 0.5 ? -log(q) : -log(1 - q))
            total += weight(weights, i)
        }
        return sum / total
    }

    static func brier(_ p: [Double], _ labels: [Float], _ weights: [Float]?) -> Double {
        var sum = 0.0, total = 0.0
        for i in p.indices {
            let y: Double = labels[i] > 0.5 ? 1 : 0
            sum += weight(weights, i) * (p[i] - y) * (p[i] - y)
            total += weight(weights, i)
        }
        return sum / total
    }

    /// Exact `ceil(percent × n / 100)` in integers.
    static func selectedCount(rowCount: Int, percent: Int) -> Int { (percent * rowCount + 99) / 100 }

    /// The top `count` rows: repeatedly take the unselected row with the highest score, earliest first.
    static func topRows(_ scores: [Double], count: Int) -> [Int] {
        var taken = [Bool](repeating: false, count: scores.count)
        var result: [Int] = []
        for _ in 0..<count {
            var best = -1
            for i in scores.indices where !taken[i] && (best < 0 || scores[i] > scores[best]) { best = i }
            taken[best] = true
            result.append(best)
        }
        return result
    }

    /// Pool adjacent violators by repeated scanning (quadratic): merge any adjacent pair of blocks
    /// whose means decrease until none does. Input sorted by x with unique x.
    static func isotonic(_ y: [Double], _ w: [Double]) -> [Double] {
        var blocks = y.indices.map { (mean: y[$0], weight: w[$0], count: 1) }
        var merged = true
        while merged {
            merged = false
            var i = 0
            while i + 1 < blocks.count {
                if blocks[i].mean > blocks[i + 1].mean {
                    let a = blocks[i], b = blocks[i + 1]
                    blocks[i] = ((a.mean * a.weight + b.mean * b.weight) / (a.weight + b.weight),
                                 a.weight + b.weight, a.count + b.count)
                    blocks.remove(at: i + 1)
                    merged = true
                } else {
                    i += 1
                }
            }
        }
        return blocks.flatMap { Array(repeating: $0.mean, count: $0.count) }
    }
}

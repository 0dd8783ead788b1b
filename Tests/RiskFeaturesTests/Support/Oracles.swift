/// Area under the ROC curve by average ranks (ties count half); the test oracle for leakage checks.
func rankAUC(scores: [Double], labels: [Float]) -> Double {
    let order = scores.indices.sorted { scores[$0] < scores[$1] }
    var ranks = [Double](repeating: 0, count: scores.count)
    var i = 0
    while i < order.count {
        var j = i
        while j + 1 < order.count, scores[order[j + 1]] == scores[order[i]] { j += 1 }
        let average = Double(i + j) / 2 + 1
        for k in i...j { ranks[order[k]] = average }
        i = j + 1
    }
    let positives = labels.filter { $0 == 1 }.count
    let negatives = labels.count - positives
    var rankSum = 0.0
    for (index, label) in labels.enumerated() where label == 1 { rankSum += ranks[index] }
    return (rankSum - Double(positives) * Double(positives + 1) / 2) / (Double(positives) * Double(negatives))
}

/// O(n²) pair-counting AUC: the naive twin of `rankAUC`.
func pairAUC(scores: [Double], labels: [Float]) -> Double {
    var wins = 0.0, pairs = 0.0
    for i in scores.indices where labels[i] == 1 {
        for j in scores.indices where labels[j] == 0 {
            pairs += 1
            if scores[i] > scores[j] { wins += 1 } else if scores[i] == scores[j] { wins += 0.5 }
        }
    }
    return wins / pairs
}

/// Median of a non-empty array.
func naiveMedian(_ values: [Double]) -> Double {
    let s = values.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

/// Bit patterns, so NaN compares equal to NaN.
func bits(_ values: [Float]) -> [UInt32] { values.map(\.bitPattern) }

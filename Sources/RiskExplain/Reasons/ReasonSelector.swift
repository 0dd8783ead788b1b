/// Chooses which groups of one declaration become reasons, from its feature contributions.
///
/// Groups whose share `|value| / Σ|values|` is at least the minimum share are candidates; the
/// `aeo` group never is (the generator may append it as a mitigating reason). Candidates are
/// ordered risk-increasing first (largest value first), then risk-lowering (most negative first),
/// ties by group name. Σ|values| is summed in `GroupedExplanation`'s order (|value| descending,
/// ties by name), so every share is the Double a grouped explanation gives.
///
/// Holds its buffers: one selector per thread, reused for every declaration; nothing is
/// allocated once they have grown to the number of groups.
package struct ReasonSelector {
    /// Σ contributions per group, in `FeatureGrouping.groups` order.
    private(set) var sums: [Double] = []
    /// Candidate group indices in reason order (valid after `select` returned a total).
    private(set) var candidates: [Int] = []
    private var order: [Int] = []

    package init() {}

    /// Sums `contributions` by group and orders the candidates.
    ///
    /// - Returns: Σ|group values|, or nil when it is zero or not finite (nothing to explain).
    /// - Complexity: O(features + groups²): insertion sorts of a few dozen groups.
    mutating func select(contributions: UnsafeBufferPointer<Double>, grouping: FeatureGrouping,
                         minimumShare: Double) -> Double? {
        let groupCount = grouping.groups.count
        if sums.count != groupCount { sums = [Double](repeating: 0, count: groupCount) }
        grouping.sum(contributions, into: &sums)
        order.removeAll(keepingCapacity: true)
        order.append(contentsOf: 0..<groupCount)
        candidates.removeAll(keepingCapacity: true)
        let total: Double = sums.withUnsafeBufferPointer { sums in
            grouping.nameRanks.withUnsafeBufferPointer { ranks in
                order.withUnsafeMutableBufferPointer { order in
                    Self.insertionSort(order) { i, j in
                        let a = abs(sums[i]), b = abs(sums[j])
                        return a != b ? a > b : ranks[i] < ranks[j]
                    }
                    var total = 0.0
                    for i in order { total += abs(sums[i]) }
                    return total
                }
            }
        }
        guard total > 0, total.isFinite else { return nil }
        for i in order where i != grouping.aeoIndex {
            let value = sums[i]
            if value != 0 && abs(value) / total >= minimumShare { candidates.append(i) }
        }
        sums.withUnsafeBufferPointer { sums in
            grouping.nameRanks.withUnsafeBufferPointer { ranks in
                candidates.withUnsafeMutableBufferPointer { candidates in
                    Self.insertionSort(candidates) { i, j in
                        let a = sums[i], b = sums[j]
                        if (a > 0) != (b > 0) { return a > 0 }
                        if a != b { return a > 0 ? a > b : a < b }
                        return ranks[i] < ranks[j]
                    }
                }
            }
        }
        return total
    }

    /// Sorts `items` by `areInIncreasingOrder` (a strict total order here: ties end on distinct
    /// ranks), in place; the few dozen groups of a schema make insertion sort the cheapest.
    @inline(__always)
    static func insertionSort(_ items: UnsafeMutableBufferPointer<Int>, by areInIncreasingOrder: (Int, Int) -> Bool) {
        guard items.count > 1 else { return }
        for k in 1..<items.count {
            let item = items[k]
            var position = k
            while position > 0 && areInIncreasingOrder(item, items[position - 1]) {
                items[position] = items[position - 1]
                position -= 1
            }
            items[position] = item
        }
    }
}

/// Seeded row splits and subsamples.
public enum Sampling {
    /// A seeded permutation of `0..<count` (Fisher–Yates).
    public static func permutation(count: Int, seed: UInt64) -> [Int] {
        var generator = SeededGenerator(seed: seed)
        var rows = Array(0..<count)
        if count > 1 {
            for i in stride(from: count - 1, to: 0, by: -1) {
                rows.swapAt(i, generator.nextInt(below: i + 1))
            }
        }
        return rows
    }

    /// Splits `0..<count` into (train, holdout) with `holdoutFraction` of rows held out, seeded.
    /// Both parts are returned in increasing row order.
    public static func split(count: Int, holdoutFraction: Double, seed: UInt64) -> (train: [Int], holdout: [Int]) {
        let perm = permutation(count: count, seed: seed)
        let holdoutCount = Int((Double(count) * min(max(holdoutFraction, 0), 1)).rounded())
        return (Array(perm[holdoutCount...]).sorted(), Array(perm[..<holdoutCount]).sorted())
    }

    /// Assigns each of `count` rows to one of `foldCount` folds, seeded and balanced.
    public static func foldAssignment(count: Int, foldCount: Int, seed: UInt64) -> [Int] {
        precondition(foldCount >= 1)
        let perm = permutation(count: count, seed: seed)
        var fold = [Int](repeating: 0, count: count)
        for (position, row) in perm.enumerated() { fold[row] = position % foldCount }
        return fold
    }
}

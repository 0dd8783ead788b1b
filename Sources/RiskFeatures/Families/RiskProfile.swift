/// Training statistics of one key field (an importer, an HS6, a route…), one entry per fitted code.
///
/// `rate[c] = (labelSum[c] + m·prior) / (count[c] + m)` is the smoothed illicit rate on all
/// training data (what scoring uses); `meanRevenue` likewise with the mean revenue as prior.
/// Reference: Micci-Barreca, "A preprocessing scheme for high-cardinality categorical attributes"
/// (SIGKDD Explorations 2001), and CatBoost's ordered target statistics for the time-ordered mode.
package struct KeyProfile: Sendable, Hashable, Codable {
    package var count: [Double]
    package var labelSum: [Double]
    package var revenueSum: [Double]?
    package var rate: [Double]
    package var meanRevenue: [Double]?
}

/// Per-row out-of-fold profile values of the training rows, one array per profiled field.
package struct OutOfFoldProfiles: Sendable {
    package var rates: [[Double]]
    package var revenues: [[Double]]?
}

/// Computes risk profiles: all-data statistics and out-of-fold values.
enum ProfileEstimator {
    @inline(__always)
    static func smooth(sum: Double, count: Double, prior: Double, strength: Double) -> Double {
        let denominator = count + strength
        return denominator > 0 ? (sum + strength * prior) / denominator : prior
    }

    /// Revenue of a row for profiles: NaN (unknown) counts as 0.
    @inline(__always)
    static func revenueValue(_ revenue: [Double]?, _ row: Int) -> Double {
        guard let revenue else { return 0 }
        let value = revenue[row]
        return value.isFinite ? value : 0
    }

    /// All-training statistics of one field.
    static func full(codes: [Int32], vocabularyCount: Int, labels: [Float], revenue: [Double]?,
                     prior: Double, priorRevenue: Double, strength: Double) -> KeyProfile {
        var count = [Double](repeating: 0, count: vocabularyCount)
        var labelSum = [Double](repeating: 0, count: vocabularyCount)
        var revenueSum = [Double](repeating: 0, count: vocabularyCount)
        for row in codes.indices {
            let code = Int(codes[row])
            guard code >= 0 else { continue }
            count[code] += 1
            labelSum[code] += Double(labels[row])
            revenueSum[code] += revenueValue(revenue, row)
        }
        let rate = (0..<vocabularyCount).map {
            smooth(sum: labelSum[$0], count: count[$0], prior: prior, strength: strength)
        }
        let meanRevenue = revenue == nil ? nil : (0..<vocabularyCount).map {
            smooth(sum: revenueSum[$0], count: count[$0], prior: priorRevenue, strength: strength)
        }
        return KeyProfile(count: count, labelSum: labelSum, revenueSum: revenue == nil ? nil : revenueSum,
                          rate: rate, meanRevenue: meanRevenue)
    }

    /// K-fold out-of-fold values: a row in fold f sees only rows of the other folds, and so does its
    /// prior. Rows with a missing key get the out-of-fold prior. NaN when the other folds are empty.
    /// `totals` are the fields' `full` profiles: a fold's statistics are the totals minus its own.
    ///
    /// - Complexity: O(*n* · fields + folds · vocabulary).
    static func kFold(codes: [[Int32]], totals: [KeyProfile], labels: [Float], revenue: [Double]?,
                      folds: [Int], foldCount: Int, strength: Double) -> OutOfFoldProfiles {
        let n = labels.count
        var foldRows = [Double](repeating: 0, count: foldCount)
        var foldLabels = [Double](repeating: 0, count: foldCount)
        var foldRevenue = [Double](repeating: 0, count: foldCount)
        for row in 0..<n {
            foldRows[folds[row]] += 1
            foldLabels[folds[row]] += Double(labels[row])
            foldRevenue[folds[row]] += revenueValue(revenue, row)
        }
        let totalRows = foldRows.reduce(0, +), totalLabels = foldLabels.reduce(0, +)
        let totalRevenue = foldRevenue.reduce(0, +)
        var rates: [[Double]] = []
        var revenues: [[Double]] = []
        for (fieldCodes, total) in zip(codes, totals) {
            let v = total.count.count
            let count = total.count, sum = total.labelSum, revenueSum = total.revenueSum ?? []
            var foldCountArray = [Double](repeating: 0, count: v * foldCount)
            var foldSum = foldCountArray, foldRevenueSum = foldCountArray
            for row in 0..<n {
                let code = Int(fieldCodes[row])
                guard code >= 0 else { continue }
                let at = folds[row] * v + code
                foldCountArray[at] += 1; foldSum[at] += Double(labels[row])
                foldRevenueSum[at] += revenueValue(revenue, row)
            }
            var rate = [Double](repeating: .nan, count: n)
            var meanRevenue = [Double](repeating: .nan, count: revenue == nil ? 0 : n)
            for row in 0..<n {
                let fold = folds[row]
                let outRows = totalRows - foldRows[fold]
                guard outRows > 0 else { continue }
                let prior = (totalLabels - foldLabels[fold]) / outRows
                let priorRevenue = (totalRevenue - foldRevenue[fold]) / outRows
                let code = Int(fieldCodes[row])
                if code < 0 {
                    rate[row] = prior
                    if revenue != nil { meanRevenue[row] = priorRevenue }
                    continue
                }
                let at = fold * v + code
                let c = count[code] - foldCountArray[at]
                rate[row] = smooth(sum: sum[code] - foldSum[at], count: c, prior: prior, strength: strength)
                if revenue != nil {
                    meanRevenue[row] = smooth(sum: revenueSum[code] - foldRevenueSum[at], count: c,
                                              prior: priorRevenue, strength: strength)
                }
            }
            rates.append(rate)
            revenues.append(meanRevenue)
        }
        return OutOfFoldProfiles(rates: rates, revenues: revenue == nil ? nil : revenues)
    }

    /// Time-ordered values: a row sees only rows dated strictly earlier (rows without a date are
    /// treated as later than every dated row). NaN for rows with no earlier row at all.
    ///
    /// - Complexity: O(*n* log *n* + *n* · fields).
    static func timeOrdered(codes: [[Int32]], vocabularyCounts: [Int], labels: [Float], revenue: [Double]?,
                            dates: [Int32?], strength: Double) -> OutOfFoldProfiles {
        let n = labels.count
        let dateKeys = dates.map { Int64($0 ?? Int32.max) + ($0 == nil ? 1 : 0) }
        let order = (0..<n).sorted { dateKeys[$0] != dateKeys[$1] ? dateKeys[$0] < dateKeys[$1] : $0 < $1 }
        var count = vocabularyCounts.map { [Double](repeating: 0, count: $0) }
        var sum = count, revenueSum = count
        var rates = codes.map { _ in [Double](repeating: .nan, count: n) }
        var revenues = codes.map { _ in [Double](repeating: .nan, count: revenue == nil ? 0 : n) }
        var seenRows = 0.0, seenLabels = 0.0, seenRevenue = 0.0
        var start = 0
        while start < n {
            var end = start
            while end < n, dateKeys[order[end]] == dateKeys[order[start]] { end += 1 }
            if seenRows > 0 {
                let prior = seenLabels / seenRows, priorRevenue = seenRevenue / seenRows
                for position in start..<end {
                    let row = order[position]
                    for field in codes.indices {
                        let code = Int(codes[field][row])
                        if code < 0 {
                            rates[field][row] = prior
                            if revenue != nil { revenues[field][row] = priorRevenue }
                        } else {
                            let c = count[field][code]
                            rates[field][row] = smooth(sum: sum[field][code], count: c, prior: prior,
                                                       strength: strength)
                            if revenue != nil {
                                revenues[field][row] = smooth(sum: revenueSum[field][code], count: c,
                                                              prior: priorRevenue, strength: strength)
                            }
                        }
                    }
                }
            }
            for position in start..<end {
                let row = order[position]
                let y = Double(labels[row]), r = revenueValue(revenue, row)
                seenRows += 1; seenLabels += y; seenRevenue += r
                for field in codes.indices {
                    let code = Int(codes[field][row])
                    guard code >= 0 else { continue }
                    count[field][code] += 1; sum[field][code] += y; revenueSum[field][code] += r
                }
            }
            start = end
        }
        return OutOfFoldProfiles(rates: rates, revenues: revenue == nil ? nil : revenues)
    }
}

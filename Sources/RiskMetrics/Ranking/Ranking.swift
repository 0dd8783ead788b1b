/// Row indices sorted by descending score, ties by descending tie-breaker (when given), then by
/// ascending row index: the one ordering every ranking and targeting metric in this module is
/// computed from.
///
/// The order is a strict total order, so it is deterministic whatever the sort algorithm.
/// Complexity: O(*n* log *n*) to build.
struct Ranking: Sendable {
    /// Row indices, highest score first; among equal scores, higher tie-breaker first, then lower
    /// row index.
    let order: [Int]

    /// - Parameter tieBreakers: One finite value per score (the raw model score behind a calibrated
    ///   probability), or nil to break ties by row index alone.
    init(scores: [Double], tieBreakers: [Double]? = nil) {
        order = scores.withUnsafeBufferPointer { s in
            if let tieBreakers {
                return tieBreakers.withUnsafeBufferPointer { t in
                    Array(s.indices).sorted { a, b in
                        s[a] != s[b] ? s[a] > s[b] : (t[a] != t[b] ? t[a] > t[b] : a < b)
                    }
                }
            }
            return Array(s.indices).sorted { a, b in
                s[a] > s[b] || (s[a] == s[b] && a < b)
            }
        }
    }

    /// Calls `body` once per group of tied scores, from the highest score down, with the group's
    /// score and its weighted positive and negative totals.
    func forEachTieGroup(scores: [Double], labels: [Float], weights: [Float]?,
                         _ body: (_ score: Double, _ positive: Double, _ negative: Double) -> Void) {
        scores.withUnsafeBufferPointer { s in
            labels.withUnsafeBufferPointer { y in
                order.withUnsafeBufferPointer { o in
                    var i = 0
                    while i < o.count {
                        let score = s[o[i]]
                        var positive = 0.0, negative = 0.0
                        var j = i
                        while j < o.count && s[o[j]] == score {
                            let row = o[j]
                            let w = MetricInput.weight(weights, row)
                            if y[row] > 0.5 { positive += w } else { negative += w }
                            j += 1
                        }
                        body(score, positive, negative)
                        i = j
                    }
                }
            }
        }
    }
}

/// Keeps a subset of an ordered list of curve points for drawing: a point is kept when it moved at
/// least `1 / resolution` in x or y from the last kept point; the first and last are always kept.
/// At most about `2 × resolution + 2` points remain.
func thinnedCurve<Point>(_ points: [Point], resolution: Int, x: (Point) -> Double, y: (Point) -> Double) -> [Point] {
    guard points.count > 2 * resolution + 2 else { return points }
    let step = 1 / Double(resolution)
    var kept = [points[0]]
    var lastX = x(points[0]), lastY = y(points[0])
    for point in points.dropFirst().dropLast() {
        let px = x(point), py = y(point)
        if abs(px - lastX) >= step || abs(py - lastY) >= step {
            kept.append(point)
            lastX = px
            lastY = py
        }
    }
    kept.append(points[points.count - 1])
    return kept
}

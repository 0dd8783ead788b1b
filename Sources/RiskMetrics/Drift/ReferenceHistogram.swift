import Foundation

/// The distribution of one variable on reference data (the training declarations), kept as quantile
/// bins so that later data can be compared with it by the population stability index.
///
/// Bins: the interior edges are the reference's deciles (duplicates removed, so a variable with few
/// distinct values has fewer bins); bin `k` holds `edges[k − 1] ≤ x < edges[k]`. Missing values
/// (NaN) are a bin of their own.
public struct ReferenceHistogram: Sendable, Hashable, Codable {
    /// Ascending interior bin edges (at most `maximumEdgeCount`).
    public var edges: [Double]
    /// Share of the reference's non-missing values in each of the `edges.count + 1` bins, of all values.
    public var shares: [Double]
    /// Share of the reference's values that were missing.
    public var missingShare: Double

    /// Most interior edges a histogram may have (a bundle is untrusted input).
    public static let maximumEdgeCount = 64

    /// Shares below this count as this in the index (an empty bin would make it infinite).
    public static let shareFloor = 1e-4

    /// The decile histogram of `values` (NaN = missing).
    ///
    /// - Complexity: O(n log n).
    public init(values: [Double], binCount: Int = 10) {
        let present = values.filter { !$0.isNaN }.sorted()
        var edges: [Double] = []
        if !present.isEmpty {
            for k in 1..<max(2, binCount) {
                let edge = present[min(present.count - 1, k * present.count / binCount)]
                // An edge equal to the minimum would leave the first bin empty by construction.
                if edge > present[0], edge != edges.last, edge.isFinite { edges.append(edge) }
            }
        }
        self.edges = edges
        let (shares, missing) = Self.shares(values, edges: edges)
        self.shares = shares
        missingShare = missing
    }

    /// A histogram from stored parts, checked: finite ascending edges, shares in [0, 1] summing (with
    /// the missing share) to 1 within 1e-6.
    ///
    /// - Throws: `MetricError` `.invalidParameter` naming the bad value.
    public init(edges: [Double], shares: [Double], missingShare: Double) throws {
        self.edges = edges
        self.shares = shares
        self.missingShare = missingShare
        try validate()
    }

    /// Checks the invariants of ``init(edges:shares:missingShare:)`` (for a decoded bundle).
    public func validate() throws {
        guard edges.count <= Self.maximumEdgeCount else {
            throw MetricError(.invalidParameter, "has \(edges.count) bin edges, over the limit of \(Self.maximumEdgeCount).")
        }
        for (k, edge) in edges.enumerated() where !edge.isFinite || (k > 0 && !(edge > edges[k - 1])) {
            throw MetricError(.invalidParameter, "bin edge \(k) is \(edge); expected finite edges in ascending order.")
        }
        guard shares.count == edges.count + 1 else {
            throw MetricError(.invalidParameter, "has \(shares.count) shares for \(edges.count) edges; expected "
                              + "\(edges.count + 1).")
        }
        let total = shares.reduce(missingShare, +)
        guard (shares + [missingShare]).allSatisfy({ $0 >= 0 && $0 <= 1 }), abs(total - 1) <= 1e-6 else {
            throw MetricError(.invalidParameter, "shares \(shares) and missing share \(missingShare) do not form a "
                              + "distribution (each in [0, 1], summing to 1).")
        }
    }

    /// The share of `values` in each bin of `edges`, and the missing share.
    static func shares(_ values: [Double], edges: [Double]) -> (shares: [Double], missing: Double) {
        var counts = [Int](repeating: 0, count: edges.count + 1)
        var missing = 0
        for value in values {
            if value.isNaN { missing += 1; continue }
            // The first edge above the value: its bin.
            var low = 0, high = edges.count
            while low < high {
                let middle = (low + high) / 2
                if edges[middle] <= value { low = middle + 1 } else { high = middle }
            }
            counts[low] += 1
        }
        let n = Double(max(1, values.count))
        return (counts.map { Double($0) / n }, values.isEmpty ? 0 : Double(missing) / n)
    }

    /// The population stability index of `values` against this reference:
    /// Σ over bins (incl. missing) of (aₖ − eₖ) · ln(aₖ / eₖ), each share floored at ``shareFloor``.
    /// Usual reading: below 0.1 stable, 0.1–0.25 a shift worth watching, above 0.25 a shift to act on.
    ///
    /// - Returns: 0 for no values.
    /// - Complexity: O(n log bins).
    public func stabilityIndex(of values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let (actual, missing) = Self.shares(values, edges: edges)
        var index = 0.0
        for (a, e) in zip(actual + [missing], shares + [missingShare]) {
            let a = max(a, Self.shareFloor), e = max(e, Self.shareFloor)
            index += (a - e) * Foundation.log(a / e)
        }
        return index
    }
}

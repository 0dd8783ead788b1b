/// Sums of one histogram bin: Σ gradient, Σ hessian and row count, interleaved so one bin is one
/// 24-byte record (the three accumulators of a row land on the same cache line).
package struct HistogramBin: Sendable, Hashable {
    package var gradient: Double
    package var hessian: Double
    package var count: Double

    package init(gradient: Double = 0, hessian: Double = 0, count: Double = 0) {
        self.gradient = gradient
        self.hessian = hessian
        self.count = count
    }

    package static let zero = HistogramBin()
}

/// Totals of the rows of a node.
package struct NodeTotals: Sendable, Hashable {
    package var gradient: Double
    package var hessian: Double
    package var count: Int
}

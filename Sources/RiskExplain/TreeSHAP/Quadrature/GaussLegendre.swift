/// Gauss–Legendre quadrature on `[0, 1]`.
///
/// An `n`-point rule integrates every polynomial of degree ≤ 2n − 1 exactly (in exact arithmetic);
/// in Double the nodes and weights are accurate to a few ulps for the `n ≤ 16` used here.
enum GaussLegendre {
    /// Nodes `t` in `(0, 1)` (ascending) and weights (summing to 1) of the `count`-point rule.
    ///
    /// Newton's method on the Legendre polynomial P_n, started from the classical estimate
    /// cos(π(i − ¼)/(n + ½)); P_n and its derivative come from the three-term recurrence.
    /// - Complexity: O(*count*²).
    static func rule(count: Int) -> (nodes: [Double], weights: [Double]) {
        precondition(count >= 1, "a quadrature rule needs at least one node")
        var nodes = [Double](repeating: 0, count: count)
        var weights = [Double](repeating: 0, count: count)
        let n = Double(count)
        for i in 0..<count {
            var x = cos(Double.pi * (Double(i) + 0.75) / (n + 0.5))
            var derivative = 1.0
            for _ in 0..<100 {
                var previous = 1.0, current = x
                for k in stride(from: 2, through: count, by: 1) {
                    let next = ((2 * Double(k) - 1) * x * current - (Double(k) - 1) * previous) / Double(k)
                    previous = current
                    current = next
                }
                // current = P_n(x), previous = P_{n-1}(x).
                derivative = n * (x * current - previous) / (x * x - 1)
                let step = current / derivative
                x -= step
                if abs(step) <= 1e-17 { break }
            }
            // Map [-1, 1] to [0, 1]: t = (1 − x)/2 (ascending in i), weight halves.
            nodes[i] = (1 - x) / 2
            weights[i] = 1 / ((1 - x * x) * derivative * derivative)
        }
        return (nodes, weights)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

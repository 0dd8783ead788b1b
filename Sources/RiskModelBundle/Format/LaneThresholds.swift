/// The channel a declaration is routed to.
public enum Lane: String, Sendable, Hashable, Codable, CaseIterable {
    /// Physical inspection before release.
    case red
    /// Documentary check before release.
    case yellow
    /// Release now, audit after clearance.
    case blue
    /// Release without control.
    case green
}

/// Probability thresholds that route declarations to lanes: `p ≥ red` → red, else `p ≥ yellow`
/// → yellow, else `p ≥ blue` → blue, else green. Derived from target rates on validation data,
/// so "red" means "the riskiest 2% of a typical day's flow" rather than a magic number.
public struct LaneThresholds: Sendable, Hashable, Codable {
    public var red: Double
    public var yellow: Double
    public var blue: Double

    /// Creates thresholds; they must satisfy `red ≥ yellow ≥ blue`.
    ///
    /// - Throws: `BundleError` `.invalidParameter` naming the threshold out of order or outside 0...1.
    public init(red: Double, yellow: Double, blue: Double) throws {
        for (name, v) in [("red", red), ("yellow", yellow), ("blue", blue)] where !(v >= 0 && v <= 1) {
            throw BundleError(.invalidParameter, "lane threshold \(name) is \(v); expected a probability in 0...1.")
        }
        guard red >= yellow, yellow >= blue else {
            throw BundleError(.invalidParameter, "lane thresholds must satisfy red ≥ yellow ≥ blue; got red \(red), "
                               + "yellow \(yellow), blue \(blue).")
        }
        self.red = red
        self.yellow = yellow
        self.blue = blue
    }

    /// Thresholds such that, on `probabilities` (validation data), about `redRate` of rows are red,
    /// `yellowRate` red or yellow, and `blueRate` red, yellow or blue.
    ///
    /// - Throws: `BundleError` when the rates are not increasing in (0, 1] or `probabilities` is empty.
    /// - Complexity: O(*n* log *n*).
    public static func fromTargetRates(probabilities: [Double], redRate: Double = 0.02, yellowRate: Double = 0.05,
                                       blueRate: Double = 0.10) throws -> LaneThresholds {
        guard !probabilities.isEmpty else {
            throw BundleError(.invalidParameter, "cannot derive lane thresholds from an empty validation set.")
        }
        guard redRate > 0, redRate <= yellowRate, yellowRate <= blueRate, blueRate <= 1 else {
            throw BundleError(.invalidParameter, "lane rates must satisfy 0 < red ≤ yellow ≤ blue ≤ 1; got red "
                               + "\(redRate), yellow \(yellowRate), blue \(blueRate).")
        }
        let sorted = probabilities.sorted(by: >)
        func threshold(_ rate: Double) -> Double {
            let k = max(1, Int((rate * Double(sorted.count)).rounded(.up)))
            return sorted[min(k, sorted.count) - 1]
        }
        return try LaneThresholds(red: threshold(redRate), yellow: threshold(yellowRate), blue: threshold(blueRate))
    }

    /// The lane of a declaration with calibrated probability `p`.
    public func lane(for p: Double) -> Lane {
        if p >= red { return .red }
        if p >= yellow { return .yellow }
        if p >= blue { return .blue }
        return .green
    }
}

import Foundation

/// Wall-clock timings of the scoring stages, printed to standard error when the environment
/// variable `RISKCTL_STAGE_TIMES` is set (to anything). Off by default: then `lap` only reads a
/// Boolean. Used to find where `riskctl score` spends its time (Docs/Performance.md).
package struct StageTimer {
    package static let isEnabled = ProcessInfo.processInfo.environment["RISKCTL_STAGE_TIMES"] != nil
    private var last: ContinuousClock.Instant?

    package init() {
        last = Self.isEnabled ? ContinuousClock.now : nil
    }

    /// Prints the time since the previous lap (or `init`) under `label`.
    package mutating func lap(_ label: @autoclosure () -> String) {
        guard let start = last else { return }
        let now = ContinuousClock.now
        let seconds = (now - start) / .seconds(1)
        FileHandle.standardError.write(Data("stage \(label()): \(String(format: "%.3f", seconds)) s\n".utf8))
        last = now
    }
}

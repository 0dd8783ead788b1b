/// Where an optimiser stopped.
struct SolverOutcome {
    var iterations: Int
    var converged: Bool
    var stopReason: String
}

/// A parameter-length vector allocated once per fit.
final class Vector {
    let buffer: UnsafeMutableBufferPointer<Double>
    var count: Int { buffer.count }
    init(_ count: Int, repeating value: Double = 0) {
        buffer = .allocate(capacity: count)
        buffer.initialize(repeating: value)
    }
    deinit { buffer.deallocate() }
    subscript(i: Int) -> Double {
        get { buffer[i] }
        set { buffer[i] = newValue }
    }
    func copy(from other: Vector) { for i in 0..<count { buffer[i] = other.buffer[i] } }
    func dot(_ other: Vector) -> Double {
        var s = 0.0
        for i in 0..<count { s += buffer[i] * other.buffer[i] }
        return s
    }
    var maximumMagnitude: Double { buffer.reduce(0) { max($0, abs($1)) } }
    /// Σ |vᵢ|, added in index order.
    var absoluteSum: Double { buffer.reduce(0) { $0 + abs($1) } }
}

/// Stops after `consecutiveNeeded` iterations whose relative loss decrease is at most `tolerance`.
struct LossStallDetector {
    let tolerance: Double
    let consecutiveNeeded = 3
    var consecutive = 0
    mutating func update(old: Double, new: Double) -> Bool {
        guard tolerance > 0 else { return false }
        if (old - new) <= tolerance * max(abs(new), 1) { consecutive += 1 } else { consecutive = 0 }
        return consecutive >= consecutiveNeeded
    }
}

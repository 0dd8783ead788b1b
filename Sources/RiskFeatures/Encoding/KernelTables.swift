import RiskData
import RiskDeclarations

/// Read-only views of the fitted tables for one `emit` call: buffer pointers instead of nested
/// arrays of structs, so the row loop neither copies structs nor retains arrays.
struct KernelTables {
    var slots: [Slot]
    var linearPlan: [LinearColumnPlan]
    var profiledFields: [Int]
    var routePairs: [Int64: Int32]
    var rates: [UnsafeBufferPointer<Double>]
    var revenues: [UnsafeBufferPointer<Double>]
    var counts: [UnsafeBufferPointer<Double>]
    var levels: [UnsafeBufferPointer<Int32>]
    var otherLevels: [Int32]
    var importerFirstDate: UnsafeBufferPointer<Int32>
}

/// Calls `body` with buffer pointers to every array of `arrays`, valid for the duration of the call.
///
/// Concrete per element type and kept out of the optimizer (`@_optimize(none)`): closure
/// specialisation folded the caller's captures (a whole `FittedFeaturePipeline`) into the
/// recursion, copying — retaining and releasing every array of — the pipeline once per nesting
/// level, ≈ 60 levels and ≈ 130 µs per `transform` call, more than the rest of scoring one
/// declaration. Unoptimised, a level is one closure call; non-generic, it needs no metadata look-up.
@_optimize(none)
func withBufferPointers<Result>(_ arrays: [[Double]], _ body: ([UnsafeBufferPointer<Double>]) -> Result) -> Result {
    var pointers: [UnsafeBufferPointer<Double>] = []
    pointers.reserveCapacity(arrays.count)
    func nest(_ index: Int) -> Result {
        if index == arrays.count { return body(pointers) }
        return arrays[index].withUnsafeBufferPointer { buffer in
            pointers.append(buffer)
            return nest(index + 1)
        }
    }
    return nest(0)
}

/// `withBufferPointers` for `Int32` arrays (see the `Double` version).
@_optimize(none)
func withBufferPointers<Result>(_ arrays: [[Int32]], _ body: ([UnsafeBufferPointer<Int32>]) -> Result) -> Result {
    var pointers: [UnsafeBufferPointer<Int32>] = []
    pointers.reserveCapacity(arrays.count)
    func nest(_ index: Int) -> Result {
        if index == arrays.count { return body(pointers) }
        return arrays[index].withUnsafeBufferPointer { buffer in
            pointers.append(buffer)
            return nest(index + 1)
        }
    }
    return nest(0)
}

extension FittedFeaturePipeline {
    /// Calls `body` with the kernel tables of this pipeline.
    func withKernelTables<Result>(_ body: (KernelTables) -> Result) -> Result {
        let doubles = profiles.map(\.rate) + profiles.map { $0.meanRevenue ?? [] } + profiles.map(\.count)
        let integers = categoricalLevels.map(\.levelOfCode) + [importerFirstDate]
        let p = profiles.count
        return withBufferPointers(doubles) { d in
            withBufferPointers(integers) { i in
                body(KernelTables(slots: treeSlots, linearPlan: linearPlan, profiledFields: profiledFields,
                                  routePairs: routePairs, rates: Array(d[0..<p]), revenues: Array(d[p..<(2 * p)]),
                                  counts: Array(d[(2 * p)...]), levels: Array(i.dropLast()),
                                  otherLevels: categoricalLevels.map(\.otherLevel), importerFirstDate: i.last!))
            }
        }
    }
}

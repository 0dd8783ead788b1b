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

/// A pipeline's kernel tables made once and kept: flat copies of the fitted arrays that live as long
/// as this object, so a caller transforming many small tables (one declaration at a time) does not
/// pay `withKernelTables` — about 60 nested buffer scopes and five array copies — on every call.
/// Immutable after `init`; share one between threads.
package final class PreparedKernelTables: @unchecked Sendable {
    let tables: KernelTables
    /// The vocabulary of every key field, in `keyFields` order (what `TableView` looks up by name).
    let fieldVocabularies: [Vocabulary?]
    private let doubleStorage: UnsafeMutableBufferPointer<Double>
    private let integerStorage: UnsafeMutableBufferPointer<Int32>

    /// Copies the fitted tables of `pipeline`. O(size of its profiles and level tables).
    package init(_ pipeline: FittedFeaturePipeline) {
        let doubles = pipeline.kernelDoubleArrays, integers = pipeline.kernelIntegerArrays
        doubleStorage = .allocate(capacity: max(1, doubles.reduce(0) { $0 + $1.count }))
        integerStorage = .allocate(capacity: max(1, integers.reduce(0) { $0 + $1.count }))
        func views<T>(_ arrays: [[T]], in storage: UnsafeMutableBufferPointer<T>) -> [UnsafeBufferPointer<T>] {
            var start = 0
            return arrays.map { array in
                let view = UnsafeMutableBufferPointer(rebasing: storage[start..<(start + array.count)])
                _ = view.initialize(from: array)
                start += array.count
                return UnsafeBufferPointer(view)
            }
        }
        fieldVocabularies = pipeline.keyFields.map { pipeline.vocabularies[$0.space] }
        tables = pipeline.kernelTables(doubles: views(doubles, in: doubleStorage),
                                       integers: views(integers, in: integerStorage))
    }

    deinit {
        doubleStorage.deallocate()
        integerStorage.deallocate()
    }
}

extension FittedFeaturePipeline {
    /// The `Double` arrays of the kernel tables: rates, mean revenues and counts of every profile.
    var kernelDoubleArrays: [[Double]] {
        profiles.map(\.rate) + profiles.map { $0.meanRevenue ?? [] } + profiles.map(\.count)
    }

    /// The `Int32` arrays of the kernel tables: every categorical level table, then the importers' first dates.
    var kernelIntegerArrays: [[Int32]] { categoricalLevels.map(\.levelOfCode) + [importerFirstDate] }

    /// The kernel tables over views of `kernelDoubleArrays` and `kernelIntegerArrays` (same order).
    func kernelTables(doubles d: [UnsafeBufferPointer<Double>], integers i: [UnsafeBufferPointer<Int32>]) -> KernelTables {
        let p = profiles.count
        return KernelTables(slots: treeSlots, linearPlan: linearPlan, profiledFields: profiledFields,
                            routePairs: routePairs, rates: Array(d[0..<p]), revenues: Array(d[p..<(2 * p)]),
                            counts: Array(d[(2 * p)...]), levels: Array(i.dropLast()),
                            otherLevels: categoricalLevels.map(\.otherLevel), importerFirstDate: i.last!)
    }

    /// Calls `body` with the kernel tables of this pipeline.
    func withKernelTables<Result>(_ body: (KernelTables) -> Result) -> Result {
        withBufferPointers(kernelDoubleArrays) { d in
            withBufferPointers(kernelIntegerArrays) { i in body(kernelTables(doubles: d, integers: i)) }
        }
    }
}

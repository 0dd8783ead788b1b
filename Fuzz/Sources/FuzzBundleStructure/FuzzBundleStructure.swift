import FuzzSupport

/// libFuzzer entry point: see `BundleStructureHarness.bundleStructure(_:)` for the input format and the oracles.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = data.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
    BundleStructureHarness.bundleStructure(input)
    return 0
}

import Foundation
import Testing
@testable import RiskLinearAlgebra

/// `Scripts/test-kernels.sh` runs the BLAS-dependent suites under several `OPENBLAS_CORETYPE`s to
/// prove that nothing the library promises to be identical depends on the kernel. That proof is
/// void if OpenBLAS silently ignores an unknown or unsupported core name, so this test checks that
/// the kernel asked for is the kernel running.
@Suite("BLAS kernel in use")
struct BLASKernelTests {
    @Test func theForcedKernelIsTheOneRunning() {
        let name = BLASKernel.coreName
        #expect(!name.isEmpty, "OpenBLAS names no kernel (\(BLASKernel.configuration))")
        if let forced = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"], !forced.isEmpty {
            #expect(name.lowercased() == forced.lowercased(),
                    "OPENBLAS_CORETYPE=\(forced) but OpenBLAS runs \(name) (\(BLASKernel.configuration))")
        }
    }
}

@Suite("BLAS single-thread scopes")
struct BLASSingleThreadScopeTests {
    /// Overlapping scopes (concurrent fits) keep OpenBLAS on one thread until the last one ends: a
    /// fit that ended first must not put more threads back under one still running.
    @Test func overlappingScopesStayOnOneThreadUntilTheLastEnds() async {
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    BLASThreads.beginSingleThread()
                    defer { BLASThreads.endSingleThread() }
                    for _ in 0..<200 + 50 * task {
                        #expect(BLASThreads.current == 1)
                        await Task.yield()
                    }
                }
            }
        }
        BLASThreads.beginSingleThread()
        BLASThreads.beginSingleThread()
        BLASThreads.endSingleThread()
        #expect(BLASThreads.current == 1)
        BLASThreads.endSingleThread()
    }
}

import CBLAS
import Synchronization

/// The number of threads OpenBLAS uses, set from the library (not the `OPENBLAS_NUM_THREADS` environment).
///
/// This is process-wide state inside OpenBLAS: setting it affects every BLAS call in the process.
/// OpenBLAS's pthread build parks idle workers after a short spin; keep it at 1 when many fits run
/// concurrently on a shared machine.
package enum BLASThreads {
    /// Sets the number of OpenBLAS threads; values below 1 mean 1.
    package static func set(_ threadCount: Int) {
        openblas_set_num_threads(Int32(clamping: max(1, threadCount)))
    }

    /// The number of threads OpenBLAS currently uses.
    package static var current: Int { Int(openblas_get_num_threads()) }

    /// Fits running `withSingleThread` and the thread count to restore when the last one ends.
    private static let singleThreadScope = Mutex<(active: Int, previous: Int)>((0, 1))

    /// Puts OpenBLAS on one thread until the matching ``endSingleThread()``, which restores the
    /// thread count that was set before the first of the overlapping scopes began. Call as
    /// `BLASThreads.beginSingleThread(); defer { BLASThreads.endSingleThread() }`.
    ///
    /// The setting is process-wide, so concurrent callers share one scope: the first sets 1 thread,
    /// the last restores. (Restoring per call let one fit put two threads back while another was
    /// still running, whose level-3 results then changed in the last bits: a full test run caught it
    /// as two trainings of the same data giving bundles one byte apart.)
    package static func beginSingleThread() {
        singleThreadScope.withLock { scope in
            if scope.active == 0 {
                scope.previous = current
                set(1)
            }
            scope.active += 1
        }
    }

    /// Ends a scope of ``beginSingleThread()``.
    package static func endSingleThread() {
        singleThreadScope.withLock { scope in
            scope.active -= 1
            if scope.active == 0 { set(scope.previous) }
        }
    }
}

/// The OpenBLAS build and kernel this process runs.
///
/// Debian's OpenBLAS is built with `DYNAMIC_ARCH` and picks its kernels per CPU (`Zen` on AMD EPYC,
/// `Prescott` on AVX-512 Xeons that 0.3.21 does not recognise, `Haswell`, `SkylakeX`, …) unless
/// `OPENBLAS_CORETYPE` forces one. Kernels round differently, so training results differ in the
/// last bits between CPUs (documented tolerances); scoring uses no BLAS. `Scripts/test-kernels.sh`
/// re-runs the BLAS-related suites under several kernels and uses this to check that the forced
/// kernel is the one running.
package enum BLASKernel {
    /// The kernel family OpenBLAS selected, e.g. `"Haswell"`.
    package static var coreName: String { String(cString: openblas_get_corename()) }
    /// OpenBLAS's build configuration, e.g. `"OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64"`.
    package static var configuration: String { String(cString: openblas_get_config()) }
}

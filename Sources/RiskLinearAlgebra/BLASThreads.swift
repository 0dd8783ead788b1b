import CBLAS

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
}

import Dispatch

/// Runs independent chunks of work on up to `threadCount` threads.
///
/// Built on `DispatchQueue.concurrentPerform`, whose worker threads park when idle (no spinning:
/// see Docs/Architecture.md, "Threads"). Work smaller than `minimumChunk` items per thread runs on
/// the calling thread. Chunk boundaries depend only on `count`, `threadCount` and `minimumChunk`,
/// so callers that reduce chunk results in chunk order get results that are independent of
/// scheduling; callers that must be independent of `threadCount` too reduce over fixed-size blocks.
public enum ParallelLoop {
    /// Splits `0..<count` into at most `threadCount` contiguous chunks and runs `body` on each.
    ///
    /// - Parameters:
    ///   - count: Number of items.
    ///   - threadCount: Maximum number of threads (values < 1 mean 1).
    ///   - minimumChunk: Smallest number of items worth a thread.
    ///   - body: Called once per chunk with its index and range; must be safe to call concurrently.
    public static func forEachChunk(
        count: Int, threadCount: Int, minimumChunk: Int = 1,
        _ body: (_ chunkIndex: Int, _ range: Range<Int>) -> Void
    ) {
        guard count > 0 else { return }
        let chunks = chunkCount(count: count, threadCount: threadCount, minimumChunk: minimumChunk)
        if chunks == 1 {
            body(0, 0..<count)
            return
        }
        // The caller promises `body` is safe to run concurrently (disjoint writes); the closure
        // itself is not `@Sendable` so that it may capture buffer pointers.
        withoutActuallyEscaping(body) { escapable in
            let box = UncheckedSendableBox(escapable)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                box.value(chunk, range(of: chunk, count: count, chunkCount: chunks))
            }
        }
    }

    /// Runs `body(i)` for every `i` in `0..<count` on up to `threadCount` threads.
    public static func forEach(count: Int, threadCount: Int, _ body: (Int) -> Void) {
        forEachChunk(count: count, threadCount: threadCount) { _, range in
            for i in range { body(i) }
        }
    }

    /// The number of chunks `forEachChunk` will use.
    public static func chunkCount(count: Int, threadCount: Int, minimumChunk: Int = 1) -> Int {
        let threads = max(1, threadCount)
        let byWork = max(1, count / max(1, minimumChunk))
        return max(1, min(threads, byWork, count))
    }

    /// The range of chunk `chunk` when `0..<count` is split into `chunkCount` near-equal parts.
    public static func range(of chunk: Int, count: Int, chunkCount: Int) -> Range<Int> {
        let base = count / chunkCount
        let extra = count % chunkCount
        let start = chunk * base + min(chunk, extra)
        return start..<(start + base + (chunk < extra ? 1 : 0))
    }

    /// The number of active processors, the default thread count.
    public static var processorCount: Int {
        #if canImport(Glibc)
        return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        #else
        return 1
        #endif
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// Carries a value across a concurrency boundary whose safety the caller guarantees.
package struct UncheckedSendableBox<Value>: @unchecked Sendable {
    package let value: Value
    package init(_ value: Value) { self.value = value }
}

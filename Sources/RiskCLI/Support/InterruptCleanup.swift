import CustomsRisk
import Dispatch
import Foundation

/// Removes the temporary files of outputs being written (`AtomicFile.removeTemporaryFiles()`) when
/// the process is interrupted (SIGINT, SIGTERM), then ends it by the same signal, so the shell sees
/// the usual status (130, 143) and no hidden `.NAME.tmp-…` file is left beside an output.
///
/// The signals are taken off their default action and delivered to a dispatch source, whose
/// handler runs on its own thread (not in signal context), so it may lock and unlink freely while
/// the main thread is still computing.
enum InterruptCleanup {
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

    static func install() {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                AtomicFile.removeTemporaryFiles()
                signal(number, SIG_DFL)
                kill(getpid(), number)
            }
            source.resume()
            sources.append(source)
        }
    }
}

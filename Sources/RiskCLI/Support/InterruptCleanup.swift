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
                // Dispatch may keep the signal blocked: unblock it on this thread and raise it here,
                // with its default action, so the process ends by it; exit as the shell would if not.
                signal(number, SIG_DFL)
                var set = sigset_t()
                sigemptyset(&set)
                sigaddset(&set, number)
                pthread_sigmask(SIG_UNBLOCK, &set, nil)
                raise(number)
                _exit(128 + number)
            }
            source.resume()
            sources.append(source)
        }
    }
}

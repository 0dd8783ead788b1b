import ArgumentParser
import Foundation

/// Entry point: maps errors to the documented exit codes (0 ok, 1 runtime failure, 2 usage error)
/// and prints `error: <message>` on standard error, one line. On SIGINT or SIGTERM the temporary
/// files of outputs being written are removed before the process ends by the signal.
@main
enum Main {
    static func main() async {
        InterruptCleanup.install()
        var command: any ParsableCommand
        do {
            command = try RiskControl.parseAsRoot()
        } catch {
            exit(with: error)
        }
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as ValidationError {
            // A usage problem found while running (an existing --out without --force, a missing schema):
            // exit code 2 with the message alone. ArgumentParser's own formatting would print the root
            // command's usage here, which names no subcommand and misleads.
            FileHandle.standardError.write(Data(("error: " + CommandFailure.oneLine(error.message) + "\n").utf8))
            Foundation.exit(2)
        } catch {
            exit(with: error)
        }
    }

    static func exit(with error: any Error) -> Never {
        if error is ExitCode || error is CleanExit || error is ValidationError || isArgumentParserError(error) {
            let code = RiskControl.exitCode(for: error)
            let message = RiskControl.fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
                Foundation.exit(0)
            }
            if let exitCode = error as? ExitCode {
                Foundation.exit(exitCode.rawValue)
            }
            FileHandle.standardError.write(Data((message + "\n").utf8))
            Foundation.exit(2)
        }
        FileHandle.standardError.write(Data(("error: " + CommandFailure.describe(error) + "\n").utf8))
        Foundation.exit(1)
    }

    /// ArgumentParser's own parse errors are internal types; recognise them by their module.
    static func isArgumentParserError(_ error: any Error) -> Bool {
        String(reflecting: type(of: error)).hasPrefix("ArgumentParser.")
    }
}

import Foundation

/// A runtime failure of a command (exit code 1) with a message for the user.
struct CommandFailure: Error, CustomStringConvertible {
    var message: String
    init(_ message: String) { self.message = message }
    var description: String { message }

    /// The user-facing text of any error: our error structs carry a full sentence already.
    static func describe(_ error: any Error) -> String {
        // Every error type of ours is CustomStringConvertible with a full sentence; Foundation's
        // errors describe themselves through `localizedDescription`.
        if String(reflecting: type(of: error)).hasPrefix("Foundation.") { return error.localizedDescription }
        return String(describing: error)
    }
}

/// Writes a line to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// `true` when standard error is a terminal (progress bars), else plain lines.
var standardErrorIsTerminal: Bool { isatty(2) == 1 }

import Foundation

/// A runtime failure of a command (exit code 1) with a message for the user.
struct CommandFailure: Error, CustomStringConvertible {
    var message: String
    init(_ message: String) { self.message = message }
    var description: String { message }

    /// The user-facing text of any error, on one line: our error structs carry a full sentence
    /// already; Foundation's errors describe themselves through `localizedDescription`.
    static func describe(_ error: any Error) -> String {
        if String(reflecting: type(of: error)).hasPrefix("Foundation.") { return oneLine(error.localizedDescription) }
        return oneLine(String(describing: error))
    }

    /// `text` with every line break (and the indentation after it) replaced by one space, so that a
    /// failure is always one line on standard error, even when it quotes a value read from a file
    /// that holds a line break.
    static func oneLine(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D }) else { return text }
        var result = ""
        var pendingBreak = false
        for character in text {
            if character.isNewline {
                pendingBreak = true
            } else if pendingBreak && (character == " " || character == "\t") {
                continue
            } else {
                if pendingBreak { result.append(" ") }
                pendingBreak = false
                result.append(character)
            }
        }
        return result
    }
}

/// Writes a line to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// `true` when standard error is a terminal (progress bars), else plain lines.
var standardErrorIsTerminal: Bool { isatty(2) == 1 }

import ArgumentParser
import CustomsRisk
import Foundation

/// `riskctl audit verify`: checks a hash-chained audit log (Docs/Operations.md).
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Check the hash chain of an audit log written by `riskctl score --audit`.",
        subcommands: [Verify.self])

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Check every line of an audit log: its hash, its link to the line before, its sequence number.")

        @Argument(help: ArgumentHelp("The audit log (JSON lines).", valueName: "file"))
        var file: String

        func run() throws {
            let result = try AuditLog.verify(URL(fileURLWithPath: file))
            print("\(file): \(result.lines) records, chain intact; last hash \(result.lastHash) "
                  + "(keep it elsewhere to detect removal of the last lines).")
        }
    }
}

import ArgumentParser
import CustomsRisk

/// `riskctl`: train, evaluate, score and explain customs risk models.
struct RiskControl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "riskctl",
        abstract: "Train, evaluate and apply customs risk models.",
        discussion: """
            Exit codes: 0 success, 1 runtime failure (bad data, unreadable model, I/O), 2 usage error. \
            Every error names the file, line and field involved.
            """,
        version: CustomsRiskVersion.string,
        subcommands: RiskControl.allSubcommands
    )
}

import ArgumentParser
import CustomsRisk

/// `riskctl`: train, evaluate, score and explain customs risk models.
@main
struct RiskControl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "riskctl",
        abstract: "Train, evaluate and apply customs risk models.",
        version: CustomsRiskVersion.string,
        subcommands: RiskControl.allSubcommands
    )
}

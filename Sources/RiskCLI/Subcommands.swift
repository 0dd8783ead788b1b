import ArgumentParser

extension RiskControl {
    /// Every subcommand, in the order `--help` lists them. One file per subcommand in `Commands/`.
    static var allSubcommands: [any ParsableCommand.Type] {
        [
            SynthCommand.self,
            SchemaCommand.self,
            SplitCommand.self,
        ]
    }
}

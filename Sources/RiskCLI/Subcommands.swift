import ArgumentParser

extension RiskControl {
    /// Every subcommand, in the order `--help` lists them. One file per subcommand in `Commands/`.
    static var allSubcommands: [any ParsableCommand.Type] {
        [
            SynthCommand.self,
            SchemaCommand.self,
            SplitCommand.self,
            FeaturesCommand.self,
            TrainCommand.self,
            EvaluateCommand.self,
            ReplayCommand.self,
            MonitorCommand.self,
            AuditCommand.self,
            ScoreCommand.self,
            ExplainCommand.self,
            ImportanceCommand.self,
            RulesCommand.self,
            ExportCommand.self,
            InspectCommand.self,
            BenchCommand.self,
        ]
    }
}

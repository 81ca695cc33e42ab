import ArgumentParser

@main
struct Vigil: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigil",
        abstract: "Victim information and notification exchange: custody status for the people entitled to it, and no one else.",
        subcommands: [
            DemoCommand.self, ServeCommand.self, GenerateCommand.self, ImportCommand.self, FacilitiesCommand.self,
            AccountsCommand.self, CasesCommand.self, WorkerCommand.self, PurgeCommand.self,
            ReviewsCommand.self, CorrectionsCommand.self, QualityCommand.self, StatsCommand.self, AuditCommand.self, KeysCommand.self,
        ]
    )
}

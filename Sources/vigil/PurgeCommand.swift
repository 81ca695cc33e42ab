import ArgumentParser
import Foundation
import VigilCore
import VigilStore

struct PurgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge",
        abstract: "Erase records whose custody ended more than --retention-days ago (`vigil serve` also runs this daily).",
        discussion: "Purged people answer \"no match\" exactly like absent ones; registrations following them expire."
    )

    @OptionGroup var store: StoreOptions
    @Option(help: "Days a record stays after release, removal or death.") var retentionDays = 60
    @Flag(help: "Print one JSON object.") var json = false

    func run() async throws {
        let (opened, keyring) = try await store.open()
        let summary = try await opened.purge(policy: RetentionPolicy(days: retentionDays), now: Clock.now)
        _ = try await opened.writeCheckpoint(keyring: keyring, at: Clock.now)
        if json {
            try Terminal.printJSON(summary)
        } else {
            print("purged \(summary.records) records (\(summary.people) people erased); \(summary.registrationsExpired) registrations expired")
        }
    }
}

import ArgumentParser
import Foundation
import VigilCore
import VigilStore

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Zero-configuration tour: generate a synthetic population, import it into a local SQLite file, apply a day of changes."
    )

    @Option(help: ArgumentHelp("Working directory for the demo's files.", valueName: "dir")) var directory = "vigil-demo"
    @Option(help: "How many synthetic people.") var people = 5000

    func run() async throws {
        let database = URL(fileURLWithPath: directory).appendingPathComponent("vigil.sqlite").path
        let generated = try GenerateCommand.generate(
            people: people, seed: 2017, output: directory, changes: true, asOf: Clock.today, facilities: 40
        )
        print("generated \(generated.people) synthetic people and \(generated.changes) later changes in \(directory)/")

        var options = try StoreOptions.parse(["--database", database])
        options.keyring = URL(fileURLWithPath: directory).appendingPathComponent("vigil.keyring").path
        let store = try options.openStore()

        let facilities = try await FacilitiesImport.run(
            path: generated.facilitiesFile, source: "demo-agency", store: store, receivedAt: Clock.now)
        print("facilities: \(facilities.summary.accepted) accepted, \(facilities.summary.unchanged) unchanged")
        for path in [generated.feed, generated.changesFile].compactMap({ $0 }) {
            let report = try await FeedImport.run(path: path, source: "demo-agency", store: store, receivedAt: Clock.now)
            print(ImportCommand.table(report, seconds: nil))
        }
        let counts = try await store.counts()
        print("""

            database \(database): \(counts.people) people, \(counts.records) custody records, \(counts.events) events, \
            \(counts.facilities) facilities, \(counts.batches) batches.
            Names, A-numbers and dates of birth are encrypted (keyring \(options.keyringPath)); try:
              strings \(database) | grep -c BK-      # record ids are stored, names are not
              swift run vigil import \(generated.feed) --source demo-agency --database \(database)   # a re-import changes nothing
            """)
    }
}

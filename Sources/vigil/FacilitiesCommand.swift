import ArgumentParser
import Foundation
import VigilStore

struct FacilitiesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "facilities", abstract: "Manage the facilities list.", subcommands: [Import.self]
    )

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import facilities (code,name,address,city,state,postal_code,phone,visiting_info); updates by code."
        )

        @Argument(help: ArgumentHelp("The facilities CSV.", valueName: "file")) var file: String
        @Option(help: "The code of the agency the list comes from.") var source: String = "facilities"
        @OptionGroup var store: StoreOptions
        @Flag(help: "Print one JSON object.") var json = false

        func run() async throws {
            let (store, keyring) = try await store.open()
            let report = try await FacilitiesImport.run(path: file, source: source, store: store, receivedAt: Clock.now)
            _ = try await store.writeCheckpoint(keyring: keyring, at: Clock.now)
            let s = report.summary
            if json {
                try Terminal.printJSON(report)
            } else {
                print("imported \(s.fileName) as batch \(s.batchID): \(s.accepted) accepted, \(s.unchanged) unchanged, \(s.rejected) rejected")
                for p in report.problems.prefix(20) {
                    print("  line \(p.line)\(p.column.map { ", column \($0)" } ?? ""): \(p.reason)")
                }
            }
        }
    }
}

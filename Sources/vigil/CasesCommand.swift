import ArgumentParser
import Foundation
import VigilCore
import VigilCrypto
import VigilStore

struct CasesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cases", abstract: "Issue case codes that let a victim follow one person.", subcommands: [Issue.self]
    )

    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a one-time case code for one record of a source; print it once (only its hash is kept)."
        )

        @Option(help: "The agency source that holds the record.") var source: String
        @Option(help: "The record's source_record_id.") var record: String
        @Option(help: "Days the code stays valid.") var validDays = 30
        @OptionGroup var store: StoreOptions
        @Flag(help: "Print one JSON object.") var json = false

        func run() async throws {
            let (opened, keyring) = try await store.open()
            let code = OneTimeSecret.caseCode()
            let now = Clock.now
            let expires = Timestamp(secondsSinceEpoch: now.secondsSinceEpoch + Int64(validDays) * 86_400)
            guard try await opened.issueCase(
                source: source, sourceRecordID: record, codeHash: OneTimeSecret.hash(OneTimeSecret.normalizeCaseCode(code)),
                expiresAt: expires, at: now) != nil
            else { throw ValidationError("source \(source) has no record with that source_record_id") }
            _ = try await opened.writeCheckpoint(keyring: keyring, at: now)
            if json {
                try Terminal.printJSON(["case_code": code, "expires_at": expires.description])
            } else {
                print("case code (give it to the victim; shown only now): \(code)\nvalid until \(expires)")
            }
        }
    }
}

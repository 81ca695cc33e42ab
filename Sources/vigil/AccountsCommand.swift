import ArgumentParser
import Foundation
import VigilCore
import VigilCrypto
import VigilStore

struct AccountsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accounts", abstract: "Manage agency, advocate and oversight accounts.", subcommands: [Create.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an account and print its bearer token once (only its hash is stored)."
        )

        enum Role: String, ExpressibleByArgument, CaseIterable {
            case agency, advocate, oversight
            var tier: AccessTier {
                switch self {
                case .agency: .agency
                case .advocate: .advocate
                case .oversight: .oversight
                }
            }
        }

        @Option(help: "agency, advocate or oversight.") var role: Role
        @Option(help: "The organisation's name (not a person's).") var name: String
        @Option(help: "For an agency: the feed source it owns (its records are visible to it in full); default: --name.")
        var source: String?
        @OptionGroup var store: StoreOptions
        @Flag(help: "Print one JSON object.") var json = false

        func validate() throws {
            if role != .agency && source != nil { throw ValidationError("--source is for agency accounts only") }
        }

        /// An agency owns one feed source; without --source it is the source named like the agency
        /// (`--name TXA` owns the records imported with `--source TXA`).
        var ownedSource: String? { role == .agency ? (source ?? name) : nil }

        func run() async throws {
            let (opened, keyring) = try await store.open()
            let (account, token) = try await Self.create(in: opened, tier: role.tier, name: name, source: ownedSource)
            _ = try await opened.writeCheckpoint(keyring: keyring, at: Clock.now)
            if json {
                try Terminal.printJSON(["id": String(account.id), "role": role.rawValue, "token": token])
            } else {
                let owns = ownedSource.map { ", owning source \($0)" } ?? ""
                print("created \(role.rawValue) account \(account.id) (\(name)\(owns)); its token, shown only now:\n\(token)")
            }
        }

        static func create(in store: some CompleteStore, tier: AccessTier, name: String, source: String?) async throws -> (Account, String) {
            let token = AccountToken.generate()
            let account = try await store.createAccount(
                tier: tier, name: name, source: source, tokenHash: AccountToken.hash(token), at: Clock.now)
            _ = try await store.appendAudit([AuditEntry(
                kind: .account, recordedAt: Clock.now,
                fields: ["action": "create", "account": String(account.id), "tier": tier.name])])
            return (account, token)
        }
    }
}

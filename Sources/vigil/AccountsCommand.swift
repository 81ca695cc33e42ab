import ArgumentParser
import Foundation
import VigilCore
import VigilCrypto
import VigilStore
import VigilWeb

struct AccountsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accounts", abstract: "Manage agency, advocate and oversight accounts.", subcommands: [Create.self, List.self, Disable.self, RotateToken.self]
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
        @Option(help: "For advocate and oversight: the login name for the web pages (with --password-stdin or --password-file).")
        var login: String?
        @Flag(help: "Read the web password from standard input (one line), so that it stays out of the shell history.")
        var passwordStdin = false
        @Option(help: ArgumentHelp("Read the web password from the first line of this file.", valueName: "file"))
        var passwordFile: String?
        @OptionGroup var store: StoreOptions
        @Flag(help: "Print one JSON object.") var json = false

        func validate() throws {
            if role != .agency && source != nil { throw ValidationError("--source is for agency accounts only") }
            let wantsPassword = passwordStdin || passwordFile != nil
            if passwordStdin && passwordFile != nil { throw ValidationError("give --password-stdin or --password-file, not both") }
            if wantsPassword && role == .agency {
                throw ValidationError("agencies sign in to the web pages with their API key; passwords are for advocate and oversight accounts")
            }
            if wantsPassword != (login != nil) { throw ValidationError("--login and a password (--password-stdin or --password-file) go together") }
        }

        /// The password, read from where the options say, or nil when none was asked for.
        func readPassword() throws -> String? {
            var text: String?
            if passwordStdin { text = readLine(strippingNewline: true) }
            if let passwordFile {
                guard let data = FileManager.default.contents(atPath: passwordFile) else {
                    throw ValidationError("cannot read the password file \(passwordFile)")
                }
                text = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
            }
            guard let text else { return nil }
            guard text.count >= PasswordHasher.minimumLength else {
                throw ValidationError("the password must be at least \(PasswordHasher.minimumLength) characters long")
            }
            // bcrypt reads 72 bytes and ignores the rest: a longer password would silently be a shorter one.
            guard text.utf8.count <= PasswordHasher.maximumBytes else {
                throw ValidationError("the password must be at most \(PasswordHasher.maximumBytes) bytes (UTF-8) long: bcrypt ignores the rest")
            }
            return text
        }

        /// An agency owns one feed source; without --source it is the source named like the agency
        /// (`--name TXA` owns the records imported with `--source TXA`).
        var ownedSource: String? { role == .agency ? (source ?? name) : nil }

        func run() async throws {
            let password = try readPassword()
            let (opened, keyring) = try await store.open()
            // Refuse a taken login before the account exists, so that a refusal leaves nothing half made.
            if let login, password != nil, try await opened.passwordAccount(login: login) != nil {
                throw ValidationError("the login \(login) is already used by another account: choose another")
            }
            let (account, token) = try await Self.create(in: opened, tier: role.tier, name: name, source: ownedSource)
            if let password, let login {
                try await opened.setPassword(
                    accountID: account.id, login: login, passwordHash: try await PasswordHasher.hash(password), at: Clock.now)
            }
            _ = try await opened.writeCheckpoint(keyring: keyring, at: Clock.now)
            if json {
                try Terminal.printJSON(["id": String(account.id), "role": role.rawValue, "token": token])
            } else {
                let owns = ownedSource.map { ", owning source \($0)" } ?? ""
                if let login, password != nil { print("web sign-in: login \(login) with the password given") }
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

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every account: id, role, name, source, login, state.")
        @OptionGroup var store: StoreOptions
        @Flag(help: "Print one JSON object per line.") var json = false

        func run() async throws {
            let (opened, _) = try await store.open()
            let now = Clock.now
            for item in try await opened.listAccounts() {
                let locked = item.lockedUntil.map { $0.secondsSinceEpoch > now.secondsSinceEpoch } ?? false
                let state = item.account.disabled ? "disabled" : locked ? "sign-in locked" : "active"
                if json {
                    var object = ["id": String(item.account.id), "role": item.account.tier.name, "name": item.account.name, "state": state]
                    object["source"] = item.account.source
                    object["login"] = item.login
                    try Terminal.printJSON(object)
                } else {
                    let details = [item.account.source.map { "source \($0)" }, item.login.map { "login \($0)" }].compactMap { $0 }
                    let suffix = details.isEmpty ? "" : " (" + details.joined(separator: ", ") + ")"
                    print("\(item.account.id)\t\(item.account.tier.name)\t\(state)\t\(item.account.name)\(suffix)")
                }
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Disable an account: its token and its web sessions stop working at the next request.")
        @Argument(help: "The account id (see `vigil accounts list`).") var id: Int64
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let (opened, keyring) = try await store.open()
            do { try await opened.setAccountDisabled(id: id, disabled: true, at: Clock.now) } catch let error as WebAccountError {
                throw ValidationError(error.description)
            }
            _ = try await opened.writeCheckpoint(keyring: keyring, at: Clock.now)
            print("disabled account \(id): its token and web sessions no longer work")
        }
    }

    struct RotateToken: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-token",
            abstract: "Give an account a new bearer token and print it once; the old token stops working at once.")
        @Argument(help: "The account id (see `vigil accounts list`).") var id: Int64
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let (opened, keyring) = try await store.open()
            let token = AccountToken.generate()
            do { try await opened.replaceAccountToken(id: id, tokenHash: AccountToken.hash(token), at: Clock.now) } catch let error as WebAccountError {
                throw ValidationError(error.description)
            }
            _ = try await opened.writeCheckpoint(keyring: keyring, at: Clock.now)
            print("new token for account \(id), shown only now (the old one no longer works):\n\(token)")
        }
    }
}

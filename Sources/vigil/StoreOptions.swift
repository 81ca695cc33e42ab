import ArgumentParser
import Foundation
import VigilCrypto
import VigilPostgres
import VigilStore

/// `--database` and `--keyring`, shared by every command that opens the store.
struct StoreOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "SQLite file path, or a postgres://user:password@host:port/database URL (or $VIGIL_DATABASE).", valueName: "path-or-url"))
    var database: String = ProcessInfo.processInfo.environment["VIGIL_DATABASE"] ?? "vigil.sqlite"

    @Option(help: ArgumentHelp(
        "Keyring file (or $\(Keyring.environmentVariable)); default: the database path + .keyring, created with a new database.",
        valueName: "path"))
    var keyring: String?

    var keyringPath: String {
        keyring ?? ProcessInfo.processInfo.environment[Keyring.environmentVariable] ?? database + ".keyring"
    }

    var isPostgres: Bool { database.hasPrefix("postgres://") || database.hasPrefix("postgresql://") }

    /// Opens the store, creating a keyring beside a database that does not exist yet.
    /// An existing database without its keyring is an error: its values could not be read.
    func openStore() async throws -> any CompleteStore { try await open().store }

    /// The store and the keyring it was opened with (commands that sign audit checkpoints need both).
    ///
    /// A PostgreSQL database is shared by several instances, so its keyring is never created on the fly:
    /// make it once with `vigil keys init` and give every instance the same file.
    func open() async throws -> (store: any CompleteStore, keyring: Keyring) {
        if isPostgres {
            guard keyring != nil || ProcessInfo.processInfo.environment[Keyring.environmentVariable] != nil else {
                throw ValidationError(
                    "a PostgreSQL database needs --keyring or $\(Keyring.environmentVariable) (create one with `vigil keys init --keyring FILE`)")
            }
            let keys = try Keyring.load(path: keyringPath)
            return (try await PostgresStore.connect(url: database, keyring: keys), keys)
        }
        let keys: Keyring
        if FileManager.default.fileExists(atPath: keyringPath) {
            keys = try Keyring.load(path: keyringPath)
        } else if !FileManager.default.fileExists(atPath: database) {
            keys = Keyring.generate()
            try keys.write(to: keyringPath)
            Terminal.note("created keyring \(keyringPath) for the new database; in production keep it apart from the database (--keyring)")
        } else {
            throw KeyringError.cannotRead(path: keyringPath)
        }
        return (try SQLiteStore(path: database, keyring: keys), keys)
    }
}

import ArgumentParser
import Foundation
import VigilCrypto
import VigilStore

/// `--database` and `--keyring`, shared by every command that opens the store.
struct StoreOptions: ParsableArguments {
    @Option(help: ArgumentHelp("SQLite file path (or $VIGIL_DATABASE).", valueName: "path"))
    var database: String = ProcessInfo.processInfo.environment["VIGIL_DATABASE"] ?? "vigil.sqlite"

    @Option(help: ArgumentHelp(
        "Keyring file (or $\(Keyring.environmentVariable)); default: the database path + .keyring, created with a new database.",
        valueName: "path"))
    var keyring: String?

    var keyringPath: String {
        keyring ?? ProcessInfo.processInfo.environment[Keyring.environmentVariable] ?? database + ".keyring"
    }

    /// Opens the store, creating a keyring beside a database that does not exist yet.
    /// An existing database without its keyring is an error: its values could not be read.
    func openStore() throws -> SQLiteStore { try open().store }

    /// The store and the keyring it was opened with (commands that sign audit checkpoints need both).
    func open() throws -> (store: SQLiteStore, keyring: Keyring) {
        if database.hasPrefix("postgres://") || database.hasPrefix("postgresql://") {
            throw ValidationError("PostgreSQL URLs are not supported by this build yet; use a SQLite file path")
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

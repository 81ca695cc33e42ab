import ArgumentParser
import Foundation
import VigilCrypto
import VigilStore

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Verify and sign the tamper-evident audit log.",
        discussion: """
            The audit log is a Merkle tree (RFC 6962) of every disclosure decision, import batch and \
            account action. `checkpoint` signs its current head with the keyring's Ed25519 key (a C2SP \
            signed note, printed for oversight to keep); `verify` rehashes every entry and checks every \
            checkpoint, and names the first entry or checkpoint that does not hold.
            """,
        subcommands: [Verify.self, CheckpointCommand.self]
    )

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check every audit entry and checkpoint. Exit status 0 when intact, 2 when not."
        )
        @OptionGroup var store: StoreOptions

        func run() async throws {
            guard store.isPostgres || FileManager.default.fileExists(atPath: store.database) else {
                throw ValidationError("there is no database at \(store.database): pass --database or set VIGIL_DATABASE")
            }
            let publicKey = try Keyring.load(path: store.keyringPath).signingPublicKey
            let result = try await store.openStore().verifyAudit(publicKey: publicKey)
            if let problem = result.problem {
                Terminal.note("audit log damaged: \(problem)")
                Terminal.note("checked \(result.entries) entries and \(result.checkpoints) checkpoints intact before it")
                throw ExitCode(2)
            }
            let latest = result.latestCheckpointSize.map(String.init) ?? "none"
            print("audit log intact: \(result.entries) entries, \(result.checkpoints) checkpoints, latest size \(latest)")
            let unsigned = result.entries - (result.latestCheckpointSize ?? 0)
            if unsigned > 0 {
                Terminal.note("\(unsigned) entries after the latest checkpoint are not covered by a signature yet: run `vigil audit checkpoint`")
            }
        }
    }

    struct CheckpointCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "checkpoint",
            abstract: "Sign the audit log's current head and print the signed note (C2SP tlog-checkpoint).",
            discussion: "Refuses to sign a log that fails verification. Signing an unchanged log again stores nothing new."
        )
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let opened = try await store.openStore()  // creates the keyring of a new database, so load it after
            let keyring = try Keyring.load(path: store.keyringPath)
            _ = try await opened.writeCheckpoint(keyring: keyring, at: Clock.now)
            guard let note = try await opened.latestCheckpoint() else { return }
            print(note, terminator: "")
            Terminal.note("verifier key for oversight: \(Checkpoint.verifierKey(publicKey: keyring.signingPublicKey))")
        }
    }
}

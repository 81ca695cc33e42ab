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
            checkpoint, and names the first entry or checkpoint that does not hold. Checkpoints stored in the \
            database cannot reveal that entries were deleted together with every checkpoint covering them, or \
            that an older database was restored: `verify --checkpoint FILE` checks the log against notes kept \
            elsewhere, with an RFC 9162 consistency proof from each to the current log.
            """,
        subcommands: [Verify.self, CheckpointCommand.self]
    )

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check every audit entry and checkpoint. Exit status 0 when intact, 2 when not."
        )
        @OptionGroup var store: StoreOptions
        @Option(help: ArgumentHelp(
            "A checkpoint note kept outside the database (as `vigil audit checkpoint` printed it); repeatable.",
            valueName: "file"))
        var checkpoint: [String] = []
        @Option(help: "The origin the kept checkpoints must name (default: the keyring's audit origin).")
        var auditOrigin: String?

        func run() async throws {
            guard store.isPostgres || FileManager.default.fileExists(atPath: store.database) else {
                throw ValidationError("there is no database at \(store.database): pass --database or set VIGIL_DATABASE")
            }
            let keyring = try Keyring.load(path: store.keyringPath)
            let publicKey = keyring.signingPublicKey
            let opened = try await store.openStore()
            let result = try await opened.verifyAudit(publicKey: publicKey)
            if let problem = result.problem {
                Terminal.note("audit log damaged: \(problem)")
                Terminal.note("checked \(result.entries) entries and \(result.checkpoints) checkpoints intact before it")
                throw ExitCode(2)
            }
            var inconsistent = false
            for file in checkpoint {
                let verdict = try await KeptCheckpoint.check(
                    file: file, origin: auditOrigin ?? keyring.auditOrigin, publicKey: publicKey, log: opened, size: result.entries)
                switch verdict {
                case .consistent(let size):
                    print("kept checkpoint \(file) (size \(size)): consistent with the current log (size \(result.entries))")
                case .refused(let reason):
                    Terminal.note("kept checkpoint \(file): \(reason)")
                    inconsistent = true
                }
            }
            if inconsistent { throw ExitCode(2) }
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
            Terminal.note("verifier key for oversight: \(Checkpoint.verifierKey(name: keyring.auditOrigin, publicKey: keyring.signingPublicKey))")
            Terminal.note("keep this note outside the database; `vigil audit verify --checkpoint FILE` proves later logs consistent with it")
        }
    }
}

/// A checkpoint note kept outside the database, held against the log as it is now.
enum KeptCheckpoint {
    enum Verdict: Equatable {
        case consistent(size: Int)
        case refused(String)
    }

    static func check(file: String, origin: String, publicKey: Data, log: some AuditLogStore, size: Int) async throws -> Verdict {
        guard let data = FileManager.default.contents(atPath: file) else { return .refused("cannot read the file") }
        let kept: Checkpoint
        do {
            kept = try Checkpoint.open(note: String(decoding: data, as: UTF8.self), publicKey: publicKey, origin: origin)
        } catch {
            return .refused("\(error)")
        }
        guard kept.size <= size else {
            return .refused("it covers \(kept.size) entries but the log now holds \(size): entries were deleted, or an older database restored")
        }
        guard let proof = try await log.auditConsistency(from: kept.size, to: size), proof.proves(keptRoot: kept.rootHash) else {
            return .refused("the current log is not consistent with it (RFC 9162 consistency proof fails): entries it covered were deleted, rewritten or reordered, or another database is in use")
        }
        return .consistent(size: kept.size)
    }
}

import Foundation
import Testing
import VigilCrypto

/// `vigil audit checkpoint` and `vigil audit verify` against the built executable.
///
/// Nothing in the CLI appends audit entries yet, so the tests write them with the `sqlite3` tool,
/// hashing them by the documented leaf encoding (`kind \n recorded_at \n payload`): that also
/// checks that an outside tool can reproduce Vigil's leaves. Tampering goes through `sqlite3` too.
@Suite(.enabled(if: SQLite3.isAvailable, "needs the sqlite3 command-line tool"))
struct AuditCommandTests {
    /// A database with three entries, checkpointed empty and again at size 3.
    func checkpointedLog() throws -> WorkDirectory {
        let work = try WorkDirectory()
        let empty = try work.vigil("audit", "checkpoint")
        #expect(empty.status == 0, "\(empty.stderr)")
        // Each deployment's checkpoints name its own origin, by default derived from its signing key.
        let origin = try Keyring.load(path: work.path("vigil.sqlite.keyring")).auditOrigin
        #expect(origin.hasPrefix("vigil/audit/") && origin.count == "vigil/audit/".count + 8)
        // An empty tree's root is SHA-256 of nothing.
        #expect(empty.stdout.hasPrefix("\(origin)\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n\n\u{2014} \(origin) "))
        #expect(empty.stderr.contains("verifier key for oversight: \(origin)+"))

        try append(work, seqs: 0..<3)
        let signed = try work.vigil("audit", "checkpoint")
        #expect(signed.status == 0, "\(signed.stderr)")
        #expect(signed.stdout.hasPrefix("\(origin)\n3\n"))
        return work
    }

    /// Appends well-formed entries, hashed by the documented leaf encoding; `tag` varies their payload.
    func append(_ work: WorkDirectory, seqs: Range<Int>, tag: String = "created") throws {
        for seq in seqs {
            let time = "2026-03-02T10:00:\(String(format: "%02d", seq))Z"
            let payload = #"{"account_id":"acct-\#(seq)","action":"\#(tag)"}"#
            let leaf = MerkleHash.leaf(Data("account\n\(time)\n\(payload)".utf8))
            try SQLite3.run(work.path("vigil.sqlite-audit"), """
                INSERT INTO audit_entry (seq, recorded_at, kind, payload, leaf_hash)
                VALUES (\(seq), '\(time)', 'account', '\(payload)', X'\(leaf.map { String(format: "%02x", $0) }.joined())');
                """)
        }
    }

    /// `vigil audit checkpoint`, its note written to `file` as oversight would keep it.
    func keepCheckpoint(_ work: WorkDirectory, as file: String) throws {
        let signed = try work.vigil("audit", "checkpoint")
        #expect(signed.status == 0, "\(signed.stderr)")
        try work.write(file, signed.stdout)
    }

    @Test func keptCheckpointsOfAnIntactGrowingLogAreProvedConsistent() throws {
        let work = try checkpointedLog()
        try keepCheckpoint(work, as: "at-3.note")
        try append(work, seqs: 3..<8)
        try keepCheckpoint(work, as: "at-8.note")
        try append(work, seqs: 8..<9)
        let result = try work.vigil("audit", "verify", "--checkpoint", "at-3.note", "--checkpoint", "at-8.note")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("kept checkpoint at-3.note (size 3): consistent with the current log (size 9)"))
        #expect(result.stdout.contains("kept checkpoint at-8.note (size 8): consistent with the current log (size 9)"))
    }

    @Test func entriesDeletedWithEveryStoredCheckpointAreCaughtByAKeptOne() throws {
        let work = try checkpointedLog()
        try append(work, seqs: 3..<6)
        try keepCheckpoint(work, as: "kept.note")
        // Someone removes entries 2… and every checkpoint in the database, then lets the log grow again.
        try tamper(work, "DELETE FROM audit_entry WHERE seq >= 2; DELETE FROM audit_checkpoint;")
        try append(work, seqs: 2..<8, tag: "replaced")
        #expect(try work.vigil("audit", "verify").status == 0, "the database alone cannot tell")
        let result = try work.vigil("audit", "verify", "--checkpoint", "kept.note")
        #expect(result.status == 2)
        #expect(result.stderr.contains("kept checkpoint kept.note: the current log is not consistent with it"), "\(result.stderr)")

        // Cut short instead of regrown: the log is smaller than the kept checkpoint.
        try tamper(work, "DELETE FROM audit_entry WHERE seq >= 4;")
        let shorter = try work.vigil("audit", "verify", "--checkpoint", "kept.note")
        #expect(shorter.status == 2)
        #expect(shorter.stderr.contains("it covers 6 entries but the log now holds 4"), "\(shorter.stderr)")
    }

    @Test func anOlderDatabaseRestoredIsCaughtByAKeptCheckpoint() throws {
        let work = try checkpointedLog()
        // A SQLite database is two files, the records and the audit log (`-audit`); a backup copies both.
        let files = [work.path("vigil.sqlite"), work.path("vigil.sqlite-audit")]
        for (index, file) in files.enumerated() { try SQLite3.run(file, "VACUUM INTO '\(work.path("backup-\(index).sqlite"))';") }
        try append(work, seqs: 3..<5)
        try keepCheckpoint(work, as: "kept.note")
        // The old copy comes back and carries on: its own checkpoints all hold.
        for (index, file) in files.enumerated() {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: file + suffix) }
            try FileManager.default.copyItem(atPath: work.path("backup-\(index).sqlite"), toPath: file)
        }
        try append(work, seqs: 3..<7, tag: "after-restore")
        #expect(try work.vigil("audit", "verify").status == 0, "the database alone cannot tell")
        let result = try work.vigil("audit", "verify", "--checkpoint", "kept.note")
        #expect(result.status == 2)
        #expect(result.stderr.contains("not consistent"), "\(result.stderr)")
    }

    @Test func aDeploymentNamesItsOwnCheckpointOrigin() throws {
        let work = try WorkDirectory()
        let named = try work.vigil("keys", "init", "--keyring", "k.keyring", "--audit-origin", "audit.example.org/vigil")
        #expect(named.status == 0, "\(named.stderr)")
        #expect(try Keyring.load(path: work.path("k.keyring")).auditOrigin == "audit.example.org/vigil")
        let signed = try work.vigil("audit", "checkpoint", "--keyring", "k.keyring")
        #expect(signed.stdout.hasPrefix("audit.example.org/vigil\n0\n"), "\(signed.stdout)")
        #expect(signed.stdout.contains("\u{2014} audit.example.org/vigil "))
        let invalid = try work.vigil("keys", "init", "--keyring", "other.keyring", "--audit-origin", "has space")
        #expect(invalid.status != 0 && invalid.stderr.contains("audit origin"))
        #expect(!FileManager.default.fileExists(atPath: work.path("other.keyring")))
    }

    @Test func aKeptCheckpointOfAnotherLogOrKeyIsRefused() throws {
        let work = try checkpointedLog()
        try keepCheckpoint(work, as: "kept.note")
        let otherOrigin = try work.vigil("audit", "verify", "--checkpoint", "kept.note", "--audit-origin", "audit.example.org/other")
        #expect(otherOrigin.status == 2)
        #expect(otherOrigin.stderr.contains("kept checkpoint kept.note:"))
        try work.write("edited.note", try work.read("kept.note").replacingOccurrences(of: "\n3\n", with: "\n2\n"))
        let edited = try work.vigil("audit", "verify", "--checkpoint", "edited.note")
        #expect(edited.status == 2)
        #expect(edited.stderr.contains("does not verify"), "\(edited.stderr)")
    }

    /// What someone with the file does: edit it with plain sqlite3. The log is in the audit file beside the main one.
    func tamper(_ work: WorkDirectory, _ sql: String) throws {
        try SQLite3.run(work.path("vigil.sqlite-audit"), sql)
    }

    @Test func anIntactLogVerifiesWithItsCounts() throws {
        let work = try checkpointedLog()
        let result = try work.vigil("audit", "verify")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "audit log intact: 3 entries, 2 checkpoints, latest size 3\n")
    }

    @Test func anAlteredEntryIsNamedAndTheExitStatusIs2() throws {
        let work = try checkpointedLog()
        try tamper(work, #"UPDATE audit_entry SET payload = '{"account_id":"acct-9","action":"created"}' WHERE seq = 1;"#)
        let result = try work.vigil("audit", "verify")
        #expect(result.status == 2)
        #expect(result.stderr.contains("entry 1 was altered"))
        #expect(!result.stdout.contains("intact"))
    }

    @Test func entriesCutFromTheEndAreReported() throws {
        let work = try checkpointedLog()
        try tamper(work, "DELETE FROM audit_entry WHERE seq = 2;")
        let result = try work.vigil("audit", "verify")
        #expect(result.status == 2)
        #expect(result.stderr.contains("holds 2 entries but was checkpointed at 3"))
    }

    @Test func anotherKeyringDoesNotVouchForTheCheckpoints() throws {
        let work = try checkpointedLog()
        #expect(try work.vigil("keys", "init", "--keyring", "other.keyring").status == 0)
        let result = try work.vigil("audit", "verify", "--keyring", "other.keyring")
        #expect(result.status == 2)
        #expect(result.stderr.contains("checkpoint at size 0 is not validly signed"))
    }

    @Test func verifyingAMissingDatabaseFailsWithoutCreatingOne() throws {
        let work = try WorkDirectory()
        let result = try work.vigil("audit", "verify", "--database", "nowhere.sqlite")
        #expect(result.status != 0)
        #expect(result.stderr.contains("nowhere.sqlite"))
        #expect(!FileManager.default.fileExists(atPath: work.path("nowhere.sqlite")))
    }
}

/// The `sqlite3` command-line tool, found on the PATH.
enum SQLite3 {
    static let executable: String? = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin")
        .split(separator: ":").map { "\($0)/sqlite3" }
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    static var isAvailable: Bool { executable != nil }

    struct Failed: Error, CustomStringConvertible {
        var description: String
    }

    static func run(_ database: String, _ sql: String) throws {
        guard let executable else { throw Failed(description: "sqlite3 is not on the PATH") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-bail", database, sql]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failed(description: "sqlite3 failed: " + String(decoding: message, as: UTF8.self))
        }
    }
}

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
        // An empty tree's root is SHA-256 of nothing.
        #expect(empty.stdout.hasPrefix("vigil/audit\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n\n\u{2014} vigil/audit "))
        #expect(empty.stderr.contains("verifier key for oversight: vigil/audit+"))

        for seq in 0..<3 {
            let time = "2026-03-02T10:00:0\(seq)Z"
            let payload = #"{"account_id":"acct-\#(seq)","action":"created"}"#
            let leaf = MerkleHash.leaf(Data("account\n\(time)\n\(payload)".utf8))
            try SQLite3.run(work.path("vigil.sqlite-audit"), """
                INSERT INTO audit_entry (seq, recorded_at, kind, payload, leaf_hash)
                VALUES (\(seq), '\(time)', 'account', '\(payload)', X'\(leaf.map { String(format: "%02x", $0) }.joined())');
                """)
        }
        let signed = try work.vigil("audit", "checkpoint")
        #expect(signed.status == 0, "\(signed.stderr)")
        #expect(signed.stdout.hasPrefix("vigil/audit\n3\n"))
        return work
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

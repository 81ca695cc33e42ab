import Foundation
import GRDB
import Testing
import VigilCore
import VigilCrypto
@testable import VigilStore

/// A SQLite database from before the audit log had a file of its own: opening it moves the log (entries,
/// checkpoints, alerts) to `-audit` once, unchanged, and a crash between the copy and the drop repeats nothing.
@Suite struct AuditFileMigrationTests {
    static let entries = (0..<5).map { i in
        AuditLeaf(kind: "lookup", recordedAt: "2026-03-02T00:00:0\(i)Z", payload: #"{"case_id":"c\#(i)","tier":"public"}"#)
    }

    /// A main file at the last schema before the move, holding five entries, a checkpoint at 5 and an alert.
    static func oldDatabase(_ path: String, keyring: Keyring) throws {
        let pool = try DatabasePool(path: path)
        try SQLiteSchema.migrator.migrate(pool, upTo: SQLiteAuditDatabase.lastMigrationBeforeMove)
        let root = MerkleHash.root(leafHashes: entries.map(\.leafHash))
        let note = Checkpoint(size: 5, rootHash: root).signedNote(keyring: keyring)
        try pool.write { db in
            for (seq, leaf) in entries.enumerated() { try leaf.insert(db, seq: seq) }
            try db.execute(sql: "INSERT INTO audit_checkpoint (size, root_hash, note, created_at) VALUES (5, ?, ?, '2026-03-02T01:00:00Z')",
                           arguments: [root, note])
            try db.execute(sql: """
                INSERT INTO alert (id, kind, raised_at, details) VALUES (41, 'protected_record_queried', 1772400000, '{"tier":"public"}')
                """)
        }
    }

    @Test func anOldDatabaseHasItsLogMovedToTheAuditFileIntactOnOpen() async throws {
        let db = try TemporaryDirectory()
        let keyring = Keyring.generate()
        let path = db.path("vigil.sqlite")
        try Self.oldDatabase(path, keyring: keyring)

        let store = try SQLiteStore(path: path, keyring: keyring)
        let verification = try await store.verifyAudit(publicKey: keyring.signingPublicKey)
        #expect(verification == AuditVerification(entries: 5, checkpoints: 1, latestCheckpointSize: 5, problem: nil))
        #expect(try await store.auditEntries(after: -1, limit: 10).map(\.entry.fields["case_id"]) == ["c0", "c1", "c2", "c3", "c4"])
        #expect(try await store.alerts(limit: 10).map(\.id) == [41])
        // The main file no longer holds a log of its own; new entries continue the moved one.
        #expect(try await store.pool.read { db in try db.tableExists("audit_entry") || db.tableExists("alert") } == false)
        #expect(try await store.appendAudit([AuditEntry(kind: .lookup, recordedAt: ts("2026-03-03T00:00:00Z"))]) == 6)
    }

    @Test func aCrashBetweenTheCopyAndTheDropCopiesNothingTwice() async throws {
        let db = try TemporaryDirectory()
        let keyring = Keyring.generate()
        let path = db.path("vigil.sqlite")
        try Self.oldDatabase(path, keyring: keyring)
        // The copy committed (in the audit file), then the process died before the main file dropped its tables.
        let main = try DatabasePool(path: path)
        let audit = try DatabasePool(path: SQLiteAuditDatabase.path(forMain: path))
        try SQLiteAuditDatabase.migrator.migrate(audit)
        try await audit.write { adb in
            for (seq, leaf) in Self.entries.enumerated() { try leaf.insert(adb, seq: seq) }
            try adb.execute(sql: "INSERT INTO audit_meta (name, value) VALUES ('moved_from_main', 1)")
        }
        #expect(try await main.read { db in try db.tableExists("audit_entry") })

        let store = try SQLiteStore(path: path, keyring: keyring)
        #expect(try await store.auditEntries(after: -1, limit: 100).count == 5)
        #expect(try await store.pool.read { db in try db.tableExists("audit_entry") } == false)
    }

    @Test func whatAMainTransactionQueuedReachesTheLogOnceAfterAnyNumberOfOpens() async throws {
        let db = try TemporaryDirectory()
        let keyring = Keyring.generate()
        let path = db.path("vigil.sqlite")
        let first = try SQLiteStore(path: path, keyring: keyring)
        try await first.pool.write { d in try SQLiteStore.appendAudit(d, [AuditEntry(kind: .account, recordedAt: ts("2026-03-02T00:00:00Z"))]) }
        // Another process opens the database before anyone read the log, then the first reads it.
        let second = try SQLiteStore(path: path, keyring: keyring)
        #expect(try await first.auditEntries(after: -1, limit: 10).count == 1)
        #expect(try await second.auditEntries(after: -1, limit: 10).count == 1)
        _ = try SQLiteStore(path: path, keyring: keyring)
        #expect(try await second.verifyAudit(publicKey: keyring.signingPublicKey).entries == 1)
    }
}

/// A temporary directory, removed when the test ends.
final class TemporaryDirectory {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-migration-\(UUID().uuidString)")
    init() throws { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }
    deinit { try? FileManager.default.removeItem(at: url) }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

import Foundation
import GRDB
import VigilCore
import VigilCrypto

extension SQLiteSchema {
    /// The audit log's tables: one row per Merkle leaf, one per signed checkpoint.
    ///
    /// There are deliberately no append-only triggers: anyone with the file can drop them, so they
    /// would only make the log look protected. Its integrity rests on the leaf hashes and the signed
    /// checkpoints, which `vigil audit verify` checks, and an edit made with plain `sqlite3` must be
    /// exactly what verification catches.
    static func registerAuditMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v2: tamper-evident audit log") { db in
            try db.execute(sql: """
                -- seq is the 0-based leaf index; leaf_hash = SHA-256(0x00 ‖ kind ‖ \\n ‖ recorded_at ‖ \\n ‖ payload).
                CREATE TABLE audit_entry (
                    seq INTEGER PRIMARY KEY CHECK (seq >= 0),
                    recorded_at TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    payload TEXT NOT NULL,
                    leaf_hash BLOB NOT NULL
                );
                -- A signed tree head over the first `size` entries: the C2SP signed note, and its root for queries.
                CREATE TABLE audit_checkpoint (
                    size INTEGER PRIMARY KEY,
                    root_hash BLOB NOT NULL,
                    note TEXT NOT NULL,
                    created_at TEXT NOT NULL
                );
                """)
        }
    }
}

extension SQLiteStore: AuditLogStore {
    public func appendAudit(_ entries: [AuditEntry]) async throws -> Int {
        try await pool.write { db in try Self.appendAudit(db, entries) }
    }

    /// Appends entries inside a write transaction the caller already holds, so that what they
    /// record (an import batch, say) and the record of it commit together or not at all.
    /// Returns the new number of entries.
    @discardableResult
    static func appendAudit(_ db: Database, _ entries: [AuditEntry]) throws -> Int {
        var seq = (try Int.fetchOne(db, sql: "SELECT max(seq) FROM audit_entry") ?? -1) + 1
        guard !entries.isEmpty else { return seq }
        let insert = try db.cachedStatement(
            sql: "INSERT INTO audit_entry (seq, recorded_at, kind, payload, leaf_hash) VALUES (?, ?, ?, ?, ?)")
        for entry in entries {
            let payload = try entry.payload()
            let kind = entry.kind.rawValue
            let recordedAt = entry.recordedAt.description
            let leafHash = MerkleHash.leaf(AuditEntry.leafData(kind: kind, recordedAt: recordedAt, payload: payload))
            try insert.execute(arguments: [seq, recordedAt, kind, payload, leafHash])
            seq += 1
        }
        return seq
    }

    /// The log is scanned in a read snapshot, so imports and appends go on while it is hashed:
    /// entries below the snapshot's size never change. Only then is the note inserted, in a short write.
    ///
    /// The scan reads every leaf hash (O(n) reads, O(log n) memory) but rehashes only the entries
    /// after the latest checkpoint; those before it are vouched for by its root.
    public func writeCheckpoint(keyring: Keyring, at time: Timestamp) async throws -> Checkpoint {
        let publicKey = keyring.signingPublicKey
        let scan = try await pool.read { db in try AuditScan.run(db, publicKey: publicKey, mode: .beforeSigning) }
        if let problem = scan.verification.problem { throw AuditLogError.logDamaged(problem) }
        let checkpoint = Checkpoint(origin: keyring.auditOrigin, size: scan.size, rootHash: scan.root)
        let note = checkpoint.signedNote(keyring: keyring)
        try await pool.write { db in
            if let stored = try Data.fetchOne(
                db, sql: "SELECT root_hash FROM audit_checkpoint WHERE size = ?", arguments: [checkpoint.size]
            ) {
                // Already signed at this size (the log has not grown, or a concurrent checkpoint won).
                guard stored == checkpoint.rootHash else {
                    throw AuditLogError.logDamaged(.checkpointMismatch(size: checkpoint.size))
                }
                return
            }
            try db.execute(
                sql: "INSERT INTO audit_checkpoint (size, root_hash, note, created_at) VALUES (?, ?, ?, ?)",
                arguments: [checkpoint.size, checkpoint.rootHash, note, time.description]
            )
        }
        return checkpoint
    }

    public func verifyAudit(publicKey: Data) async throws -> AuditVerification {
        guard publicKey.count == 32 else { throw CheckpointError.invalidPublicKey }
        return try await pool.read { db in
            try AuditScan.run(db, publicKey: publicKey, mode: .everything).verification
        }
    }

    public func auditEntries(after seq: Int, limit: Int) async throws -> [(seq: Int, entry: AuditEntry)] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT seq, recorded_at, kind, payload FROM audit_entry WHERE seq > ? ORDER BY seq LIMIT ?",
                arguments: [seq, max(0, limit)]
            ).map { row in
                let seq: Int = row["seq"]
                guard let kind = String.fromDatabaseValue(row["kind"]),
                      let recordedAt = String.fromDatabaseValue(row["recorded_at"]),
                      let payload = String.fromDatabaseValue(row["payload"]),
                      let entry = AuditEntry(kind: kind, recordedAt: recordedAt, payload: payload)
                else { throw AuditLogError.unreadableEntry(seq: seq) }
                return (seq: seq, entry: entry)
            }
        }
    }

    public func latestCheckpoint() async throws -> String? {
        try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT note FROM audit_checkpoint ORDER BY size DESC LIMIT 1")
        }
    }
}

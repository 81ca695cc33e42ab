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
    /// One transaction of the audit file: what main-file transactions queued first (so the log keeps the
    /// order things were committed in, as closely as two files allow), then `entries`, then `alerts`.
    public func appendAudit(_ entries: [AuditEntry], alerts: [NewAlert]) async throws -> Int {
        let leaves = try entries.map(AuditLeaf.init)
        let raised = try alerts.map(QueuedAlert.init)
        let queued = try await queuedAudit()
        return try await auditPool.write { adb in
            try AuditOutbox.forward(adb, queued)
            var seq = try Self.nextSeq(adb)
            for leaf in leaves {
                try leaf.insert(adb, seq: seq)
                seq += 1
            }
            for alert in raised { seq = try alert.insert(adb, seq: seq) }
            return seq
        }
    }

    /// Queues entries inside a write transaction of the main file that the caller already holds, so that
    /// what they record (an import batch, say) and the record of it commit together or not at all. They
    /// reach the log with the next append or read of it (see ``SQLiteAuditDatabase``).
    static func appendAudit(_ db: Database, _ entries: [AuditEntry]) throws {
        let queue = try db.cachedStatement(sql: "INSERT INTO audit_outbox (what, kind, at, payload) VALUES ('entry', ?, ?, ?)")
        for entry in entries {
            let payload = try entry.payload()
            try queue.execute(arguments: [entry.kind.rawValue, entry.recordedAt.description, payload])
        }
    }

    /// Queues an alert inside a write transaction of the main file, as ``appendAudit(_:_:)`` queues entries.
    static func queueAlert(_ db: Database, _ alert: NewAlert) throws {
        let queued = try QueuedAlert(alert)
        try db.execute(sql: "INSERT INTO audit_outbox (what, kind, at, payload) VALUES ('alert', ?, ?, ?)",
                       arguments: [queued.kind, String(queued.raisedAt), queued.details])
    }

    /// What the main file has queued and the audit file has not yet taken: two reads, no lock waited for.
    func queuedAudit() async throws -> [AuditOutbox.Row] {
        let mark = try await auditPool.read { adb in try AuditOutbox.mark(adb) }
        return try await pool.read { db in try AuditOutbox.queued(db, after: mark) }
    }

    /// Forwards what the main file queued, in a transaction of the audit file. Called before the log is read.
    func forwardQueuedAudit() async throws {
        let queued = try await queuedAudit()
        guard !queued.isEmpty else { return }
        try await auditPool.write { adb in try AuditOutbox.forward(adb, queued) }
    }

    static func nextSeq(_ adb: Database) throws -> Int {
        (try Int.fetchOne(adb, sql: "SELECT max(seq) FROM audit_entry") ?? -1) + 1
    }

    /// The log is scanned in a read snapshot, so imports and appends go on while it is hashed:
    /// entries below the snapshot's size never change. Only then is the note inserted, in a short write
    /// to the audit file (never behind an import, which writes the main file).
    ///
    /// The scan reads every leaf hash (O(n) reads, O(log n) memory) but rehashes only the entries
    /// after the latest checkpoint; those before it are vouched for by its root.
    public func writeCheckpoint(keyring: Keyring, at time: Timestamp) async throws -> Checkpoint {
        try await forwardQueuedAudit()
        let publicKey = keyring.signingPublicKey
        let scan = try await auditPool.read { db in try AuditScan.run(db, publicKey: publicKey, mode: .beforeSigning) }
        if let problem = scan.verification.problem { throw AuditLogError.logDamaged(problem) }
        let checkpoint = Checkpoint(origin: keyring.auditOrigin, size: scan.size, rootHash: scan.root)
        let note = checkpoint.signedNote(keyring: keyring)
        try await auditPool.write { db in
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
        try await forwardQueuedAudit()
        return try await auditPool.read { db in
            try AuditScan.run(db, publicKey: publicKey, mode: .everything).verification
        }
    }

    public func auditEntries(after seq: Int, limit: Int) async throws -> [(seq: Int, entry: AuditEntry)] {
        try await forwardQueuedAudit()
        return try await auditPool.read { db in
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
        try await forwardQueuedAudit()
        return try await auditPool.read { db in
            try String.fetchOne(db, sql: "SELECT note FROM audit_checkpoint ORDER BY size DESC LIMIT 1")
        }
    }
}

/// An entry ready to insert: validated and hashed before the transaction, so the lock is held only to write.
struct AuditLeaf: Sendable {
    var kind: String
    var recordedAt: String
    var payload: String
    var leafHash: Data

    init(_ entry: AuditEntry) throws {
        self.init(kind: entry.kind.rawValue, recordedAt: entry.recordedAt.description, payload: try entry.payload())
    }

    init(kind: String, recordedAt: String, payload: String) {
        self.kind = kind
        self.recordedAt = recordedAt
        self.payload = payload
        leafHash = MerkleHash.leaf(AuditEntry.leafData(kind: kind, recordedAt: recordedAt, payload: payload))
    }

    func insert(_ adb: Database, seq: Int) throws {
        try adb.cachedStatement(sql: "INSERT INTO audit_entry (seq, recorded_at, kind, payload, leaf_hash) VALUES (?, ?, ?, ?, ?)")
            .execute(arguments: [seq, recordedAt, kind, payload, leafHash])
    }
}

/// An alert ready to insert, its details as sorted JSON.
struct QueuedAlert: Sendable {
    var kind: String
    var raisedAt: Int64
    var details: String

    init(_ alert: NewAlert) throws {
        kind = alert.kind
        raisedAt = alert.raisedAt.secondsSinceEpoch
        details = String(decoding: try JSONEncoder.sorted.encode(alert.details), as: UTF8.self)
    }

    init(kind: String, raisedAt: Int64, details: String) {
        self.kind = kind
        self.raisedAt = raisedAt
        self.details = details
    }

    /// Inserts the alert and, in the same transaction, its audit entry at `seq` (an alert deleted from its
    /// table is still in the tamper-evident log); returns the next free sequence number.
    func insert(_ adb: Database, seq: Int) throws -> Int {
        try adb.execute(sql: "INSERT INTO alert (kind, raised_at, details) VALUES (?, ?, ?)", arguments: [kind, raisedAt, details])
        let entry = Alert.auditEntry(
            id: adb.lastInsertedRowID, kind: kind, detailsJSON: details, at: Timestamp(secondsSinceEpoch: raisedAt))
        try AuditLeaf(entry).insert(adb, seq: seq)
        return seq + 1
    }
}

/// The main file's queue of audit entries and alerts, and its forwarding into the audit file.
enum AuditOutbox {
    struct Row: Sendable {
        var id: Int64
        var what: String
        var kind: String
        var at: String
        var payload: String
    }

    static func mark(_ adb: Database) throws -> Int64 {
        try Int64.fetchOne(adb, sql: "SELECT value FROM audit_meta WHERE name = 'outbox_mark'") ?? 0
    }

    static func queued(_ db: Database, after mark: Int64) throws -> [Row] {
        try GRDB.Row.fetchAll(db, sql: "SELECT id, what, kind, at, payload FROM audit_outbox WHERE id > ? ORDER BY id", arguments: [mark])
            .map { row in Row(id: row["id"], what: row["what"], kind: row["kind"], at: row["at"], payload: row["payload"]) }
    }

    /// Writes the queued rows the audit file has not taken yet and moves the mark, inside the caller's
    /// audit transaction. The mark is read again here: another process may have forwarded some meanwhile.
    /// Main-file ids grow in commit order (one writer, AUTOINCREMENT), so rows above the mark are all in `rows`.
    static func forward(_ adb: Database, _ rows: [Row]) throws {
        guard let last = rows.last?.id else { return }
        let forwarded = try Self.mark(adb)
        guard last > forwarded else { return }
        var seq = try SQLiteStore.nextSeq(adb)
        for row in rows where row.id > forwarded {
            switch row.what {
            case "alert":
                seq = try QueuedAlert(kind: row.kind, raisedAt: Int64(row.at) ?? 0, details: row.payload).insert(adb, seq: seq)
            default:
                try AuditLeaf(kind: row.kind, recordedAt: row.at, payload: row.payload).insert(adb, seq: seq)
                seq += 1
            }
        }
        try adb.execute(sql: """
            INSERT INTO audit_meta (name, value) VALUES ('outbox_mark', ?)
            ON CONFLICT(name) DO UPDATE SET value = excluded.value
            """, arguments: [last])
    }
}

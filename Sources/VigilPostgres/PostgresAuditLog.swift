import Foundation
import Logging
import PostgresNIO
import VigilCore
import VigilCrypto
import VigilStore

extension PostgresStore: AuditLogStore {
    /// Entries and alerts in one transaction: a lookup's alert is never a second write to wait for.
    public func appendAudit(_ entries: [AuditEntry], alerts: [NewAlert]) async throws -> Int {
        for entry in entries { _ = try entry.payload() }
        return try await write { connection in
            let size = try await appendAudit(connection, entries)
            for alert in alerts { try await insertAlert(connection, alert) }
            return size
        }
    }

    /// Appends entries inside the caller's transaction, so that what they record and the record of it
    /// commit together. The advisory lock orders appends across instances: every `seq` is taken once,
    /// and the next append waits for this transaction to end. Returns the new number of entries.
    @discardableResult
    func appendAudit(_ connection: PostgresConnection, _ entries: [AuditEntry]) async throws -> Int {
        try await connection.lock(.audit, logger: logger)
        var seq = Int(try await connection.rows(
            "SELECT coalesce(max(seq), -1) + 1 AS next FROM audit_entry", logger: logger)[0].value("next", as: Int64.self))
        for entry in entries {
            let payload = try entry.payload()
            let kind = entry.kind.rawValue
            let recordedAt = entry.recordedAt.description
            let leafHash = MerkleHash.leaf(AuditEntry.leafData(kind: kind, recordedAt: recordedAt, payload: payload))
            try await connection.run("""
                INSERT INTO audit_entry (seq, recorded_at, kind, payload, leaf_hash)
                VALUES (\(Int64(seq)), \(recordedAt), \(kind), \(payload), \(leafHash))
                """, logger: logger)
            seq += 1
        }
        return seq
    }

    /// The log is scanned in one repeatable-read snapshot, so appends go on while it is hashed; only
    /// then is the note inserted. Two instances signing the same size store one note: the second finds
    /// the first's and checks that its root agrees.
    public func writeCheckpoint(keyring: Keyring, at time: Timestamp) async throws -> Checkpoint {
        let scan = try await scanAudit(publicKey: keyring.signingPublicKey, mode: .beforeSigning)
        if let problem = scan.verification.problem { throw AuditLogError.logDamaged(problem) }
        let checkpoint = Checkpoint(origin: keyring.auditOrigin, size: scan.size, rootHash: scan.root)
        let note = checkpoint.signedNote(keyring: keyring)
        try await write { connection in
            try await connection.run("""
                INSERT INTO audit_checkpoint (size, root_hash, note, created_at)
                VALUES (\(Int64(checkpoint.size)), \(checkpoint.rootHash), \(note), \(time.description))
                ON CONFLICT (size) DO NOTHING
                """, logger: logger)
            let stored: Data = try await connection.rows(
                "SELECT root_hash FROM audit_checkpoint WHERE size = \(Int64(checkpoint.size))", logger: logger)[0].value("root_hash")
            guard stored == checkpoint.rootHash else {
                throw AuditLogError.logDamaged(.checkpointMismatch(size: checkpoint.size))
            }
        }
        return checkpoint
    }

    public func verifyAudit(publicKey: Data) async throws -> AuditVerification {
        guard publicKey.count == 32 else { throw CheckpointError.invalidPublicKey }
        return try await scanAudit(publicKey: publicKey, mode: .everything).verification
    }

    /// Feeds an ``AuditScanner`` page by page (keyset pagination on `seq` and `size`), so memory stays flat
    /// and no two result streams are open on the connection at once.
    private func scanAudit(publicKey: Data, mode: AuditScanner.Mode) async throws -> AuditScanner.Result {
        let logger = logger
        return try await write { connection in
            try await connection.run("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
            let latest = try await connection.rows(
                "SELECT max(size) AS latest FROM audit_checkpoint", logger: logger)[0].value("latest", as: Int64?.self)
            var scanner = AuditScanner(publicKey: publicKey, mode: mode, latestCheckpointSize: latest.map(Int.init))
            var checkpoints: [AuditScanner.StoredCheckpoint] = []
            var nextCheckpointSize = Int64(scanner.rehashFrom)
            var checkpointsDone = false
            func feedCheckpoints() async throws {
                while scanner.needsCheckpoint {
                    if checkpoints.isEmpty, !checkpointsDone {
                        checkpoints = try await connection.rows("""
                            SELECT size, root_hash, note FROM audit_checkpoint WHERE size >= \(nextCheckpointSize)
                            ORDER BY size LIMIT 1000
                            """, logger: logger).map { row in
                            AuditScanner.StoredCheckpoint(
                                size: Int(try row.value("size", as: Int64.self)), rootHash: try? row.value("root_hash"),
                                note: try? row.value("note"))
                        }
                        checkpointsDone = checkpoints.count < 1000
                        if let last = checkpoints.last { nextCheckpointSize = Int64(last.size) + 1 }
                    }
                    scanner.supply(checkpoints.isEmpty ? nil : checkpoints.removeFirst())
                }
            }
            try await feedCheckpoints()
            var nextSeq: Int64 = 0
            while scanner.problem == nil {
                let page = try await connection.rows("""
                    SELECT seq, recorded_at, kind, payload, leaf_hash FROM audit_entry WHERE seq >= \(nextSeq)
                    ORDER BY seq LIMIT 10000
                    """, logger: logger)
                for row in page where scanner.problem == nil {
                    let seq = try row.value("seq", as: Int64.self)
                    scanner.consume(AuditScanner.Entry(
                        seq: Int(seq), recordedAt: try? row.value("recorded_at"), kind: try? row.value("kind"),
                        payload: try? row.value("payload"), leafHash: try? row.value("leaf_hash")))
                    nextSeq = seq + 1
                    try await feedCheckpoints()
                }
                if page.count < 10000 { break }
            }
            return scanner.finish()
        }
    }

    public func auditEntries(after seq: Int, limit: Int) async throws -> [(seq: Int, entry: AuditEntry)] {
        let rows = try await read { connection in
            try await connection.rows("""
                SELECT seq, recorded_at, kind, payload FROM audit_entry WHERE seq > \(Int64(seq))
                ORDER BY seq LIMIT \(Int64(max(0, limit)))
                """, logger: logger)
        }
        return try rows.map { row in
            let seq = Int(try row.value("seq", as: Int64.self))
            guard let kind = try? row.value("kind", as: String.self),
                  let recordedAt = try? row.value("recorded_at", as: String.self),
                  let payload = try? row.value("payload", as: String.self),
                  let entry = AuditEntry(kind: kind, recordedAt: recordedAt, payload: payload)
            else { throw AuditLogError.unreadableEntry(seq: seq) }
            return (seq: seq, entry: entry)
        }
    }

    public func latestCheckpoint() async throws -> String? {
        try await read { connection in
            try await connection.rows("SELECT note FROM audit_checkpoint ORDER BY size DESC LIMIT 1", logger: logger)
                .first.map { try $0.value("note", as: String.self) }
        }
    }
}

extension PostgresStore {
    /// Raises an alert inside the caller's transaction, with its own audit entry
    /// (``Alert/auditEntry(id:kind:detailsJSON:at:)``): an alert deleted from its table is still in the log.
    func insertAlert(_ connection: PostgresConnection, _ alert: NewAlert) async throws {
        let json = String(decoding: try JSONEncoder.sorted.encode(alert.details), as: UTF8.self)
        let id: Int64 = try await connection.rows(
            "INSERT INTO alert (kind, raised_at, details) VALUES (\(alert.kind), \(alert.raisedAt.secondsSinceEpoch), \(json)) RETURNING id",
            logger: logger)[0].value("id")
        try await appendAudit(connection, [Alert.auditEntry(id: id, kind: alert.kind, detailsJSON: json, at: alert.raisedAt)])
    }
}

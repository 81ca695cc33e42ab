import Foundation
import GRDB
import VigilCrypto

/// Drives an ``AuditScanner`` over the SQLite tables with two cursors, in one read snapshot.
///
/// Values read from the file are decoded leniently (`fromDatabaseValue`): a tampered column of the
/// wrong type is a finding to report, never a crash.
enum AuditScan {
    static func run(_ db: Database, publicKey: Data, mode: AuditScanner.Mode) throws -> AuditScanner.Result {
        let latest = try Int.fetchOne(db, sql: "SELECT max(size) FROM audit_checkpoint")
        var scanner = AuditScanner(publicKey: publicKey, mode: mode, latestCheckpointSize: latest)
        let checkpoints = try Row.fetchCursor(
            db, sql: "SELECT size, root_hash, note FROM audit_checkpoint WHERE size >= ? ORDER BY size",
            arguments: [scanner.rehashFrom])
        func feedCheckpoints() throws {
            while scanner.needsCheckpoint {
                scanner.supply(try checkpoints.next().map { row in
                    AuditScanner.StoredCheckpoint(
                        size: row["size"], rootHash: Data.fromDatabaseValue(row["root_hash"]),
                        note: String.fromDatabaseValue(row["note"]))
                })
            }
        }
        try feedCheckpoints()
        let entries = try Row.fetchCursor(
            db, sql: "SELECT seq, recorded_at, kind, payload, leaf_hash FROM audit_entry ORDER BY seq")
        while scanner.problem == nil, let row = try entries.next() {
            scanner.consume(AuditScanner.Entry(
                seq: row[0], recordedAt: String.fromDatabaseValue(row[1]), kind: String.fromDatabaseValue(row[2]),
                payload: String.fromDatabaseValue(row[3]), leafHash: Data.fromDatabaseValue(row[4])))
            try feedCheckpoints()
        }
        return scanner.finish()
    }
}

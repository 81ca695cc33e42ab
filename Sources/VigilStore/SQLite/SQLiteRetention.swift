import Foundation
import GRDB
import VigilCore

extension SQLiteSchema {
    static func registerRetentionMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v6: retention") { db in
            try db.execute(sql: "ALTER TABLE custody_record ADD COLUMN purged_at INTEGER")
        }
    }
}

extension SQLiteSchema {
    /// The records a purge looks for, indexed: a purge in short chunks finds each chunk without scanning
    /// the records it already purged (a scan per chunk made a first purge quadratic in the table's size).
    static func registerPurgeIndexMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v12: records due for purge, indexed") { db in
            try db.execute(sql: "CREATE INDEX custody_record_due ON custody_record(status, status_date) WHERE purged_at IS NULL")
        }
    }
}

extension SQLiteStore: RetentionStore {
    /// A purged record keeps its custody facts without identity (status, dates, facility: what the
    /// statistics count) and its keyed fingerprint, so that a replayed old feed row is recognised as
    /// already seen instead of bringing the person back; its own sealed date of birth goes. The person's
    /// sealed name, A-number and date of birth, every blind index and token, and the sealed addresses and
    /// webhook secrets of their registrations are erased once none of their records is left.
    public func purge(policy: RetentionPolicy, now: Timestamp, limit: Int) async throws -> PurgeSummary {
        let cutoff = policy.cutoff(now: now).secondsSinceEpoch
        let ended = RetentionPolicy.endedStatuses.map { "'\($0.rawValue)'" }.joined(separator: ",")
        // Audit entries the log has taken need not stay queued in the main file (see SQLiteAuditDatabase).
        let forwarded = try await auditPool.read { adb in try AuditOutbox.mark(adb) }
        return try await pool.write { [seals] db in
            try db.execute(sql: "DELETE FROM audit_outbox WHERE id <= ?", arguments: [forwarded])
            try db.execute(sql: """
                CREATE TEMP TABLE IF NOT EXISTS purging (id INTEGER PRIMARY KEY, person_id INTEGER);
                DELETE FROM purging;
                """)
            try db.execute(sql: """
                INSERT INTO purging (id, person_id)
                SELECT id, person_id FROM custody_record
                WHERE purged_at IS NULL AND status IN (\(ended)) AND status_date < ?
                LIMIT ?
                """, arguments: [cutoff, limit])
            let records = db.changesCount
            try Self.changingPolicyInputs(db, ids: try Int64.fetchAll(db, sql: "SELECT id FROM purging"), seals: seals) {
                try db.execute(sql: "UPDATE custody_record SET purged_at = ?, date_of_birth_sealed = NULL WHERE id IN (SELECT id FROM purging)",
                               arguments: [now.secondsSinceEpoch])
            }
            // People none of whose records remain.
            let people = try Int64.fetchAll(db, sql: """
                SELECT DISTINCT person_id FROM purging p
                WHERE NOT EXISTS (SELECT 1 FROM custody_record r WHERE r.person_id = p.person_id AND r.purged_at IS NULL)
                """)
            var expired = 0
            for person in people {
                try db.execute(sql: """
                    UPDATE person SET a_number_index = NULL, a_number_sealed = NULL, name_index = X'', family_name_sealed = X'',
                        given_name_sealed = X'', date_of_birth_sealed = NULL, birth_country_index = NULL
                    WHERE id = ?
                    """, arguments: [person])
                // Every registration of the person, whatever its status: a contact address or a webhook
                // secret is as identifying as a name. The row stays, empty, for the outbox it anchors.
                try db.execute(sql: "UPDATE registration SET address_sealed = X'', secret_sealed = NULL WHERE person_id = ?",
                               arguments: [person])
                try db.execute(sql: "UPDATE registration SET status = 'expired', status_reason = 'record purged' WHERE person_id = ? AND status = 'active'",
                               arguments: [person])
                expired += db.changesCount
                try db.execute(sql: """
                    UPDATE outbox SET status = 'cancelled', lease_until = NULL
                    WHERE status = 'pending' AND registration_id IN (SELECT id FROM registration WHERE person_id = ?)
                    """, arguments: [person])
                try db.execute(sql: "UPDATE case_code SET expires_at = 0 WHERE person_id = ? AND used_at IS NULL", arguments: [person])
            }
            let summary = PurgeSummary(records: records, people: people.count, registrationsExpired: expired)
            try Self.appendAudit(db, [AuditEntry(kind: .account, recordedAt: now, fields: [
                "action": "purge", "retention_days": String(policy.days), "records": String(records),
                "people": String(people.count), "registrations_expired": String(expired),
            ])])
            return summary
        }
    }
}

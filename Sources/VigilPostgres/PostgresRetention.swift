import Foundation
import PostgresNIO
import VigilCore
import VigilStore

extension PostgresStore: RetentionStore {
    /// As in the SQLite store: a purged record keeps its custody facts without identity and its keyed
    /// fingerprint (its own sealed date of birth goes); a person's sealed values, indexes and their
    /// registrations' sealed addresses and webhook secrets are erased once none of their records is left.
    public func purge(policy: RetentionPolicy, now: Timestamp, limit: Int) async throws -> PurgeSummary {
        let cutoff = policy.cutoff(now: now).secondsSinceEpoch
        let ended = RetentionPolicy.endedStatuses.map(\.rawValue)
        return try await write { connection in
            try await connection.lock(.custody, logger: logger)
            let due = try await connection.rows("""
                SELECT id FROM custody_record
                WHERE purged_at IS NULL AND status = ANY(\(ended)) AND status_date < \(cutoff)
                LIMIT \(Int64(limit))
                """, logger: logger).map { try $0.value("id", as: Int64.self) }
            let purged = try await changingPolicyInputs(connection, ids: due) {
                try await connection.rows("""
                    UPDATE custody_record SET purged_at = \(now.secondsSinceEpoch), date_of_birth_sealed = NULL
                    WHERE id = ANY(\(due))
                    RETURNING person_id
                    """, logger: logger).map { try $0.value("person_id", as: Int64.self) }
            }
            let candidates = Array(Set(purged))
            // People none of whose records remain.
            let people = candidates.isEmpty ? [] : try await connection.rows("""
                SELECT id FROM person p WHERE id = ANY(\(candidates))
                  AND NOT EXISTS (SELECT 1 FROM custody_record r WHERE r.person_id = p.id AND r.purged_at IS NULL)
                """, logger: logger).map { try $0.value("id", as: Int64.self) }
            var expired = 0
            if !people.isEmpty {
                try await connection.run("""
                    UPDATE person SET a_number_index = NULL, a_number_sealed = NULL, name_index = '\\x'::bytea,
                        family_name_sealed = '\\x'::bytea, given_name_sealed = '\\x'::bytea, date_of_birth_sealed = NULL,
                        birth_country_index = NULL
                    WHERE id = ANY(\(people))
                    """, logger: logger)
                // Every registration of the person, whatever its status: a contact address or a webhook
                // secret is as identifying as a name. The row stays, empty, for the outbox it anchors.
                try await connection.run("""
                    UPDATE registration SET address_sealed = '\\x'::bytea, secret_sealed = NULL WHERE person_id = ANY(\(people))
                    """, logger: logger)
                expired = try await connection.rows("""
                    UPDATE registration SET status = 'expired', status_reason = 'record purged'
                    WHERE person_id = ANY(\(people)) AND status = 'active' RETURNING id
                    """, logger: logger).count
                try await connection.run("""
                    UPDATE outbox SET status = 'cancelled', lease_until = NULL
                    WHERE status = 'pending' AND registration_id IN (SELECT id FROM registration WHERE person_id = ANY(\(people)))
                    """, logger: logger)
                try await connection.run(
                    "UPDATE case_code SET expires_at = 0 WHERE person_id = ANY(\(people)) AND used_at IS NULL", logger: logger)
            }
            let summary = PurgeSummary(records: purged.count, people: people.count, registrationsExpired: expired)
            try await appendAudit(connection, [AuditEntry(kind: .account, recordedAt: now, fields: [
                "action": "purge", "retention_days": String(policy.days), "records": String(purged.count),
                "people": String(people.count), "registrations_expired": String(expired),
            ])])
            return summary
        }
    }
}

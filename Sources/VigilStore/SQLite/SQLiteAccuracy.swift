import Foundation
import GRDB
import VigilCore
import VigilCrypto

extension SQLiteSchema {
    static func registerAccuracyMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v7: reviews, holds, reject reasons") { db in
            try db.execute(sql: """
                -- A held record is withheld from the public and shown as "being verified" to victims.
                ALTER TABLE custody_record ADD COLUMN held INTEGER NOT NULL DEFAULT 0;
                -- Keyed token of date of birth + country: candidates for identity proposals.
                ALTER TABLE person ADD COLUMN birth_country_index BLOB;
                CREATE INDEX person_by_birth_country ON person(birth_country_index);
                CREATE TABLE review (
                    id INTEGER PRIMARY KEY,
                    kind TEXT NOT NULL CHECK (kind IN ('conflict', 'identity', 'dispute')),
                    record_id INTEGER NOT NULL REFERENCES custody_record(id),
                    other_record_id INTEGER REFERENCES custody_record(id),
                    score REAL,
                    filed_by TEXT,
                    reference_sealed BLOB,
                    receipt_hash TEXT,
                    status TEXT NOT NULL DEFAULT 'open',
                    opened_at INTEGER NOT NULL,
                    resolved_at INTEGER,
                    resolved_by TEXT,
                    outcome TEXT
                );
                CREATE INDEX review_by_record ON review(record_id, status);
                CREATE TABLE batch_reject (
                    batch_id INTEGER NOT NULL REFERENCES import_batch(id),
                    column_name TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    count INTEGER NOT NULL,
                    PRIMARY KEY (batch_id, column_name, reason)
                ) WITHOUT ROWID;
                CREATE TABLE correction (
                    id INTEGER PRIMARY KEY,
                    record_id INTEGER NOT NULL REFERENCES custody_record(id),
                    source TEXT NOT NULL,
                    corrected_by TEXT NOT NULL,
                    corrected_at INTEGER NOT NULL,
                    event_id INTEGER NOT NULL REFERENCES custody_event(id),
                    notified INTEGER NOT NULL
                );
                """)
        }
    }
}


extension SQLiteStore {
    /// Opens a review unless the same one is already open.
    static func openReview(
        _ db: Database, kind: Review.Kind, record: Int64, other: Int64?, score: Double? = nil, at time: Timestamp
    ) throws {
        let exists = try Bool.fetchOne(db, sql: """
            SELECT 1 FROM review WHERE kind = ? AND status = 'open'
              AND ((record_id = ? AND other_record_id IS ?) OR (record_id = ? AND other_record_id IS ?))
            """, arguments: [kind.rawValue, record, other, other, record]) ?? false
        guard !exists else { return }
        try db.execute(sql: "INSERT INTO review (kind, record_id, other_record_id, score, opened_at) VALUES (?, ?, ?, ?, ?)",
                       arguments: [kind.rawValue, record, other, score, time.secondsSinceEpoch])
    }
}

extension SQLiteStore: AccuracyStore {
    public func fileDispute(
        aNumber: ANumber, country: CountryCode, filedBy: String, reference: String, receiptHash: String,
        confirmation: DisputeConfirmation, at time: Timestamp
    ) async throws -> Bool {
        let read = try await records(aNumber: aNumber)
        try padDecryptions(opened: read.count)
        let records = read.filter { $0.record.countryOfBirth == country }
        let sealed = cipher.seal(reference, field: AccuracyField.reference)
        let withheld = records.filter(confirmation.withholds)
        return try await pool.write { db in
            for stored in withheld {
                try Self.changingPolicyInputs(db, ids: [stored.recordID], seals: self.seals) {
                    try db.execute(sql: "UPDATE custody_record SET held = 1 WHERE id = ?", arguments: [stored.recordID])
                }
            }
            for stored in records {
                try db.execute(sql: """
                    INSERT INTO review (kind, record_id, filed_by, reference_sealed, receipt_hash, opened_at)
                    VALUES ('dispute', ?, ?, ?, ?, ?)
                    """, arguments: [stored.recordID, filedBy, sealed, receiptHash, time.secondsSinceEpoch])
            }
            _ = try Self.appendAudit(db, [AuditEntry(kind: .account, recordedAt: time, fields: [
                "action": "dispute_filed", "filed_by": filedBy, "records": String(records.count), "withheld": String(withheld.count),
            ])])
            return !records.isEmpty
        }
    }

    public func reviews(source: String?, includeResolved: Bool) async throws -> [Review] {
        try await pool.read { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if !includeResolved { conditions.append("v.status = 'open'") }
            if let source {
                conditions.append("r.source = ?")
                arguments += [source]
            }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            return try Row.fetchAll(db, sql: """
                SELECT v.*, r.source, r.source_record_id FROM review v JOIN custody_record r ON r.id = v.record_id
                \(filter) ORDER BY v.id
                """, arguments: arguments).map(Self.decodeReview)
        }
    }

    public func review(id: Int64) async throws -> Review? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: """
                SELECT v.*, r.source, r.source_record_id FROM review v JOIN custody_record r ON r.id = v.record_id WHERE v.id = ?
                """, arguments: [id]).map(Self.decodeReview)
        }
    }

    public func resolveReview(id: Int64, outcome: ReviewOutcome, by reviewer: String, at time: Timestamp) async throws {
        try await pool.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM review WHERE id = ? AND status = 'open'", arguments: [id]) else {
                throw AccuracyError.noOpenReview(id)
            }
            let kind = Review.Kind(rawValue: row["kind"]) ?? .conflict
            let allowed = kind.allowedOutcomes
            guard allowed.contains(outcome) else { throw AccuracyError.outcomeNotFor(kind: kind.rawValue, allowed: allowed.map(\.rawValue).sorted()) }
            try db.execute(sql: "UPDATE review SET status = 'resolved', outcome = ?, resolved_by = ?, resolved_at = ? WHERE id = ?",
                           arguments: [outcome.rawValue, reviewer, time.secondsSinceEpoch, id])
            let records = [row["record_id"] as Int64, row["other_record_id"] as Int64?].compactMap { $0 }
            switch outcome {
            case .confirmed:
                for record in records { try Self.releaseHoldIfClear(db, record, seals: self.seals) }
            case .linked:
                // The proposal's record joins the other record's person; nothing is linked without this decision.
                if let other = row["other_record_id"] as Int64?,
                   let person = try Int64.fetchOne(db, sql: "SELECT person_id FROM custody_record WHERE id = ?", arguments: [other]) {
                    try db.execute(sql: "UPDATE custody_record SET person_id = ? WHERE id = ?", arguments: [person, row["record_id"] as Int64])
                }
            case .upheld, .distinct:
                break
            }
            _ = try Self.appendAudit(db, [AuditEntry(kind: .account, recordedAt: time, fields: [
                "action": "review_resolved", "review": String(id), "review_kind": kind.rawValue, "outcome": outcome.rawValue,
                "reviewer": String(reviewer.prefix(64)),
            ])])
        }
    }

    /// A record is shown again only when no review about it is still open.
    static func releaseHoldIfClear(_ db: Database, _ record: Int64, seals: PolicySeal) throws {
        try changingPolicyInputs(db, ids: [record], seals: seals) {
            try db.execute(sql: """
                UPDATE custody_record SET held = 0 WHERE id = ? AND NOT EXISTS (
                    SELECT 1 FROM review WHERE status = 'open' AND kind != 'identity' AND (record_id = ? OR other_record_id = ?))
                """, arguments: [record, record, record])
        }
    }

    public func correct(
        source: String, sourceRecordID: String, to state: CorrectedCustody, by reviewer: String, at time: Timestamp
    ) async throws -> CorrectionSummary? {
        try await pool.write { db in
            guard let record = try Row.fetchOne(db, sql: """
                SELECT id, person_id, updated_at FROM custody_record WHERE source = ? AND source_record_id = ? AND purged_at IS NULL
                """, arguments: [source, sourceRecordID]) else { return nil }
            let recordID: Int64 = record["id"]
            let personID: Int64 = record["person_id"]
            // The wrong information is the record's latest event: who was told it, by notice or by looking?
            let wrongEvent = try Int64.fetchOne(db, sql: "SELECT max(id) FROM custody_event WHERE record_id = ?", arguments: [recordID])
            var recipients = Set<Int64>()
            var withdrawn = 0
            if let wrongEvent {
                recipients.formUnion(try Int64.fetchAll(db, sql: """
                    SELECT DISTINCT registration_id FROM outbox WHERE event_id = ? AND first_delivered_at IS NOT NULL
                    """, arguments: [wrongEvent]))
                try db.execute(sql: "UPDATE outbox SET status = 'cancelled', lease_until = NULL WHERE event_id = ? AND first_delivered_at IS NULL AND status = 'pending'",
                               arguments: [wrongEvent])
                withdrawn = db.changesCount
            }
            // Victims who looked the record up since it was last changed, found through the audit log.
            let since = Timestamp(secondsSinceEpoch: (record["updated_at"] as Int64?) ?? 0).description
            // Lookups are audited in the audit file (``SQLiteAuditDatabase``); reading it never waits.
            for payload in try self.auditPool.read({ adb in try String.fetchAll(adb, sql: """
                SELECT payload FROM audit_entry
                WHERE kind = 'lookup' AND recorded_at >= ? AND payload LIKE ? AND payload LIKE '%"registration":%'
                """, arguments: [since, "%\"record\":\"\(recordID)\"%"]) }) {
                guard let data = payload.data(using: .utf8),
                      let fields = try? JSONDecoder().decode([String: String].self, from: data),
                      fields["record"] == String(recordID), let registration = fields["registration"].flatMap(Int64.init) else { continue }
                recipients.insert(registration)
            }

            try Self.changingPolicyInputs(db, ids: [recordID], seals: self.seals) {
                try db.execute(sql: """
                    UPDATE custody_record SET status = ?, status_date = ?, booking_date = COALESCE(?, booking_date), facility_code = ?,
                        release_reason = ?, held = 0, updated_at = ?
                    WHERE id = ?
                    """, arguments: [state.status.rawValue, state.statusDate.secondsSinceEpoch, state.bookingDate?.dayNumber,
                                     state.facilityCode, state.releaseReason?.rawValue, time.secondsSinceEpoch, recordID])
            }
            try db.execute(sql: """
                UPDATE review SET status = 'resolved', outcome = 'corrected', resolved_by = ?, resolved_at = ?
                WHERE status = 'open' AND kind != 'identity' AND (record_id = ? OR other_record_id = ?)
                """, arguments: [reviewer, time.secondsSinceEpoch, recordID, recordID])
            try db.execute(sql: """
                INSERT INTO custody_event (record_id, person_id, batch_id, kind, occurred_at, release_reason, from_facility, to_facility)
                VALUES (?, ?, (SELECT batch_id FROM custody_record WHERE id = ?), 'corrected', ?, ?, NULL, ?)
                """, arguments: [recordID, personID, recordID, time.secondsSinceEpoch, state.releaseReason?.rawValue, state.facilityCode])
            let eventID = db.lastInsertedRowID
            let active = try Row.fetchAll(db, sql: "SELECT id, channel FROM registration WHERE status = 'active' AND person_id = ?", arguments: [personID])
            var notified: [Int64] = []
            for registration in active where recipients.contains(registration["id"]) {
                try Self.enqueueNotice(db, cipher: cipher, kind: .corrected, eventID: eventID, occurredAt: time,
                                       registrationID: registration["id"], channel: registration["channel"],
                                       enqueuedAt: Date().timeIntervalSince1970)
                notified.append(registration["id"])
            }
            try db.execute(sql: """
                INSERT INTO correction (record_id, source, corrected_by, corrected_at, event_id, notified) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [recordID, source, reviewer, time.secondsSinceEpoch, eventID, notified.count])
            _ = try Self.appendAudit(db, [AuditEntry(kind: .account, recordedAt: time, fields: [
                "action": "correction", "record": String(recordID), "notified": String(notified.count),
                "withdrawn": String(withdrawn), "reviewer": String(reviewer.prefix(64)),
            ])])
            return CorrectionSummary(recordID: recordID, notifiedRegistrations: notified.sorted(), withdrawnNotices: withdrawn)
        }
    }

    public func quality(now: Timestamp) async throws -> [SourceQuality] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT source, count(*) AS batches, sum(rows) AS rows, sum(rejected) AS rejected, max(received_at) AS last
                FROM import_batch WHERE kind = 'custody' GROUP BY source ORDER BY source
                """).map { row in
                let source: String = row["source"]
                let rows: Int = row["rows"] ?? 0
                let rejected: Int = row["rejected"] ?? 0
                var reasons: [String: Int] = [:]
                for reject in try Row.fetchAll(db, sql: """
                    SELECT column_name, reason, sum(count) AS n FROM batch_reject
                    WHERE batch_id IN (SELECT id FROM import_batch WHERE source = ?) GROUP BY column_name, reason
                    """, arguments: [source]) {
                    reasons["\(reject["column_name"] as String): \(reject["reason"] as String)"] = reject["n"]
                }
                func reviews(_ kind: String) throws -> Int {
                    try Int.fetchOne(db, sql: """
                        SELECT count(DISTINCT v.id) FROM review v
                        JOIN custody_record r ON r.id = v.record_id OR r.id = v.other_record_id
                        WHERE v.kind = ? AND r.source = ?
                        """, arguments: [kind, source]) ?? 0
                }
                let last: String = row["last"] ?? ""
                let lastTime = Timestamp(iso: last) ?? now
                return SourceQuality(
                    source: source, batches: row["batches"], rows: rows, rejected: rejected,
                    rejectRate: rows > 0 ? Double(rejected) / Double(rows) : 0, rejectsByReason: reasons,
                    conflicts: try reviews("conflict"), disputes: try reviews("dispute"),
                    corrections: try Int.fetchOne(db, sql: "SELECT count(*) FROM correction WHERE source = ?", arguments: [source]) ?? 0,
                    staleness: max(0, now.secondsSinceEpoch - lastTime.secondsSinceEpoch), lastBatchAt: last)
            }
        }
    }

    static func decodeReview(_ row: Row) -> Review {
        Review(
            id: row["id"], kind: Review.Kind(rawValue: row["kind"]) ?? .conflict, recordID: row["record_id"],
            source: row["source"], sourceRecordID: row["source_record_id"], otherRecordID: row["other_record_id"],
            score: row["score"], filedBy: row["filed_by"], status: row["status"],
            openedAt: Timestamp(secondsSinceEpoch: row["opened_at"]), outcome: row["outcome"])
    }
}

public enum AccuracyError: Error, Equatable, CustomStringConvertible {
    case noOpenReview(Int64)
    case outcomeNotFor(kind: String, allowed: [String])

    public var description: String {
        switch self {
        case .noOpenReview(let id): "there is no open review \(id)"
        case .outcomeNotFor(let kind, let allowed): "a \(kind) review is closed with \(allowed.joined(separator: " or "))"
        }
    }
}

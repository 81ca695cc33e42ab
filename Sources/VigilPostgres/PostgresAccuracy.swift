import Foundation
import PostgresNIO
import VigilCore
import VigilStore

extension PostgresStore {
    /// Opens a review unless the same one is already open.
    func openReview(
        _ connection: PostgresConnection, kind: Review.Kind, record: Int64, other: Int64?, score: Double? = nil, at time: Timestamp
    ) async throws {
        let exists = try await !connection.rows("""
            SELECT 1 FROM review WHERE kind = \(kind.rawValue) AND status = 'open'
              AND ((record_id = \(record) AND other_record_id IS NOT DISTINCT FROM \(other))
                OR (record_id IS NOT DISTINCT FROM \(other) AND other_record_id = \(record)))
            """, logger: logger).isEmpty
        guard !exists else { return }
        try await connection.run("""
            INSERT INTO review (kind, record_id, other_record_id, score, opened_at)
            VALUES (\(kind.rawValue), \(record), \(other), \(score), \(time.secondsSinceEpoch))
            """, logger: logger)
    }

    /// A record is shown again only when no review about it is still open.
    func releaseHoldIfClear(_ connection: PostgresConnection, _ record: Int64) async throws {
        try await changingPolicyInputs(connection, ids: [record]) {
            try await connection.run("""
                UPDATE custody_record SET held = FALSE WHERE id = \(record) AND NOT EXISTS (
                    SELECT 1 FROM review WHERE status = 'open' AND kind != 'identity' AND (record_id = \(record) OR other_record_id = \(record)))
                """, logger: logger)
        }
    }

    private static let reviewSelect = """
        SELECT v.id, v.kind, v.record_id, v.other_record_id, v.score, v.filed_by, v.status, v.opened_at, v.outcome,
               r.source, r.source_record_id
        FROM review v JOIN custody_record r ON r.id = v.record_id
        """

    private static func decodeReview(_ row: PostgresRandomAccessRow) throws -> Review {
        Review(
            id: try row.value("id"), kind: Review.Kind(rawValue: try row.value("kind")) ?? .conflict,
            recordID: try row.value("record_id"), source: try row.value("source"),
            sourceRecordID: try row.value("source_record_id"), otherRecordID: try row.value("other_record_id"),
            score: try row.value("score"), filedBy: try row.value("filed_by"), status: try row.value("status"),
            openedAt: Timestamp(secondsSinceEpoch: try row.value("opened_at")), outcome: try row.value("outcome"))
    }
}

extension PostgresStore: AccuracyStore {
    public func fileDispute(
        aNumber: ANumber, country: CountryCode, filedBy: String, reference: String, receiptHash: String,
        confirmation: DisputeConfirmation, at time: Timestamp
    ) async throws -> Bool {
        let read = try await records(aNumber: aNumber)
        try padDecryptions(opened: read.count)
        let records = read.filter { $0.record.countryOfBirth == country }
        let sealed = cipher.seal(reference, field: AccuracyField.reference)
        let withheld = records.filter(confirmation.withholds)
        return try await write { connection in
            for stored in withheld {
                try await changingPolicyInputs(connection, ids: [stored.recordID]) {
                    try await connection.run("UPDATE custody_record SET held = TRUE WHERE id = \(stored.recordID)", logger: logger)
                }
            }
            for stored in records {
                try await connection.run("""
                    INSERT INTO review (kind, record_id, filed_by, reference_sealed, receipt_hash, opened_at)
                    VALUES ('dispute', \(stored.recordID), \(filedBy), \(sealed), \(receiptHash), \(time.secondsSinceEpoch))
                    """, logger: logger)
            }
            try await appendAudit(connection, [AuditEntry(kind: .account, recordedAt: time, fields: [
                "action": "dispute_filed", "filed_by": filedBy, "records": String(records.count), "withheld": String(withheld.count),
            ])])
            return !records.isEmpty
        }
    }

    public func reviews(source: String?, includeResolved: Bool) async throws -> [Review] {
        try await read { connection in
            try await connection.rows("""
                \(unescaped: Self.reviewSelect)
                WHERE (\(includeResolved) OR v.status = 'open') AND (\(source)::text IS NULL OR r.source = \(source))
                ORDER BY v.id
                """, logger: logger)
        }.map(Self.decodeReview)
    }

    public func review(id: Int64) async throws -> Review? {
        try await read { connection in
            try await connection.rows("\(unescaped: Self.reviewSelect) WHERE v.id = \(id)", logger: logger)
        }.first.map(Self.decodeReview)
    }

    public func resolveReview(id: Int64, outcome: ReviewOutcome, by reviewer: String, at time: Timestamp) async throws {
        try await write { connection in
            guard let row = try await connection.rows(
                "SELECT kind, record_id, other_record_id FROM review WHERE id = \(id) AND status = 'open' FOR UPDATE",
                logger: logger).first
            else { throw AccuracyError.noOpenReview(id) }
            let kind = Review.Kind(rawValue: try row.value("kind")) ?? .conflict
            let allowed = kind.allowedOutcomes
            guard allowed.contains(outcome) else {
                throw AccuracyError.outcomeNotFor(kind: kind.rawValue, allowed: allowed.map(\.rawValue).sorted())
            }
            try await connection.run("""
                UPDATE review SET status = 'resolved', outcome = \(outcome.rawValue), resolved_by = \(reviewer),
                    resolved_at = \(time.secondsSinceEpoch)
                WHERE id = \(id)
                """, logger: logger)
            let record: Int64 = try row.value("record_id")
            let other: Int64? = try row.value("other_record_id")
            switch outcome {
            case .confirmed:
                for held in [record, other].compactMap({ $0 }) { try await releaseHoldIfClear(connection, held) }
            case .linked:
                // The proposal's record joins the other record's person; nothing is linked without this decision.
                if let other {
                    try await connection.run("""
                        UPDATE custody_record SET person_id = (SELECT person_id FROM custody_record WHERE id = \(other))
                        WHERE id = \(record)
                        """, logger: logger)
                }
            case .upheld, .distinct:
                break
            }
            try await appendAudit(connection, [AuditEntry(kind: .account, recordedAt: time, fields: [
                "action": "review_resolved", "review": String(id), "review_kind": kind.rawValue, "outcome": outcome.rawValue,
                "reviewer": String(reviewer.prefix(64)),
            ])])
        }
    }

    public func correct(
        source: String, sourceRecordID: String, to state: CorrectedCustody, by reviewer: String, at time: Timestamp
    ) async throws -> CorrectionSummary? {
        try await write { connection -> CorrectionSummary? in
            try await connection.lock(.custody, logger: logger)
            guard let record = try await connection.rows("""
                SELECT id, person_id, updated_at, batch_id FROM custody_record
                WHERE source = \(source) AND source_record_id = \(sourceRecordID) AND purged_at IS NULL
                """, logger: logger).first
            else { return nil }
            let recordID: Int64 = try record.value("id")
            let personID: Int64 = try record.value("person_id")
            let batchID: Int64 = try record.value("batch_id")
            // The wrong information is the record's latest event: who was told it, by notice or by looking?
            let wrongEvent = try await connection.rows(
                "SELECT max(id) AS event FROM custody_event WHERE record_id = \(recordID)", logger: logger
            )[0].value("event", as: Int64?.self)
            var recipients = Set<Int64>()
            var withdrawn = 0
            if let wrongEvent {
                recipients.formUnion(try await connection.rows("""
                    SELECT DISTINCT registration_id FROM outbox WHERE event_id = \(wrongEvent) AND first_delivered_at IS NOT NULL
                    """, logger: logger).map { try $0.value("registration_id", as: Int64.self) })
                withdrawn = try await connection.rows("""
                    UPDATE outbox SET status = 'cancelled', lease_until = NULL
                    WHERE event_id = \(wrongEvent) AND first_delivered_at IS NULL AND status = 'pending' RETURNING id
                    """, logger: logger).count
            }
            // Victims who looked the record up since it was last changed, found through the audit log.
            let since = Timestamp(secondsSinceEpoch: try record.value("updated_at")).description
            let recordField = "%\"record\":\"\(recordID)\"%"
            for lookup in try await connection.rows("""
                SELECT payload FROM audit_entry
                WHERE kind = 'lookup' AND recorded_at >= \(since) AND payload LIKE \(recordField) AND payload LIKE '%"registration":%'
                """, logger: logger) {
                let payload: String = try lookup.value("payload")
                guard let fields = try? JSONDecoder().decode([String: String].self, from: Data(payload.utf8)),
                      fields["record"] == String(recordID), let registration = fields["registration"].flatMap(Int64.init)
                else { continue }
                recipients.insert(registration)
            }

            try await changingPolicyInputs(connection, ids: [recordID]) {
                try await connection.run("""
                    UPDATE custody_record SET status = \(state.status.rawValue), status_date = \(state.statusDate.secondsSinceEpoch),
                        booking_date = COALESCE(\(state.bookingDate.map { Int64($0.dayNumber) }), booking_date),
                        facility_code = \(state.facilityCode), release_reason = \(state.releaseReason?.rawValue), held = FALSE,
                        updated_at = \(time.secondsSinceEpoch)
                    WHERE id = \(recordID)
                    """, logger: logger)
            }
            try await connection.run("""
                UPDATE review SET status = 'resolved', outcome = 'corrected', resolved_by = \(reviewer), resolved_at = \(time.secondsSinceEpoch)
                WHERE status = 'open' AND kind != 'identity' AND (record_id = \(recordID) OR other_record_id = \(recordID))
                """, logger: logger)
            let eventID: Int64 = try await connection.rows("""
                INSERT INTO custody_event (record_id, person_id, batch_id, kind, occurred_at, release_reason, from_facility, to_facility)
                VALUES (\(recordID), \(personID), \(batchID), 'corrected', \(time.secondsSinceEpoch), \(state.releaseReason?.rawValue),
                        NULL, \(state.facilityCode))
                RETURNING id
                """, logger: logger)[0].value("id")
            let active = try await connection.rows(
                "SELECT id, channel FROM registration WHERE status = 'active' AND person_id = \(personID)", logger: logger)
            var notified: [Int64] = []
            for registration in active {
                let id: Int64 = try registration.value("id")
                guard recipients.contains(id) else { continue }
                try await enqueueNotice(
                    connection, kind: .corrected, eventID: eventID, occurredAt: time, registrationID: id,
                    channel: try registration.value("channel"), enqueuedAt: Date().timeIntervalSince1970)
                notified.append(id)
            }
            try await connection.run("""
                INSERT INTO correction (record_id, source, corrected_by, corrected_at, event_id, notified)
                VALUES (\(recordID), \(source), \(reviewer), \(time.secondsSinceEpoch), \(eventID), \(Int64(notified.count)))
                """, logger: logger)
            try await appendAudit(connection, [AuditEntry(kind: .account, recordedAt: time, fields: [
                "action": "correction", "record": String(recordID), "notified": String(notified.count),
                "withdrawn": String(withdrawn), "reviewer": String(reviewer.prefix(64)),
            ])])
            return CorrectionSummary(recordID: recordID, notifiedRegistrations: notified.sorted(), withdrawnNotices: withdrawn)
        }
    }

    public func quality(now: Timestamp) async throws -> [SourceQuality] {
        try await read { connection in
            var qualities: [SourceQuality] = []
            for row in try await connection.rows("""
                SELECT source, count(*) AS batches, sum(rows)::bigint AS rows, sum(rejected)::bigint AS rejected, max(received_at) AS last
                FROM import_batch WHERE kind = 'custody' GROUP BY source ORDER BY source
                """, logger: logger) {
                let source: String = try row.value("source")
                let rows = Int(try row.value("rows", as: Int64?.self) ?? 0)
                let rejected = Int(try row.value("rejected", as: Int64?.self) ?? 0)
                var reasons: [String: Int] = [:]
                for reject in try await connection.rows("""
                    SELECT column_name, reason, sum(count)::bigint AS n FROM batch_reject
                    WHERE batch_id IN (SELECT id FROM import_batch WHERE source = \(source)) GROUP BY column_name, reason
                    """, logger: logger) {
                    reasons["\(try reject.value("column_name", as: String.self)): \(try reject.value("reason", as: String.self))"] =
                        Int(try reject.value("n", as: Int64.self))
                }
                func reviews(_ kind: String) async throws -> Int {
                    Int(try await connection.rows("""
                        SELECT count(DISTINCT v.id) AS n FROM review v
                        JOIN custody_record r ON r.id = v.record_id OR r.id = v.other_record_id
                        WHERE v.kind = \(kind) AND r.source = \(source)
                        """, logger: logger)[0].value("n", as: Int64.self))
                }
                let corrections = Int(try await connection.rows(
                    "SELECT count(*) AS n FROM correction WHERE source = \(source)", logger: logger)[0].value("n", as: Int64.self))
                let last: String = try row.value("last", as: String?.self) ?? ""
                let lastTime = Timestamp(iso: last) ?? now
                qualities.append(SourceQuality(
                    source: source, batches: Int(try row.value("batches", as: Int64.self)), rows: rows, rejected: rejected,
                    rejectRate: rows > 0 ? Double(rejected) / Double(rows) : 0, rejectsByReason: reasons,
                    conflicts: try await reviews("conflict"), disputes: try await reviews("dispute"), corrections: corrections,
                    staleness: max(0, now.secondsSinceEpoch - lastTime.secondsSinceEpoch), lastBatchAt: last))
            }
            return qualities
        }
    }
}

import Foundation
import PostgresNIO
import VigilCore
import VigilCrypto
import VigilStore

extension PostgresStore {
    /// Writes one notice to the outbox, in the caller's transaction (imports and corrections).
    func enqueueNotice(
        _ connection: PostgresConnection, kind: CustodyEventKind, eventID: Int64, occurredAt: Timestamp,
        registrationID: Int64, channel: String, enqueuedAt: Double
    ) async throws {
        let pin = OutboxNotice.sealedPIN(kind: kind, channel: channel, cipher: cipher)
        try await connection.run("""
            INSERT INTO outbox (message_id, registration_id, event_id, kind, occurred_at, enqueued_at, next_attempt_at, pin_sealed)
            VALUES (\(OutboxNotice.newMessageID()), \(registrationID), \(eventID), \(kind.rawValue),
                    \(occurredAt.secondsSinceEpoch), \(enqueuedAt), \(enqueuedAt), \(pin))
            """, logger: logger)
    }
}

extension PostgresStore: NotificationStore {
    public func issueCase(
        source: String, sourceRecordID: String, codeHash: String, expiresAt: Timestamp, at time: Timestamp
    ) async throws -> Int64? {
        try await write { connection in
            guard let record = try await connection.rows("""
                SELECT id, person_id FROM custody_record WHERE source = \(source) AND source_record_id = \(sourceRecordID)
                """, logger: logger).first
            else { return nil }
            let recordID: Int64 = try record.value("id")
            let personID: Int64 = try record.value("person_id")
            let id: Int64 = try await connection.rows("""
                INSERT INTO case_code (code_hash, record_id, person_id, source, issued_at, expires_at)
                VALUES (\(codeHash), \(recordID), \(personID), \(source), \(time.secondsSinceEpoch), \(expiresAt.secondsSinceEpoch))
                RETURNING id
                """, logger: logger)[0].value("id")
            try await appendAudit(connection, [AuditEntry(kind: .account, recordedAt: time, fields: [
                "action": "case_issued", "case": String(id), "record": String(recordID), "source": source,
            ])])
            return id
        }
    }

    public func register(
        codeHash: String, channel: NotificationChannel, address: String, language: NoticeLanguage, tokenHash: String,
        webhookSecret: String?, at time: Timestamp
    ) async throws -> RegistrationOutcome {
        let sealedAddress = cipher.seal(address, field: NotificationField.address)
        let sealedSecret = webhookSecret.map { cipher.seal($0, field: NotificationField.secret) }
        return try await write { connection in
            // The row lock makes a code usable once even when two instances receive it at the same moment.
            guard let code = try await connection.rows("""
                SELECT id, person_id FROM case_code
                WHERE code_hash = \(codeHash) AND used_at IS NULL AND expires_at > \(time.secondsSinceEpoch)
                FOR UPDATE
                """, logger: logger).first
            else { return .invalidCode }
            let caseID: Int64 = try code.value("id")
            let personID: Int64 = try code.value("person_id")
            try await connection.run(
                "UPDATE case_code SET used_at = \(time.secondsSinceEpoch) WHERE id = \(caseID)", logger: logger)
            let id: Int64 = try await connection.rows("""
                INSERT INTO registration (case_id, person_id, channel, address_sealed, language, token_hash, secret_sealed, created_at)
                VALUES (\(caseID), \(personID), \(channel.rawValue), \(sealedAddress), \(language.rawValue), \(tokenHash),
                        \(sealedSecret), \(time.secondsSinceEpoch))
                RETURNING id
                """, logger: logger)[0].value("id")
            try await appendAudit(connection, [AuditEntry(kind: .account, recordedAt: time, fields: [
                "action": "registered", "registration": String(id), "case": String(caseID), "channel": channel.rawValue,
            ])])
            return .registered(id: id)
        }
    }

    public func registration(tokenHash: String) async throws -> Registration? {
        let rows = try await read { connection in
            try await connection.rows("""
                SELECT id, person_id, channel, address_sealed, language, status FROM registration WHERE token_hash = \(tokenHash)
                """, logger: logger)
        }
        return try rows.first.map { row in
            let sealedAddress: Data = try row.value("address_sealed")
            return Registration(
                id: try row.value("id"), personID: try row.value("person_id"),
                channel: NotificationChannel(rawValue: try row.value("channel")) ?? .file,
                // Retention erases a purged person's addresses: nothing is left to open.
                address: sealedAddress.isEmpty ? "" : try cipher.open(sealedAddress, field: NotificationField.address),
                language: NoticeLanguage(rawValue: try row.value("language")) ?? .en, status: try row.value("status"))
        }
    }

    public func cancelRegistration(id: Int64, at time: Timestamp) async throws {
        try await write { connection in
            try await connection.run("""
                UPDATE registration SET status = 'cancelled', status_reason = 'cancelled by the registrant' WHERE id = \(id)
                """, logger: logger)
            try await connection.run(
                "UPDATE outbox SET status = 'cancelled' WHERE registration_id = \(id) AND status = 'pending'", logger: logger)
            try await appendAudit(connection, [AuditEntry(kind: .account, recordedAt: time, fields: [
                "action": "registration_cancelled", "registration": String(id),
            ])])
        }
    }

    /// `FOR UPDATE SKIP LOCKED`: workers in other processes claiming at the same moment pass over the rows
    /// this one is leasing instead of waiting for them or leasing them twice.
    public func claimDueMessages(now: Double, limit: Int, lease: Double) async throws -> [OutboxMessage] {
        let rows = try await write { connection in
            let claimed = try await connection.rows("""
                UPDATE outbox SET lease_until = \(now + lease), attempts = attempts + 1
                WHERE id IN (
                    SELECT id FROM outbox
                    WHERE status = 'pending' AND next_attempt_at <= \(now) AND (lease_until IS NULL OR lease_until <= \(now))
                    ORDER BY next_attempt_at LIMIT \(Int64(limit))
                    FOR UPDATE SKIP LOCKED)
                RETURNING id
                """, logger: logger).map { try $0.value("id", as: Int64.self) }
            guard !claimed.isEmpty else { return [PostgresRandomAccessRow]() }
            return try await connection.rows("""
                SELECT o.id, o.message_id, o.kind, o.occurred_at, o.enqueued_at, o.attempts, o.pin_sealed, o.repeats,
                       r.id AS registration_id, r.person_id, r.channel, r.address_sealed, r.language,
                       r.status AS registration_status, r.secret_sealed
                FROM outbox o JOIN registration r ON r.id = o.registration_id
                WHERE o.id = ANY(\(claimed)) ORDER BY o.next_attempt_at
                """, logger: logger)
        }
        return try rows.map(decodeMessage)
    }

    private func decodeMessage(_ row: PostgresRandomAccessRow) throws -> OutboxMessage {
        let registration = Registration(
            id: try row.value("registration_id"), personID: try row.value("person_id"),
            channel: NotificationChannel(rawValue: try row.value("channel")) ?? .file,
            address: try cipher.open(try row.value("address_sealed"), field: NotificationField.address),
            language: NoticeLanguage(rawValue: try row.value("language")) ?? .en, status: try row.value("registration_status"))
        return OutboxMessage(
            id: try row.value("id"), messageID: try row.value("message_id"), registration: registration,
            webhookSecret: try (try row.value("secret_sealed", as: Data?.self)).map { try cipher.open($0, field: NotificationField.secret) },
            kind: CustodyEventKind(rawValue: try row.value("kind")) ?? .corrected,
            occurredAt: Timestamp(secondsSinceEpoch: try row.value("occurred_at")), enqueuedAt: try row.value("enqueued_at"),
            attempt: Int(try row.value("attempts", as: Int64.self)),
            pin: try (try row.value("pin_sealed", as: Data?.self)).map { try cipher.open($0, field: NotificationField.pin) },
            repeats: Int(try row.value("repeats", as: Int64.self)))
    }

    public func markDelivered(_ marks: [DeliveredMark]) async throws {
        guard !marks.isEmpty else { return }
        let repeating = marks.filter { $0.repeatAt != nil }
        let final = marks.filter { $0.repeatAt == nil }
        try await write { connection in
            // One statement per kind of mark, whatever the batch's size (arrays of ids and times, unnested).
            if !repeating.isEmpty {
                try await connection.run("""
                    UPDATE outbox o SET status = CASE WHEN o.status <> 'pending' THEN o.status
                            WHEN o.acknowledged_at IS NULL THEN 'pending' ELSE 'acknowledged' END,
                        first_delivered_at = COALESCE(o.first_delivered_at, m.at), next_attempt_at = m.repeat_at, lease_until = NULL,
                        attempts = 0, repeats = o.repeats + 1, last_error = NULL
                    FROM unnest(\(repeating.map(\.id)), \(repeating.map(\.at)), \(repeating.map { $0.repeatAt ?? 0 }))
                        AS m(id, at, repeat_at)
                    WHERE o.id = m.id
                    """, logger: logger)
            }
            if !final.isEmpty {
                try await connection.run("""
                    UPDATE outbox o SET status = CASE WHEN o.status = 'pending' THEN 'delivered' ELSE o.status END,
                        first_delivered_at = COALESCE(o.first_delivered_at, m.at), lease_until = NULL, last_error = NULL
                    FROM unnest(\(final.map(\.id)), \(final.map(\.at))) AS m(id, at)
                    WHERE o.id = m.id
                    """, logger: logger)
            }
        }
    }

    public func scheduleRetry(id: Int64, at time: Double, reason: String) async throws {
        try await write { connection in
            try await connection.run("""
                UPDATE outbox SET next_attempt_at = \(time), lease_until = NULL, last_error = \(reason)
                WHERE id = \(id) AND status = 'pending'
                """, logger: logger)
        }
    }

    public func deadLetter(id: Int64, at time: Double, reason: String) async throws {
        try await write { connection in
            try await connection.run(
                "UPDATE outbox SET status = 'dead', lease_until = NULL, last_error = \(reason) WHERE id = \(id)", logger: logger)
            try await insertAlert(connection, NewAlert(
                kind: "delivery_failed", details: ["outbox": String(id), "reason": reason], raisedAt: Timestamp(secondsSinceEpoch: Int64(time))))
        }
    }

    public func disableRegistration(id: Int64, reason: String) async throws {
        try await write { connection in
            try await connection.run(
                "UPDATE registration SET status = 'disabled', status_reason = \(reason) WHERE id = \(id)", logger: logger)
            try await connection.run("""
                UPDATE outbox SET status = 'cancelled', lease_until = NULL WHERE registration_id = \(id) AND status = 'pending'
                """, logger: logger)
        }
    }

    public func withholdNotice(_ notice: WithheldNotice) async throws {
        try await write { connection in
            try await connection.run(
                "UPDATE outbox SET status = 'withheld', lease_until = NULL WHERE id = \(notice.id)", logger: logger)
            try await insertAlert(connection, NewAlert(kind: "notice_withheld", details: notice.fields, raisedAt: notice.at))
            try await appendAudit(connection, [AuditEntry(kind: .alert, recordedAt: notice.at, fields: notice.fields)])
        }
    }

    public func acknowledge(messageID: String, pin: String, at time: Timestamp) async throws -> Bool {
        try await write { connection in
            guard let row = try await connection.rows(
                "SELECT id, pin_sealed FROM outbox WHERE message_id = \(messageID)", logger: logger).first,
                  let sealed = try row.value("pin_sealed", as: Data?.self),
                  let expected = try? cipher.open(sealed, field: NotificationField.pin),
                  constantTimeEqual(expected, pin)
            else { return false }
            let id: Int64 = try row.value("id")
            try await connection.run("""
                UPDATE outbox SET acknowledged_at = COALESCE(acknowledged_at, \(time.secondsSinceEpoch)),
                    status = CASE WHEN status IN ('pending', 'delivered') THEN 'acknowledged' ELSE status END
                WHERE id = \(id)
                """, logger: logger)
            return true
        }
    }

    public func outboxCounts() async throws -> [String: Int] {
        let rows = try await read { connection in
            try await connection.rows("SELECT status, count(*) AS n FROM outbox GROUP BY status", logger: logger)
        }
        var counts: [String: Int] = [:]
        for row in rows { counts[try row.value("status")] = Int(try row.value("n", as: Int64.self)) }
        return counts
    }

    public func deliveryLatencies() async throws -> [Double] {
        try await read { connection in
            try await connection.rows("""
                SELECT first_delivered_at - enqueued_at AS latency FROM outbox WHERE first_delivered_at IS NOT NULL
                """, logger: logger)
        }.map { try $0.value("latency", as: Double.self) }
    }
}

import Foundation
import GRDB
import VigilCore
import VigilCrypto

extension SQLiteSchema {
    static func registerNotificationMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v5: case codes, registrations, outbox") { db in
            try db.execute(sql: """
                CREATE TABLE case_code (
                    id INTEGER PRIMARY KEY,
                    code_hash TEXT NOT NULL UNIQUE,
                    record_id INTEGER NOT NULL REFERENCES custody_record(id),
                    person_id INTEGER NOT NULL REFERENCES person(id),
                    source TEXT NOT NULL,
                    issued_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL,
                    used_at INTEGER
                );
                CREATE TABLE registration (
                    id INTEGER PRIMARY KEY,
                    case_id INTEGER NOT NULL UNIQUE REFERENCES case_code(id),
                    person_id INTEGER NOT NULL REFERENCES person(id),
                    channel TEXT NOT NULL CHECK (channel IN ('webhook', 'email', 'sms', 'file')),
                    address_sealed BLOB NOT NULL,
                    language TEXT NOT NULL CHECK (language IN ('en', 'es')),
                    token_hash TEXT NOT NULL UNIQUE,
                    secret_sealed BLOB,
                    status TEXT NOT NULL DEFAULT 'active',
                    status_reason TEXT,
                    created_at INTEGER NOT NULL
                );
                CREATE INDEX registration_by_person ON registration(person_id) WHERE status = 'active';
                -- One row per notice to one registration. message_id is fixed when the row is written.
                CREATE TABLE outbox (
                    id INTEGER PRIMARY KEY,
                    message_id TEXT NOT NULL UNIQUE,
                    registration_id INTEGER NOT NULL REFERENCES registration(id),
                    event_id INTEGER NOT NULL REFERENCES custody_event(id),
                    kind TEXT NOT NULL,
                    occurred_at INTEGER NOT NULL,
                    enqueued_at REAL NOT NULL,
                    status TEXT NOT NULL DEFAULT 'pending',
                    attempts INTEGER NOT NULL DEFAULT 0,
                    repeats INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at REAL NOT NULL,
                    lease_until REAL,
                    first_delivered_at REAL,
                    pin_sealed BLOB,
                    acknowledged_at INTEGER,
                    last_error TEXT
                );
                CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
                """)
        }
    }
}


extension SQLiteStore {
    /// Writes one notice to the outbox (shared by imports and corrections).
    static func enqueueNotice(
        _ db: Database, cipher: FieldCipher, kind: CustodyEventKind, eventID: Int64, occurredAt: Timestamp,
        registrationID: Int64, channel: String, enqueuedAt: Double
    ) throws {
        let pin = OutboxNotice.sealedPIN(kind: kind, channel: channel, cipher: cipher)
        try db.cachedStatement(sql: """
            INSERT INTO outbox (message_id, registration_id, event_id, kind, occurred_at, enqueued_at, next_attempt_at, pin_sealed)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                OutboxNotice.newMessageID(), registrationID, eventID,
                kind.rawValue, occurredAt.secondsSinceEpoch, enqueuedAt, enqueuedAt, pin,
            ])
    }
}

extension SQLiteStore: NotificationStore {
    public func issueCase(
        source: String, sourceRecordID: String, codeHash: String, expiresAt: Timestamp, at time: Timestamp
    ) async throws -> Int64? {
        try await pool.write { db in
            guard let record = try Row.fetchOne(
                db, sql: "SELECT id, person_id FROM custody_record WHERE source = ? AND source_record_id = ?",
                arguments: [source, sourceRecordID])
            else { return nil }
            try db.execute(
                sql: "INSERT INTO case_code (code_hash, record_id, person_id, source, issued_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [codeHash, record["id"] as Int64, record["person_id"] as Int64, source, time.secondsSinceEpoch, expiresAt.secondsSinceEpoch])
            let id = db.lastInsertedRowID
            _ = try Self.appendAudit(db, [AuditEntry(kind: .account, recordedAt: time, fields: [
                "action": "case_issued", "case": String(id), "record": String(record["id"] as Int64), "source": source,
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
        return try await pool.write { db in
            guard let code = try Row.fetchOne(
                db, sql: "SELECT id, person_id FROM case_code WHERE code_hash = ? AND used_at IS NULL AND expires_at > ?",
                arguments: [codeHash, time.secondsSinceEpoch])
            else { return .invalidCode }
            try db.execute(sql: "UPDATE case_code SET used_at = ? WHERE id = ?", arguments: [time.secondsSinceEpoch, code["id"] as Int64])
            try db.execute(
                sql: """
                    INSERT INTO registration (case_id, person_id, channel, address_sealed, language, token_hash, secret_sealed, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [code["id"] as Int64, code["person_id"] as Int64, channel.rawValue, sealedAddress, language.rawValue,
                            tokenHash, sealedSecret, time.secondsSinceEpoch])
            let id = db.lastInsertedRowID
            _ = try Self.appendAudit(db, [AuditEntry(kind: .account, recordedAt: time, fields: [
                "action": "registered", "registration": String(id), "case": String(code["id"] as Int64), "channel": channel.rawValue,
            ])])
            return .registered(id: id)
        }
    }

    public func registration(tokenHash: String) async throws -> Registration? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM registration WHERE token_hash = ?", arguments: [tokenHash])
                .map(self.decodeRegistration)
        }
    }

    public func cancelRegistration(id: Int64, at time: Timestamp) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE registration SET status = 'cancelled', status_reason = 'cancelled by the registrant' WHERE id = ?", arguments: [id])
            try db.execute(sql: "UPDATE outbox SET status = 'cancelled' WHERE registration_id = ? AND status = 'pending'", arguments: [id])
            _ = try Self.appendAudit(db, [AuditEntry(kind: .account, recordedAt: time, fields: ["action": "registration_cancelled", "registration": String(id)])])
        }
    }

    public func claimDueMessages(now: Double, limit: Int, lease: Double) async throws -> [OutboxMessage] {
        try await pool.write { db -> [OutboxMessage] in
            let ids = try Int64.fetchAll(db, sql: """
                SELECT id FROM outbox
                WHERE status = 'pending' AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until <= ?)
                ORDER BY next_attempt_at LIMIT ?
                """, arguments: [now, now, limit])
            guard !ids.isEmpty else { return [] }
            let list = ids.map(String.init).joined(separator: ",")  // integers from the database, not input
            try db.execute(sql: "UPDATE outbox SET lease_until = ?, attempts = attempts + 1 WHERE id IN (\(list))", arguments: [now + lease])
            return try Row.fetchAll(db, sql: """
                SELECT o.*, r.person_id, r.channel, r.address_sealed, r.language, r.status AS registration_status,
                       r.secret_sealed, r.id AS registration_id
                FROM outbox o JOIN registration r ON r.id = o.registration_id
                WHERE o.id IN (\(list)) ORDER BY o.next_attempt_at
                """).map(self.decodeMessage)
        }
    }

    private func decodeMessage(_ row: Row) throws -> OutboxMessage {
        let registration = Registration(
            id: row["registration_id"], personID: row["person_id"],
            channel: NotificationChannel(rawValue: row["channel"]) ?? .file,
            address: try cipher.open(row["address_sealed"], field: NotificationField.address),
            language: NoticeLanguage(rawValue: row["language"]) ?? .en, status: row["registration_status"])
        return OutboxMessage(
            id: row["id"], messageID: row["message_id"], registration: registration,
            webhookSecret: try (row["secret_sealed"] as Data?).map { try cipher.open($0, field: NotificationField.secret) },
            kind: CustodyEventKind(rawValue: row["kind"]) ?? .corrected,
            occurredAt: Timestamp(secondsSinceEpoch: row["occurred_at"]), enqueuedAt: row["enqueued_at"],
            attempt: row["attempts"],
            pin: try (row["pin_sealed"] as Data?).map { try cipher.open($0, field: NotificationField.pin) },
            repeats: row["repeats"])
    }

    public func markDelivered(_ marks: [DeliveredMark]) async throws {
        guard !marks.isEmpty else { return }
        try await pool.write { db in
            let repeating = try db.cachedStatement(sql: """
                UPDATE outbox SET status = CASE WHEN status <> 'pending' THEN status
                        WHEN acknowledged_at IS NULL THEN 'pending' ELSE 'acknowledged' END,
                    first_delivered_at = COALESCE(first_delivered_at, ?), next_attempt_at = ?, lease_until = NULL,
                    attempts = 0, repeats = repeats + 1, last_error = NULL
                WHERE id = ?
                """)
            let final = try db.cachedStatement(sql: """
                UPDATE outbox SET status = CASE WHEN status = 'pending' THEN 'delivered' ELSE status END,
                    first_delivered_at = COALESCE(first_delivered_at, ?), lease_until = NULL, last_error = NULL
                WHERE id = ?
                """)
            for mark in marks {
                if let repeatAt = mark.repeatAt {
                    try repeating.execute(arguments: [mark.at, repeatAt, mark.id])
                } else {
                    try final.execute(arguments: [mark.at, mark.id])
                }
            }
        }
    }

    public func scheduleRetry(id: Int64, at time: Double, reason: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE outbox SET next_attempt_at = ?, lease_until = NULL, last_error = ? WHERE id = ? AND status = 'pending'",
                           arguments: [time, reason, id])
        }
    }

    public func deadLetter(id: Int64, at time: Double, reason: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE outbox SET status = 'dead', lease_until = NULL, last_error = ? WHERE id = ?", arguments: [reason, id])
            try Self.queueAlert(db, NewAlert(
                kind: "delivery_failed", details: ["outbox": String(id), "reason": reason], raisedAt: Timestamp(secondsSinceEpoch: Int64(time))))
        }
    }

    public func disableRegistration(id: Int64, reason: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE registration SET status = 'disabled', status_reason = ? WHERE id = ?", arguments: [reason, id])
            try db.execute(sql: "UPDATE outbox SET status = 'cancelled', lease_until = NULL WHERE registration_id = ? AND status = 'pending'", arguments: [id])
        }
    }

    public func withholdNotice(_ notice: WithheldNotice) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE outbox SET status = 'withheld', lease_until = NULL WHERE id = ?", arguments: [notice.id])
            try Self.queueAlert(db, NewAlert(kind: "notice_withheld", details: notice.fields, raisedAt: notice.at))
            _ = try Self.appendAudit(db, [AuditEntry(kind: .alert, recordedAt: notice.at, fields: notice.fields)])
        }
    }

    public func acknowledge(messageID: String, pin: String, at time: Timestamp) async throws -> Bool {
        try await pool.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT id, pin_sealed FROM outbox WHERE message_id = ?", arguments: [messageID]),
                  let sealed = row["pin_sealed"] as Data?,
                  let expected = try? cipher.open(sealed, field: NotificationField.pin),
                  constantTimeEqual(expected, pin)
            else { return false }
            try db.execute(sql: """
                UPDATE outbox SET acknowledged_at = COALESCE(acknowledged_at, ?),
                    status = CASE WHEN status IN ('pending', 'delivered') THEN 'acknowledged' ELSE status END
                WHERE id = ?
                """, arguments: [time.secondsSinceEpoch, row["id"] as Int64])
            return true
        }
    }

    public func outboxCounts() async throws -> [String: Int] {
        try await pool.read { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT status, count(*) AS n FROM outbox GROUP BY status") {
                counts[row["status"]] = row["n"]
            }
            return counts
        }
    }

    public func deliveryLatencies() async throws -> [Double] {
        try await pool.read { db in
            try Double.fetchAll(db, sql: "SELECT first_delivered_at - enqueued_at FROM outbox WHERE first_delivered_at IS NOT NULL")
        }
    }

    private func decodeRegistration(_ row: Row) throws -> Registration {
        let sealedAddress: Data = row["address_sealed"]
        return Registration(
            id: row["id"], personID: row["person_id"], channel: NotificationChannel(rawValue: row["channel"]) ?? .file,
            // Retention erases a purged person's addresses: nothing is left to open.
            address: sealedAddress.isEmpty ? "" : try cipher.open(sealedAddress, field: NotificationField.address),
            language: NoticeLanguage(rawValue: row["language"]) ?? .en, status: row["status"])
    }
}

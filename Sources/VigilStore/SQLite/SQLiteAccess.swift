import Foundation
import GRDB
import VigilCore

extension SQLiteSchema {
    static func registerAccessMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v3: accounts and alerts") { db in
            try db.execute(sql: """
                CREATE TABLE account (
                    id INTEGER PRIMARY KEY,
                    tier TEXT NOT NULL CHECK (tier IN ('agency', 'advocate', 'oversight')),
                    name TEXT NOT NULL,
                    source TEXT,
                    token_hash TEXT NOT NULL UNIQUE,
                    created_at TEXT NOT NULL,
                    disabled INTEGER NOT NULL DEFAULT 0
                );
                CREATE TABLE alert (
                    id INTEGER PRIMARY KEY,
                    kind TEXT NOT NULL,
                    raised_at INTEGER NOT NULL,
                    details TEXT NOT NULL
                );
                """)
        }
    }
}

extension SQLiteStore: AccessStore {
    public func createAccount(
        tier: AccessTier, name: String, source: String?, tokenHash: String, at time: Timestamp
    ) async throws -> Account {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT INTO account (tier, name, source, token_hash, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [tier.name, name, source, tokenHash, time.description]
            )
            return Account(id: db.lastInsertedRowID, tier: tier, name: name, source: source, disabled: false)
        }
    }

    public func account(tokenHash: String) async throws -> Account? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM account WHERE token_hash = ?", arguments: [tokenHash]).flatMap(Self.decodeAccount)
        }
    }

    /// Alerts live in the audit file (``SQLiteAuditDatabase``): raising one never waits for an import.
    public func raiseAlert(kind: String, details: [String: String], at time: Timestamp) async throws {
        let alert = try QueuedAlert(NewAlert(kind: kind, details: details, raisedAt: time))
        try await auditPool.write { adb in _ = try alert.insert(adb, seq: try Self.nextSeq(adb)) }
    }

    public func alerts(limit: Int) async throws -> [Alert] {
        try await forwardQueuedAudit()
        return try await auditPool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM alert ORDER BY id DESC LIMIT ?", arguments: [limit]).map { row in
                Alert(
                    id: row["id"], kind: row["kind"], raisedAt: Timestamp(secondsSinceEpoch: row["raised_at"]),
                    details: (try? JSONDecoder().decode([String: String].self, from: Data((row["details"] as String).utf8))) ?? [:]
                )
            }
        }
    }
}

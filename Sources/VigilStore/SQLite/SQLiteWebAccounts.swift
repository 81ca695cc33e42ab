import Foundation
import GRDB
import VigilCore

extension SQLiteSchema {
    static func registerWebAccountsMigration(_ migrator: inout DatabaseMigrator) {
        // Web sign-in for advocates and oversight, and the advocate's case list. Nullable columns:
        // existing accounts keep working with their bearer tokens and have no password until given one.
        migrator.registerMigration("v8: web sign-in and advocate case links") { db in
            try db.execute(sql: """
                ALTER TABLE account ADD COLUMN login TEXT;
                ALTER TABLE account ADD COLUMN password_hash TEXT;
                CREATE UNIQUE INDEX account_by_login ON account(login) WHERE login IS NOT NULL;
                ALTER TABLE registration ADD COLUMN advocate_account_id INTEGER REFERENCES account(id);
                CREATE INDEX registration_by_advocate ON registration(advocate_account_id) WHERE advocate_account_id IS NOT NULL;
                """)
        }
    }
}

extension SQLiteStore: WebAccountStore {
    public func setPassword(accountID: Int64, login: String, passwordHash: String, at time: Timestamp) async throws {
        try await pool.write { db in
            if try Int64.fetchOne(db, sql: "SELECT id FROM account WHERE login = ? AND id <> ?", arguments: [login, accountID]) != nil {
                throw WebAccountError.loginTaken(login)
            }
            try db.execute(sql: "UPDATE account SET login = ?, password_hash = ? WHERE id = ?", arguments: [login, passwordHash, accountID])
            guard db.changesCount == 1 else { throw WebAccountError.noSuchAccount(accountID) }
            _ = try Self.appendAudit(db, [AuditEntry(kind: .account, recordedAt: time, fields: [
                "action": "password_set", "account": String(accountID),
            ])])
        }
    }

    public func passwordAccount(login: String) async throws -> PasswordAccount? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM account WHERE login = ? AND password_hash IS NOT NULL", arguments: [login])
                .flatMap { row in Self.decodeAccount(row).map { PasswordAccount(account: $0, passwordHash: row["password_hash"]) } }
        }
    }

    public func account(id: Int64) async throws -> Account? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM account WHERE id = ?", arguments: [id]).flatMap(Self.decodeAccount)
        }
    }

    public func linkRegistration(id: Int64, advocateAccountID: Int64, at time: Timestamp) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE registration SET advocate_account_id = ? WHERE id = ?", arguments: [advocateAccountID, id])
            _ = try Self.appendAudit(db, [AuditEntry(kind: .account, recordedAt: time, fields: [
                "action": "registration_linked", "registration": String(id), "account": String(advocateAccountID),
            ])])
        }
    }

    public func advocateCases(accountID: Int64) async throws -> [AdvocateCase] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, person_id, channel, language, status, created_at FROM registration
                WHERE advocate_account_id = ? ORDER BY id DESC
                """, arguments: [accountID]).map { row in
                AdvocateCase(
                    registrationID: row["id"], personID: row["person_id"],
                    channel: NotificationChannel(rawValue: row["channel"]) ?? .file,
                    language: NoticeLanguage(rawValue: row["language"]) ?? .en, status: row["status"],
                    createdAt: Timestamp(secondsSinceEpoch: row["created_at"]))
            }
        }
    }

    static func decodeAccount(_ row: Row) -> Account? {
        guard let tier = AccessTier.allCases.first(where: { $0.name == row["tier"] as String }) else { return nil }
        return Account(id: row["id"], tier: tier, name: row["name"], source: row["source"], disabled: row["disabled"])
    }
}

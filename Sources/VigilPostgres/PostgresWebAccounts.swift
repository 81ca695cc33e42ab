import Foundation
import PostgresNIO
import VigilCore
import VigilStore

/// Web sign-in and the advocate's case list, as the SQLite store's `SQLiteWebAccounts` does them.
extension PostgresStore: WebAccountStore {
    public func setPassword(accountID: Int64, login: String, passwordHash: String, at time: Timestamp) async throws {
        try await write { connection in
            let taken = try await connection.rows(
                "SELECT id FROM account WHERE login = \(login) AND id <> \(accountID)", logger: logger)
            guard taken.isEmpty else { throw WebAccountError.loginTaken(login) }
            let updated = try await connection.rows("""
                UPDATE account SET login = \(login), password_hash = \(passwordHash) WHERE id = \(accountID) RETURNING id
                """, logger: logger)
            guard !updated.isEmpty else { throw WebAccountError.noSuchAccount(accountID) }
            try await appendAudit(connection, [AuditEntry(kind: .account, recordedAt: time, fields: [
                "action": "password_set", "account": String(accountID),
            ])])
        }
    }

    public func passwordAccount(login: String) async throws -> PasswordAccount? {
        let rows = try await read { connection in
            try await connection.rows("""
                SELECT id, tier, name, source, disabled, password_hash FROM account
                WHERE login = \(login) AND password_hash IS NOT NULL
                """, logger: logger)
        }
        return try rows.first.flatMap { row in
            try Self.decodeAccount(row).map { PasswordAccount(account: $0, passwordHash: try row.value("password_hash")) }
        }
    }

    public func account(id: Int64) async throws -> Account? {
        let rows = try await read { connection in
            try await connection.rows("SELECT id, tier, name, source, disabled FROM account WHERE id = \(id)", logger: logger)
        }
        return try rows.first.flatMap(Self.decodeAccount)
    }

    public func linkRegistration(id: Int64, advocateAccountID: Int64, at time: Timestamp) async throws {
        try await write { connection in
            try await connection.run(
                "UPDATE registration SET advocate_account_id = \(advocateAccountID) WHERE id = \(id)", logger: logger)
            try await appendAudit(connection, [AuditEntry(kind: .account, recordedAt: time, fields: [
                "action": "registration_linked", "registration": String(id), "account": String(advocateAccountID),
            ])])
        }
    }

    public func advocateCases(accountID: Int64) async throws -> [AdvocateCase] {
        try await read { connection in
            try await connection.rows("""
                SELECT id, person_id, channel, language, status, created_at FROM registration
                WHERE advocate_account_id = \(accountID) ORDER BY id DESC
                """, logger: logger)
        }.map { row in
            AdvocateCase(
                registrationID: try row.value("id"), personID: try row.value("person_id"),
                channel: NotificationChannel(rawValue: try row.value("channel")) ?? .file,
                language: NoticeLanguage(rawValue: try row.value("language")) ?? .en, status: try row.value("status"),
                createdAt: Timestamp(secondsSinceEpoch: try row.value("created_at")))
        }
    }

    static func decodeAccount(_ row: PostgresRandomAccessRow) throws -> Account? {
        let tierName: String = try row.value("tier")
        guard let tier = AccessTier.allCases.first(where: { $0.name == tierName }) else { return nil }
        return Account(
            id: try row.value("id"), tier: tier, name: try row.value("name"), source: try row.value("source"),
            disabled: try row.value("disabled"))
    }
}

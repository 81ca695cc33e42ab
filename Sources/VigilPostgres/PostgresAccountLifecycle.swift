import Foundation
import PostgresNIO
import VigilCore
import VigilStore

/// Account lifecycle, as the SQLite store's `SQLiteAccountLifecycle` does it.
extension PostgresStore: AccountLifecycleStore {
    public func listAccounts() async throws -> [AccountListing] {
        try await read { connection in
            try await connection.rows(
                "SELECT id, tier, name, source, disabled, login, sign_in_locked_until FROM account ORDER BY id", logger: logger)
        }.compactMap { row in
            try Self.decodeAccount(row).map { account in
                AccountListing(
                    account: account, login: try row.value("login"),
                    lockedUntil: (try row.value("sign_in_locked_until") as Int64?).map(Timestamp.init(secondsSinceEpoch:)))
            }
        }
    }

    public func setAccountDisabled(id: Int64, disabled: Bool, at time: Timestamp) async throws {
        try await write { connection in
            let updated = try await connection.rows(
                "UPDATE account SET disabled = \(disabled) WHERE id = \(id) RETURNING id", logger: logger)
            guard !updated.isEmpty else { throw WebAccountError.noSuchAccount(id) }
            try await appendAudit(connection, [AuditEntry(kind: .account, recordedAt: time, fields: [
                "action": disabled ? "account_disabled" : "account_enabled", "account": String(id),
            ])])
        }
    }

    public func replaceAccountToken(id: Int64, tokenHash: String, at time: Timestamp) async throws {
        try await write { connection in
            let updated = try await connection.rows(
                "UPDATE account SET token_hash = \(tokenHash) WHERE id = \(id) RETURNING id", logger: logger)
            guard !updated.isEmpty else { throw WebAccountError.noSuchAccount(id) }
            try await appendAudit(connection, [AuditEntry(kind: .account, recordedAt: time, fields: [
                "action": "token_rotated", "account": String(id),
            ])])
        }
    }

    public func webSessionGeneration(accountID: Int64) async throws -> Int64? {
        try await read { connection in
            try await connection.rows("SELECT web_session_generation FROM account WHERE id = \(accountID)", logger: logger)
        }.first.map { try $0.value("web_session_generation") }
    }

    public func endWebSessions(accountID: Int64, at time: Timestamp) async throws {
        try await write { connection in
            let updated = try await connection.rows(
                "UPDATE account SET web_session_generation = web_session_generation + 1 WHERE id = \(accountID) RETURNING id",
                logger: logger)
            guard !updated.isEmpty else { throw WebAccountError.noSuchAccount(accountID) }
            try await appendAudit(connection, [AuditEntry(kind: .account, recordedAt: time, fields: [
                "action": "web_sessions_ended", "account": String(accountID),
            ])])
        }
    }

    public func signInLockedUntil(accountID: Int64, at time: Timestamp) async throws -> Timestamp? {
        try await read { connection in
            try await connection.rows("""
                SELECT sign_in_locked_until FROM account WHERE id = \(accountID) AND sign_in_locked_until > \(time.secondsSinceEpoch)
                """, logger: logger)
        }.first.map { Timestamp(secondsSinceEpoch: try $0.value("sign_in_locked_until")) }
    }

    public func recordFailedSignIn(accountID: Int64, policy: SignInLockout, at time: Timestamp) async throws -> Bool {
        try await write { connection in
            // FOR UPDATE: two failures at once from two instances are counted one after the other.
            guard let row = try await connection.rows("""
                SELECT failed_sign_ins, first_failed_sign_in, sign_in_locked_until FROM account WHERE id = \(accountID) FOR UPDATE
                """, logger: logger).first
            else { throw WebAccountError.noSuchAccount(accountID) }
            let count = FailedSignInCount(
                failures: Int(try row.value("failed_sign_ins") as Int64), firstFailure: try row.value("first_failed_sign_in"),
                lockedUntil: try row.value("sign_in_locked_until"))
            let (next, locks) = count.adding(failureAt: time.secondsSinceEpoch, policy: policy)
            try await connection.run("""
                UPDATE account SET failed_sign_ins = \(Int64(next.failures)), first_failed_sign_in = \(next.firstFailure),
                sign_in_locked_until = \(next.lockedUntil) WHERE id = \(accountID)
                """, logger: logger)
            guard locks else { return false }
            let details = ["account": String(accountID), "failures": String(policy.maximumFailures), "locked_for_seconds": String(policy.duration)]
            try await appendAudit(connection, [AuditEntry(kind: .account, recordedAt: time, fields: details.merging(["action": "sign_in_locked"]) { a, _ in a })])
            try await insertAlert(connection, NewAlert(kind: "sign_in_locked", details: details, raisedAt: time))
            return true
        }
    }

    public func clearFailedSignIns(accountID: Int64) async throws {
        try await write { connection in
            try await connection.run("""
                UPDATE account SET failed_sign_ins = 0, first_failed_sign_in = NULL
                WHERE id = \(accountID) AND (failed_sign_ins <> 0 OR first_failed_sign_in IS NOT NULL)
                """, logger: logger)
        }
    }
}

import Foundation
import GRDB
import VigilCore

extension SQLiteSchema {
    /// Web sessions that end server-side (a generation each cookie must match) and sign-in lockout.
    static func registerAccountLifecycleMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v11: account lifecycle") { db in
            try db.execute(sql: """
                ALTER TABLE account ADD COLUMN web_session_generation INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE account ADD COLUMN failed_sign_ins INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE account ADD COLUMN first_failed_sign_in INTEGER;
                ALTER TABLE account ADD COLUMN sign_in_locked_until INTEGER;
                """)
        }
    }
}

extension SQLiteStore: AccountLifecycleStore {
    public func listAccounts() async throws -> [AccountListing] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM account ORDER BY id").compactMap { row in
                Self.decodeAccount(row).map { account in
                    AccountListing(
                        account: account, login: row["login"],
                        lockedUntil: (row["sign_in_locked_until"] as Int64?).map(Timestamp.init(secondsSinceEpoch:)))
                }
            }
        }
    }

    public func setAccountDisabled(id: Int64, disabled: Bool, at time: Timestamp) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE account SET disabled = ? WHERE id = ?", arguments: [disabled, id])
            guard db.changesCount == 1 else { throw WebAccountError.noSuchAccount(id) }
            _ = try Self.appendAudit(db, [AuditEntry(kind: .account, recordedAt: time, fields: [
                "action": disabled ? "account_disabled" : "account_enabled", "account": String(id),
            ])])
        }
    }

    public func replaceAccountToken(id: Int64, tokenHash: String, at time: Timestamp) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE account SET token_hash = ? WHERE id = ?", arguments: [tokenHash, id])
            guard db.changesCount == 1 else { throw WebAccountError.noSuchAccount(id) }
            _ = try Self.appendAudit(db, [AuditEntry(kind: .account, recordedAt: time, fields: [
                "action": "token_rotated", "account": String(id),
            ])])
        }
    }

    public func webSessionGeneration(accountID: Int64) async throws -> Int64? {
        try await pool.read { db in
            try Int64.fetchOne(db, sql: "SELECT web_session_generation FROM account WHERE id = ?", arguments: [accountID])
        }
    }

    public func endWebSessions(accountID: Int64, at time: Timestamp) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE account SET web_session_generation = web_session_generation + 1 WHERE id = ?", arguments: [accountID])
            guard db.changesCount == 1 else { throw WebAccountError.noSuchAccount(accountID) }
            _ = try Self.appendAudit(db, [AuditEntry(kind: .account, recordedAt: time, fields: [
                "action": "web_sessions_ended", "account": String(accountID),
            ])])
        }
    }

    public func signInLockedUntil(accountID: Int64, at time: Timestamp) async throws -> Timestamp? {
        try await pool.read { db in
            try Int64.fetchOne(
                db, sql: "SELECT sign_in_locked_until FROM account WHERE id = ? AND sign_in_locked_until > ?",
                arguments: [accountID, time.secondsSinceEpoch]
            ).map(Timestamp.init(secondsSinceEpoch:))
        }
    }

    public func recordFailedSignIn(accountID: Int64, policy: SignInLockout, at time: Timestamp) async throws -> Bool {
        try await pool.write { db in
            guard let row = try Row.fetchOne(
                db, sql: "SELECT failed_sign_ins, first_failed_sign_in, sign_in_locked_until FROM account WHERE id = ?",
                arguments: [accountID])
            else { throw WebAccountError.noSuchAccount(accountID) }
            let count = FailedSignInCount(
                failures: row["failed_sign_ins"], firstFailure: row["first_failed_sign_in"], lockedUntil: row["sign_in_locked_until"])
            let (next, locks) = count.adding(failureAt: time.secondsSinceEpoch, policy: policy)
            try db.execute(sql: """
                UPDATE account SET failed_sign_ins = ?, first_failed_sign_in = ?, sign_in_locked_until = ? WHERE id = ?
                """, arguments: [next.failures, next.firstFailure, next.lockedUntil, accountID])
            guard locks else { return false }
            let details = ["account": String(accountID), "failures": String(policy.maximumFailures), "locked_for_seconds": String(policy.duration)]
            _ = try Self.appendAudit(db, [AuditEntry(kind: .account, recordedAt: time, fields: details.merging(["action": "sign_in_locked"]) { a, _ in a })])
            // The alert table lives in the audit file: queued with this transaction, forwarded with its audit entry.
            try Self.queueAlert(db, NewAlert(kind: "sign_in_locked", details: details, raisedAt: time))
            return true
        }
    }

    public func clearFailedSignIns(accountID: Int64) async throws {
        try await pool.write { db in
            try db.execute(sql: """
                UPDATE account SET failed_sign_ins = 0, first_failed_sign_in = NULL
                WHERE id = ? AND (failed_sign_ins <> 0 OR first_failed_sign_in IS NOT NULL)
                """, arguments: [accountID])
        }
    }
}

import Foundation
import Testing
import VigilCore
import VigilCrypto
@testable import VigilStore

/// Listing, disabling, token rotation, server-side sign-out and sign-in lockout: the same on every store.
@Suite struct AccountLifecycleConformanceTests {
    let now = Timestamp(secondsSinceEpoch: 1_800_000_000)

    @Test(arguments: StoreKind.available) func accountsAreListedDisabledAndGivenNewTokens(_ kind: StoreKind) async throws {
        let db = try await StoreHarness.make(kind)
        let agency = try await db.store.createAccount(tier: .agency, name: "Custody agency", source: "TXA", tokenHash: "old", at: now)
        let advocate = try await db.store.createAccount(tier: .advocate, name: "Advocates", source: nil, tokenHash: "adv", at: now)
        try await db.store.setPassword(accountID: advocate.id, login: "adv", passwordHash: "$2b$04$x", at: now)
        #expect(try await db.store.listAccounts() == [
            AccountListing(account: agency, login: nil, lockedUntil: nil), AccountListing(account: advocate, login: "adv", lockedUntil: nil),
        ])

        try await db.store.setAccountDisabled(id: agency.id, disabled: true, at: now)
        #expect(try await db.store.account(tokenHash: "old")?.disabled == true)
        #expect(try await db.store.account(id: agency.id)?.disabled == true)
        #expect(try await db.store.listAccounts().first?.account.disabled == true)
        try await db.store.setAccountDisabled(id: agency.id, disabled: false, at: now)

        try await db.store.replaceAccountToken(id: agency.id, tokenHash: "new", at: now)
        #expect(try await db.store.account(tokenHash: "old") == nil)
        #expect(try await db.store.account(tokenHash: "new")?.id == agency.id)
        await #expect(throws: WebAccountError.noSuchAccount(999)) { try await db.store.replaceAccountToken(id: 999, tokenHash: "x", at: now) }
        await #expect(throws: WebAccountError.noSuchAccount(999)) { try await db.store.setAccountDisabled(id: 999, disabled: true, at: now) }

        let actions = try await db.store.auditEntries(after: -1, limit: 100).compactMap { $0.entry.fields["action"] }
        #expect(actions.filter { ["account_disabled", "account_enabled", "token_rotated"].contains($0) }
            == ["account_disabled", "account_enabled", "token_rotated"])
    }

    @Test(arguments: StoreKind.available) func signingOutMovesTheSessionGenerationOn(_ kind: StoreKind) async throws {
        let db = try await StoreHarness.make(kind)
        let advocate = try await db.store.createAccount(tier: .advocate, name: "Advocates", source: nil, tokenHash: "adv", at: now)
        #expect(try await db.store.webSessionGeneration(accountID: advocate.id) == 0)
        try await db.store.endWebSessions(accountID: advocate.id, at: now)
        try await db.store.endWebSessions(accountID: advocate.id, at: now)
        #expect(try await db.store.webSessionGeneration(accountID: advocate.id) == 2)
        #expect(try await db.store.webSessionGeneration(accountID: 999) == nil)
    }

    @Test(arguments: StoreKind.available) func tenFailuresWithinTheWindowLockOnceAndAlert(_ kind: StoreKind) async throws {
        let db = try await StoreHarness.make(kind)
        let policy = SignInLockout()
        let advocate = try await db.store.createAccount(tier: .advocate, name: "Advocates", source: nil, tokenHash: "adv", at: now)
        func at(_ seconds: Int64) -> Timestamp { Timestamp(secondsSinceEpoch: now.secondsSinceEpoch + seconds) }

        // Failures spread wider than the window never add up to a lock.
        for i in 0..<12 { #expect(try await db.store.recordFailedSignIn(accountID: advocate.id, policy: policy, at: at(Int64(i) * 200)) == false) }
        #expect(try await db.store.signInLockedUntil(accountID: advocate.id, at: at(2400)) == nil)
        try await db.store.clearFailedSignIns(accountID: advocate.id)

        let start: Int64 = 10_000
        for i in 0..<9 { #expect(try await db.store.recordFailedSignIn(accountID: advocate.id, policy: policy, at: at(start + Int64(i))) == false) }
        #expect(try await db.store.recordFailedSignIn(accountID: advocate.id, policy: policy, at: at(start + 9)) == true)
        #expect(try await db.store.signInLockedUntil(accountID: advocate.id, at: at(start + 10)) == at(start + 9 + policy.duration))
        // More failures while locked neither extend the lock nor alert again.
        #expect(try await db.store.recordFailedSignIn(accountID: advocate.id, policy: policy, at: at(start + 20)) == false)
        #expect(try await db.store.signInLockedUntil(accountID: advocate.id, at: at(start + 9 + policy.duration)) == nil, "the lock ends")
        #expect(try await db.store.listAccounts().first?.lockedUntil == at(start + 9 + policy.duration))

        let alerts = try await db.store.alerts(limit: 10).filter { $0.kind == "sign_in_locked" }
        #expect(alerts.count == 1)
        #expect(alerts.first?.details == ["account": String(advocate.id), "failures": "10", "locked_for_seconds": "900"])
        let actions = try await db.store.auditEntries(after: -1, limit: 100).compactMap { $0.entry.fields["action"] }
        #expect(actions.filter { $0 == "sign_in_locked" }.count == 1)
    }

    @Test func theFailureArithmeticCountsWithinTheWindowOnly() {
        let policy = SignInLockout(maximumFailures: 3, window: 60, duration: 300)
        var count = FailedSignInCount(failures: 0, firstFailure: nil, lockedUntil: nil)
        var locks = false
        (count, locks) = count.adding(failureAt: 0, policy: policy)
        (count, locks) = count.adding(failureAt: 59, policy: policy)
        #expect(count == FailedSignInCount(failures: 2, firstFailure: 0, lockedUntil: nil) && !locks)
        (count, locks) = count.adding(failureAt: 60, policy: policy)
        #expect(count == FailedSignInCount(failures: 1, firstFailure: 60, lockedUntil: nil) && !locks, "a new window")
        (count, locks) = count.adding(failureAt: 61, policy: policy)
        (count, locks) = count.adding(failureAt: 62, policy: policy)
        #expect(count == FailedSignInCount(failures: 0, firstFailure: nil, lockedUntil: 362) && locks)
        #expect(count.adding(failureAt: 100, policy: policy).locks == false)
        #expect(count.adding(failureAt: 100, policy: policy).0 == count, "locked: not counted")
    }
}

/// Alerts are audit entries too: deleting an alert row cannot erase that it was raised.
@Suite struct AlertAuditConformanceTests {
    @Test(arguments: StoreKind.available) func everyAlertIsAlsoAnAuditEntry(_ kind: StoreKind) async throws {
        let db = try await StoreHarness.make(kind)
        let now = Timestamp(secondsSinceEpoch: 1_800_000_000)
        try await db.store.raiseAlert(kind: "enumeration_suspected", details: ["client": "c0ffee", "tier": "public"], at: now)
        let alert = try #require(try await db.store.alerts(limit: 1).first)
        let entries = try await db.store.auditEntries(after: -1, limit: 100).map(\.entry).filter { $0.kind == .alert }
        #expect(entries.count == 1)
        #expect(entries.first?.fields["alert"] == String(alert.id))
        #expect(entries.first?.fields["alert_kind"] == "enumeration_suspected")
        #expect(entries.first?.fields["details_sha256"] == AccountToken.hash(#"{"client":"c0ffee","tier":"public"}"#))
        #expect(entries.first?.fields.values.contains("c0ffee") == false, "the details stay out of the log")
        #expect(try await db.store.verifyAudit(publicKey: db.keyring.signingPublicKey).isIntact)
    }
}

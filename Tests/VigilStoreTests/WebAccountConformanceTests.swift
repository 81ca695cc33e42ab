import Foundation
import Testing
import VigilCore
import VigilCrypto
@testable import VigilStore

/// Web sign-in and the advocate's case list: what every store must do the same way.
@Suite struct WebAccountConformanceTests {
    let now = Timestamp(secondsSinceEpoch: Int64(Date().timeIntervalSince1970))

    @Test(arguments: StoreKind.available) func aLoginFindsItsAccountAndHashOnly(_ kind: StoreKind) async throws {
        let db = try await StoreHarness.make(kind)
        let advocate = try await db.store.createAccount(tier: .advocate, name: "Advocates", source: nil, tokenHash: "h1", at: now)
        let other = try await db.store.createAccount(tier: .oversight, name: "Privacy", source: nil, tokenHash: "h2", at: now)
        #expect(try await db.store.passwordAccount(login: "adv") == nil, "no password yet")
        try await db.store.setPassword(accountID: advocate.id, login: "adv", passwordHash: "$2b$04$hash", at: now)
        let found = try #require(try await db.store.passwordAccount(login: "adv"))
        #expect(found == PasswordAccount(account: advocate, passwordHash: "$2b$04$hash"))
        #expect(try await db.store.passwordAccount(login: "ADV") == nil, "logins are exact")
        await #expect(throws: WebAccountError.loginTaken("adv")) {
            try await db.store.setPassword(accountID: other.id, login: "adv", passwordHash: "$2b$04$x", at: now)
        }
        await #expect(throws: WebAccountError.noSuchAccount(999)) {
            try await db.store.setPassword(accountID: 999, login: "ghost", passwordHash: "$2b$04$x", at: now)
        }
        // A new password for the same account replaces the old one.
        try await db.store.setPassword(accountID: advocate.id, login: "adv", passwordHash: "$2b$04$new", at: now)
        #expect(try await db.store.passwordAccount(login: "adv")?.passwordHash == "$2b$04$new")
        #expect(try await db.store.account(id: other.id) == other)
        #expect(try await db.store.account(id: 999) == nil)
        let entries = try await db.store.auditEntries(after: -1, limit: 100).map { $0.entry.fields["action"] }
        #expect(entries.filter { $0 == "password_set" }.count == 2, "each password change is audited")
    }

    @Test(arguments: StoreKind.available) func anAdvocatesCaseListHoldsTheRegistrationsLinkedToIt(_ kind: StoreKind) async throws {
        let db = try await StoreHarness.make(kind)
        _ = try await db.store.apply([record("R1"), record("R2", aNumber: "A900000002")])
        let advocate = try await db.store.createAccount(tier: .advocate, name: "Advocates", source: nil, tokenHash: "h1", at: now)
        let expires = Timestamp(secondsSinceEpoch: now.secondsSinceEpoch + 60)
        var ids: [Int64] = []
        for (i, recordID) in ["R1", "R2"].enumerated() {
            _ = try await db.store.issueCase(source: "TXA", sourceRecordID: recordID, codeHash: "c\(i)", expiresAt: expires, at: now)
            let outcome = try await db.store.register(codeHash: "c\(i)", channel: .sms, address: "+1555555010\(i)", language: .es,
                                                      tokenHash: "t\(i)", webhookSecret: nil, at: now)
            guard case .registered(let id) = outcome else { Issue.record("refused: \(outcome)"); return }
            ids.append(id)
        }
        #expect(try await db.store.advocateCases(accountID: advocate.id).isEmpty)
        try await db.store.linkRegistration(id: ids[0], advocateAccountID: advocate.id, at: now)
        let cases = try await db.store.advocateCases(accountID: advocate.id)
        #expect(cases.count == 1)
        let first = try #require(cases.first)
        #expect((first.registrationID, first.channel, first.language, first.status, first.createdAt) == (ids[0], .sms, .es, "active", now))
        #expect(first.personID == (try await db.store.registration(tokenHash: "t0"))?.personID)
        try await db.store.linkRegistration(id: ids[1], advocateAccountID: advocate.id, at: now)
        #expect(try await db.store.advocateCases(accountID: advocate.id).map(\.registrationID) == [ids[1], ids[0]], "newest first")
    }
}

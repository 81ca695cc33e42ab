import Foundation
import Testing
import VigilCore
@testable import VigilStore

extension OutboxConformanceTests {
    /// A registrant cancels while a reminder is on its way: the delivery is recorded, and no reminder follows.
    @Test(arguments: StoreKind.available) func cancellingDuringADeliveryStopsTheReminders(_ kind: StoreKind) async throws {
        let db = try await StoreHarness.make(kind)
        try await followedReleases(db, count: 1, channel: .file)
        let clock = Date().timeIntervalSince1970
        let message = try #require(try await db.store.claimDueMessages(now: clock, limit: 10, lease: 30).first)
        try await db.store.cancelRegistration(id: message.registration.id, at: now)
        try await db.store.markDelivered(id: message.id, at: clock + 1, repeatAt: clock + 60)
        #expect(try await db.store.outboxCounts() == ["cancelled": 1])
        #expect(try await db.store.claimDueMessages(now: clock + 3600, limit: 10, lease: 30).isEmpty)
    }

    /// A withheld notice is never claimed again, and the decision is alerted and audited in its transaction.
    @Test(arguments: StoreKind.available) func aWithheldNoticeIsAlertedAuditedAndNeverSent(_ kind: StoreKind) async throws {
        let db = try await StoreHarness.make(kind)
        try await followedReleases(db, count: 1)
        let clock = Date().timeIntervalSince1970
        let message = try #require(try await db.store.claimDueMessages(now: clock, limit: 10, lease: 30).first)
        try await db.store.withholdNotice(WithheldNotice(
            id: message.id, registrationID: message.registration.id, rule: "protected", sources: ["TXA"], at: now))
        #expect(try await db.store.outboxCounts() == ["withheld": 1])
        #expect(try await db.store.claimDueMessages(now: clock + 3600, limit: 10, lease: 30).isEmpty)
        let alert = try #require(try await db.store.alerts(limit: 10).first)
        #expect(alert.kind == "notice_withheld")
        #expect(alert.details == ["action": "notice_withheld", "outbox": String(message.id),
                                  "registration": String(message.registration.id), "rule": "protected", "sources": "TXA"])
        let last = try #require(try await db.store.auditEntries(after: -1, limit: 1000).last?.entry)
        #expect(last.kind == .alert && last.fields["action"] == "notice_withheld")
    }
}

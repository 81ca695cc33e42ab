import Foundation
import Testing
import VigilCore
import VigilCrypto
@testable import VigilStore

/// Case codes, registrations and the outbox: what every store must do the same way.
@Suite struct OutboxConformanceTests {
    let now = Timestamp(secondsSinceEpoch: Int64(Date().timeIntervalSince1970))

    /// `count` people in custody, each followed by one registration on `channel`, then all released.
    func followedReleases(_ db: StoreHarness, count: Int, channel: NotificationChannel = .webhook) async throws {
        let people = (0..<count).map { record("R\($0)", aNumber: String(format: "A9%08d", $0)) }
        _ = try await db.store.apply(people)
        for i in 0..<count {
            let code = "case-\(i)"
            #expect(try await db.store.issueCase(
                source: "TXA", sourceRecordID: "R\(i)", codeHash: code,
                expiresAt: Timestamp(secondsSinceEpoch: now.secondsSinceEpoch + 3600), at: now) != nil)
            let outcome = try await db.store.register(
                codeHash: code, channel: channel, address: "https://receiver.example/hooks/\(i)", language: .en,
                tokenHash: "token-\(i)", webhookSecret: channel == .webhook ? "whsec_c2VjcmV0" : nil, at: now)
            guard case .registered = outcome else { Issue.record("registration \(i) refused: \(outcome)"); return }
        }
        let released = (0..<count).map {
            record("R\($0)", aNumber: String(format: "A9%08d", $0), status: .released, at: "2026-03-05T10:00:00Z",
                   facility: nil, reason: .bond)
        }
        let (summary, _) = try await db.store.apply(released)
        #expect(summary.eventsByKind == ["released": count])
    }

    @Test(arguments: StoreKind.available) func aCaseCodeWorksOnceAndOnlyForItsSource(_ kind: StoreKind) async throws {
        let db = try await StoreHarness.make(kind)
        _ = try await db.store.apply([record("R1")])
        let expires = Timestamp(secondsSinceEpoch: now.secondsSinceEpoch + 60)
        #expect(try await db.store.issueCase(source: "AZB", sourceRecordID: "R1", codeHash: "x", expiresAt: expires, at: now) == nil)
        #expect(try await db.store.issueCase(source: "TXA", sourceRecordID: "R1", codeHash: "c1", expiresAt: expires, at: now) != nil)
        let first = try await db.store.register(codeHash: "c1", channel: .email, address: "victim@example.org", language: .es,
                                                tokenHash: "t1", webhookSecret: nil, at: now)
        guard case .registered(let id) = first else { Issue.record("refused: \(first)"); return }
        #expect(try await db.store.register(codeHash: "c1", channel: .email, address: "other@example.org", language: .en,
                                            tokenHash: "t2", webhookSecret: nil, at: now) == .invalidCode)
        let registration = try #require(try await db.store.registration(tokenHash: "t1"))
        #expect((registration.id, registration.channel, registration.address, registration.language, registration.status)
            == (id, .email, "victim@example.org", .es, "active"))
        // An expired code is as good as an unknown one.
        _ = try await db.store.issueCase(source: "TXA", sourceRecordID: "R1", codeHash: "c2", expiresAt: now, at: now)
        #expect(try await db.store.register(codeHash: "c2", channel: .sms, address: "+15550100", language: .en,
                                            tokenHash: "t3", webhookSecret: nil, at: now) == .invalidCode)
    }

    @Test(arguments: StoreKind.available) func aClaimedNoticeIsLeasedDeliveredAndAcknowledgedByItsPIN(_ kind: StoreKind) async throws {
        let db = try await StoreHarness.make(kind)
        try await followedReleases(db, count: 1, channel: .file)
        let clock = Date().timeIntervalSince1970
        let claimed = try await db.store.claimDueMessages(now: clock, limit: 10, lease: 30)
        let message = try #require(claimed.first)
        #expect(claimed.count == 1)
        #expect((message.kind, message.attempt, message.registration.channel) == (.released, 1, .file))
        let pin = try #require(message.pin)
        // Leased: nobody else gets it until the lease lapses.
        #expect(try await db.store.claimDueMessages(now: clock + 1, limit: 10, lease: 30).isEmpty)
        #expect(try await db.store.claimDueMessages(now: clock + 31, limit: 10, lease: 30).map(\.messageID) == [message.messageID])

        try await db.store.markDelivered(id: message.id, at: clock + 32, repeatAt: clock + 3600)
        #expect(try await db.store.outboxCounts() == ["pending": 1])
        #expect(try await db.store.acknowledge(messageID: message.messageID, pin: pin == "000000" ? "111111" : "000000", at: now) == false)
        #expect(try await db.store.acknowledge(messageID: message.messageID, pin: pin, at: now) == true)
        #expect(try await db.store.outboxCounts() == ["acknowledged": 1])
        #expect(try await db.store.claimDueMessages(now: clock + 7200, limit: 10, lease: 30).isEmpty)
        #expect(try await db.store.deliveryLatencies().count == 1)
    }

    @Test(arguments: StoreKind.available) func retriesDeadLettersAndGoneEndpoints(_ kind: StoreKind) async throws {
        let db = try await StoreHarness.make(kind)
        try await followedReleases(db, count: 2)
        let clock = Date().timeIntervalSince1970
        let claimed = try await db.store.claimDueMessages(now: clock, limit: 10, lease: 30)
        #expect(claimed.count == 2)
        try await db.store.scheduleRetry(id: claimed[0].id, at: clock + 5, reason: "503")
        #expect(try await db.store.claimDueMessages(now: clock + 1, limit: 10, lease: 30).isEmpty)
        let retried = try await db.store.claimDueMessages(now: clock + 6, limit: 10, lease: 30)
        #expect(retried.map(\.id) == [claimed[0].id])
        #expect(retried.first?.attempt == 2)
        try await db.store.deadLetter(id: claimed[0].id, at: clock + 7, reason: "retries exhausted")
        try await db.store.disableRegistration(id: claimed[1].registration.id, reason: "410 Gone")
        #expect(try await db.store.outboxCounts() == ["dead": 1, "cancelled": 1])
        #expect(try await db.store.alerts(limit: 10).map(\.kind) == ["delivery_failed"])
    }

    @Test(arguments: StoreKind.available) func aBatchOfDeliveriesIsRecordedAtOnce(_ kind: StoreKind) async throws {
        let db = try await StoreHarness.make(kind)
        try await followedReleases(db, count: 3)
        let clock = Date().timeIntervalSince1970
        let claimed = try await db.store.claimDueMessages(now: clock, limit: 10, lease: 30)
        #expect(claimed.count == 3)
        try await db.store.markDelivered([
            DeliveredMark(id: claimed[0].id, at: clock + 1, repeatAt: nil),
            DeliveredMark(id: claimed[1].id, at: clock + 2, repeatAt: clock + 100),
        ])
        #expect(try await db.store.outboxCounts() == ["delivered": 1, "pending": 2])
        // The repeating one comes back when due, the undelivered one when its lease lapses; the final one never.
        let due = try await db.store.claimDueMessages(now: clock + 101, limit: 10, lease: 30)
        #expect(Set(due.map(\.id)) == [claimed[1].id, claimed[2].id])
        #expect(due.first { $0.id == claimed[1].id }?.repeats == 1)
        #expect(try await db.store.deliveryLatencies().count == 2)
        try await db.store.markDelivered([])
    }

    /// Two instances on one database (two processes, in production) claim at the same time: every notice
    /// is claimed by exactly one of them.
    @Test(arguments: StoreKind.available) func twoInstancesNeverClaimTheSameNotice(_ kind: StoreKind) async throws {
        let db = try await StoreHarness.make(kind)
        let notices = 120
        try await followedReleases(db, count: notices)
        let other = try await db.secondInstance()
        let clock = Date().timeIntervalSince1970
        func drain(_ store: any CompleteStore) async throws -> [Int64] {
            var mine: [Int64] = []
            while true {
                let batch = try await store.claimDueMessages(now: clock, limit: 7, lease: 600)
                if batch.isEmpty { return mine }
                mine += batch.map(\.id)
            }
        }
        async let first = drain(db.store)
        async let second = drain(other)
        let (a, b) = try await (first, second)
        #expect(Set(a).isDisjoint(with: Set(b)), "claimed twice: \(Set(a).intersection(Set(b)).sorted())")
        #expect(a.count + b.count == notices)
        #expect(Set(a + b).count == notices)
    }
}

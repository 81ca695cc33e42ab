import Foundation
import Logging
import Testing
import VigilCore
import VigilCrypto
import VigilStore
import VigilTestSupport
@testable import VigilNotify

/// A store with `people` adults in custody, each followed by one webhook registration to `receiver`.
struct NotificationFixture {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-notify-\(UUID().uuidString)")
    let store: SQLiteStore
    let receiver = WebhookReceiver()
    let now = Timestamp(iso: "2026-11-21T00:00:00Z")!

    init(people: Int) async throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try SQLiteStore(path: directory.appendingPathComponent("n.sqlite").path, keyring: Keyring.generate())
        try await receiver.start()
        _ = try await store.applyCustodyBatch(provenance("feed"), rows: InMemoryRows((0..<people).map { syntheticAdult($0) })) { _ in }
        for i in 0..<people {
            let code = OneTimeSecret.caseCode()
            let hash = OneTimeSecret.hash(OneTimeSecret.normalizeCaseCode(code))
            _ = try await store.issueCase(source: "TXA", sourceRecordID: "BK-\(i)", codeHash: hash, expiresAt: Timestamp(secondsSinceEpoch: now.secondsSinceEpoch + 86_400), at: now)
            let secret = WebhookSecret.generate().encoded
            receiver.add(secret: secret)
            let outcome = try await store.register(
                codeHash: hash, channel: .webhook, address: receiver.url, language: .en,
                tokenHash: OneTimeSecret.hash("token-\(i)"), webhookSecret: secret, at: now)
            guard case .registered = outcome else { throw CocoaError(.featureUnsupported) }
        }
    }

    func provenance(_ name: String) -> BatchProvenance {
        BatchProvenance(source: "TXA", fileName: name, fileSHA256: name, receivedAt: now)
    }

    func releaseEveryone(_ people: Int) async throws {
        _ = try await store.applyCustodyBatch(provenance("release"), rows: InMemoryRows((0..<people).map { syntheticAdult($0, released: true) })) { _ in }
    }

    func worker(retry: RetrySchedule = RetrySchedule(delays: [0, 0, 0], jitter: 0)) -> OutboxWorker {
        OutboxWorker(
            // A generous request timeout: on a loaded 2-core machine 200 concurrent loopback requests can
            // exceed the default 10 s, and a timed-out request that did arrive is (rightly) sent again.
            store: store, channels: [.webhook: WebhookChannel(policy: .init(allowPrivate: true), timeout: .seconds(120))],
            configuration: .init(batchSize: 200, retry: retry), logger: Logger(label: "test"))
    }

    /// Runs passes until nothing is due (bounded, so a bug cannot hang the suite).
    func drain(_ worker: OutboxWorker) async throws {
        for _ in 0..<100 where try await worker.deliverDue() > 0 {}
    }
}

@Suite struct OutboxWorkerTests {
    @Test func aThousandReleasesReachTheirThousandRegistrationsOnceEachSigned() async throws {
        let fixture = try await NotificationFixture(people: 1000)
        defer { fixture.receiver.stop() }
        try await fixture.releaseEveryone(1000)
        #expect(try await fixture.store.outboxCounts() == ["pending": 1000])
        try await fixture.drain(fixture.worker())

        let received = fixture.receiver.received
        #expect(fixture.receiver.distinctIDs.count == 1000)
        #expect(received.count == 1000)
        #expect(received.filter { !$0.validSignature }.isEmpty)
        #expect(try await fixture.store.outboxCounts() == ["delivered": 1000])
        // The payload is thin: what changed and where to look, nothing about the person.
        let body = try #require(received.first).body
        let json = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        #expect(json["type"] as? String == "custody.released")
        #expect(!String(decoding: body, as: UTF8.self).contains("Quorvel"))
        #expect(!String(decoding: body, as: UTF8.self).contains("95000"))
    }

    @Test func aReceiverThatAnswers503TwiceGetsTheMessageOnTheThirdTry() async throws {
        let fixture = try await NotificationFixture(people: 3)
        defer { fixture.receiver.stop() }
        fixture.receiver.failuresBeforeSuccess = 2
        try await fixture.releaseEveryone(3)
        try await fixture.drain(fixture.worker())
        #expect(fixture.receiver.distinctIDs.count == 3)
        for id in fixture.receiver.distinctIDs { #expect(fixture.receiver.attempts(id) == 3) }
        #expect(try await fixture.store.outboxCounts() == ["delivered": 3])
    }

    @Test func exhaustedRetriesEndInADeadLetterAndAnAlert() async throws {
        let fixture = try await NotificationFixture(people: 1)
        defer { fixture.receiver.stop() }
        fixture.receiver.failuresBeforeSuccess = 100
        try await fixture.releaseEveryone(1)
        try await fixture.drain(fixture.worker(retry: RetrySchedule(delays: [0, 0], jitter: 0)))
        #expect(fixture.receiver.totalAttempts == 3)  // the first try and two retries, none accepted
        #expect(fixture.receiver.received.isEmpty)
        #expect(try await fixture.store.outboxCounts() == ["dead": 1])
        #expect(try await fixture.store.alerts(limit: 10).map(\.kind) == ["delivery_failed"])
    }

    @Test func aGoneEndpointDisablesTheRegistration() async throws {
        let fixture = try await NotificationFixture(people: 1)
        defer { fixture.receiver.stop() }
        fixture.receiver.status = .gone
        try await fixture.releaseEveryone(1)
        try await fixture.drain(fixture.worker())
        #expect(try await fixture.store.registration(tokenHash: OneTimeSecret.hash("token-0"))?.status == "disabled")
        #expect(try await fixture.store.outboxCounts() == ["cancelled": 1])
    }

    @Test func aCaseCodeWorksOnceAndOnlyForItsRecord() async throws {
        let fixture = try await NotificationFixture(people: 1)
        defer { fixture.receiver.stop() }
        let unknown = try await fixture.store.register(
            codeHash: OneTimeSecret.hash("NOPE"), channel: .email, address: "a@example.org", language: .es,
            tokenHash: "t", webhookSecret: nil, at: fixture.now)
        #expect(unknown == .invalidCode)
        #expect(try await fixture.store.issueCase(
            source: "OTHER", sourceRecordID: "BK-0", codeHash: "h", expiresAt: fixture.now, at: fixture.now) == nil)
    }

    @Test func retryScheduleFollowsStandardWebhooksAndHonoursRetryAfter() {
        var random = SystemRandomNumberGenerator()
        let schedule = RetrySchedule.standardWebhooks
        #expect(schedule.delays == [5, 300, 1800, 7200, 18000, 36000, 36000])
        for attempt in 1...7 {
            let delay = schedule.delay(afterFailedAttempts: attempt, using: &random)!
            let base = schedule.delays[attempt - 1]
            #expect(delay >= base * 0.8 && delay <= base * 1.2)
        }
        #expect(schedule.delay(afterFailedAttempts: 8, using: &random) == nil)
        #expect(schedule.delay(afterFailedAttempts: 1, retryAfter: 120, using: &random) == 120)
    }
}

@Suite struct NoticeTextTests {
    @Test func everyEventHasEnglishAndSpanishTextWithoutPersonalData() {
        for kind in CustodyEventKind.allCases {
            let en = NoticeText.make(kind: kind, language: .en, pin: "123456", statusURL: "https://vigil.example/s")
            let es = NoticeText.make(kind: kind, language: .es, pin: "123456", statusURL: "https://vigil.example/s")
            #expect(en.body != es.body)
            #expect(en.body.contains("123456") && es.body.contains("123456"))
            #expect(es.subject.contains("Aviso"))
        }
    }

    @Test func aNoticeWithAPINLinksToTheAcknowledgementPage() {
        let link = "https://vigil.example/acknowledge?message=msg_1"
        let en = NoticeText.make(kind: .released, language: .en, pin: "123456", statusURL: "s", acknowledgeURL: link)
        let es = NoticeText.make(kind: .released, language: .es, pin: "123456", statusURL: "s", acknowledgeURL: link)
        #expect(en.body.contains("Confirm it here: \(link)") && es.body.contains("Confírmelo aquí: \(link)"))
        // A notice that needs no PIN gets no confirmation link.
        #expect(!NoticeText.make(kind: .booked, language: .en, pin: nil, statusURL: "s", acknowledgeURL: link).body.contains(link))
    }
}

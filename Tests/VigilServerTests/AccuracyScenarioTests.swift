import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import VigilCore
import VigilCrypto
import VigilNotify
@testable import VigilStore
import VigilTestSupport
@testable import VigilServer

/// Accuracy and redress, end to end: conflicts held back, disputes, corrections, retention.
@Suite struct AccuracyScenarioTests {
    func rows(_ records: [CustodyRecord], source: String, fixture: ServerFixture) async throws -> BatchSummary {
        try await fixture.store.applyCustodyBatch(
            BatchProvenance(source: source, fileName: "\(source).csv", fileSHA256: UUID().uuidString, receivedAt: fixture.now),
            rows: InMemoryRows(records)) { problem in Issue.record("row rejected: \(problem)") }
    }

    func register(_ fixture: ServerFixture, record: String, channel: NotificationChannel = .webhook, address: String) async throws -> (id: Int64, token: String) {
        let code = OneTimeSecret.caseCode(), token = RegistrationToken.generate()
        let hash = OneTimeSecret.hash(OneTimeSecret.normalizeCaseCode(code))
        _ = try await fixture.store.issueCase(source: "TXA", sourceRecordID: record, codeHash: hash,
                                              expiresAt: Timestamp(secondsSinceEpoch: fixture.now.secondsSinceEpoch + 3600), at: fixture.now)
        let outcome = try await fixture.store.register(codeHash: hash, channel: channel, address: address, language: .en,
                                                       tokenHash: AccountToken.hash(token), webhookSecret: WebhookSecret.generate().encoded, at: fixture.now)
        guard case .registered(let id) = outcome else { throw CocoaError(.featureUnsupported) }
        return (id, token)
    }

    @Test func twoSourcesThatDisagreeAreHeldForReviewAndShownAgainWhenConfirmed() async throws {
        let fixture = try await ServerFixture()
        let oversight = try await fixture.token(.oversight)
        let adult = fixture.people[.adult]!
        let victim = try await register(fixture, record: adult.sourceRecordID, address: "http://127.0.0.1:9/h")
        // Another agency says the same person is held elsewhere, at the same time.
        var elsewhere = adult
        elsewhere.sourceRecordID = "AZ-77"
        elsewhere.custody.facilityCode = "FAC009"
        _ = try await rows([elsewhere], source: "AZB", fixture: fixture)

        let app = Application(router: try fixture.router())
        try await app.test(.router) { client in
            let absent = try await client.lookup("A999999999", "HN").fingerprint
            #expect(try await client.lookup(fixture.aNumber(.adult), "HN").fingerprint == absent)
            let me = try await client.execute(uri: "/api/v1/registrations/me", method: .get, headers: [.authorization: "Bearer \(victim.token)"])
            #expect((me.json["lookup"] as? [String: Any])?["result"] as? String == "under_review")

            let queue = try await client.execute(uri: "/api/v1/reviews", method: .get, headers: [.authorization: "Bearer \(oversight)"])
            let reviews = queue.json["reviews"] as? [[String: Any]] ?? []
            #expect(reviews.count == 1)
            #expect(reviews.first?["kind"] as? String == "conflict")
            let id = try #require(reviews.first?["id"] as? Int)
            let resolved = try await client.execute(
                uri: "/api/v1/reviews/\(id)/resolution", method: .post,
                headers: [.authorization: "Bearer \(oversight)", .contentType: "application/json"],
                body: ByteBuffer(string: #"{"outcome":"confirmed"}"#))
            #expect(resolved.status == .noContent)
            #expect(try await client.lookup(fixture.aNumber(.adult), "HN").json["result"] as? String == "match")
        }
        #expect(try await fixture.store.quality(now: fixture.now).first { $0.source == "TXA" }?.conflicts == 1)
    }

    @Test func aCorrectedReleaseIsSentToExactlyThoseWhoReceivedTheWrongOne() async throws {
        let fixture = try await ServerFixture()
        let agency = try await fixture.token(.agency, source: "TXA")
        let receiver = WebhookReceiver()
        try await receiver.start()
        defer { receiver.stop() }
        let adult = fixture.people[.adult]!, other = fixture.people[.released]!

        let notified1 = try await register(fixture, record: adult.sourceRecordID, address: receiver.url)
        let notified2 = try await register(fixture, record: adult.sourceRecordID, address: receiver.url)
        let bystander = try await register(fixture, record: other.sourceRecordID, address: receiver.url)
        // The wrong information: a release that did not happen.
        var released = adult
        released.custody = CustodyState(status: .released, statusDate: Timestamp(secondsSinceEpoch: fixture.now.secondsSinceEpoch - 60),
                                        bookingDate: adult.custody.bookingDate, facilityCode: nil, releaseReason: .bond)
        _ = try await rows([released], source: "TXA", fixture: fixture)
        let worker = OutboxWorker(store: fixture.store, channels: [.webhook: WebhookChannel(policy: .init(allowPrivate: true))], configuration: .init(), logger: Logger(label: "t"))
        _ = try await worker.deliverDue()
        // Registered after the notice went out: never got it by notice, but looked it up and saw "released".
        let lookedUp = try await register(fixture, record: adult.sourceRecordID, address: receiver.url)
        let lateButUnaware = try await register(fixture, record: adult.sourceRecordID, address: receiver.url)

        let app = Application(router: try fixture.router())
        try await app.test(.router) { client in
            let me = try await client.execute(uri: "/api/v1/registrations/me", method: .get, headers: [.authorization: "Bearer \(lookedUp.token)"])
            #expect(((me.json["lookup"] as? [String: Any])?["custody"] as? [String: Any])?["status"] as? String == "released")
            let correction = try await client.execute(
                uri: "/api/v1/corrections", method: .post, headers: [.authorization: "Bearer \(agency)", .contentType: "application/json"],
                body: ByteBuffer(string: #"{"source_record_id":"\#(adult.sourceRecordID)","status":"in_custody","status_date":"\#(Timestamp(secondsSinceEpoch: fixture.now.secondsSinceEpoch - 30))","facility_code":"FAC001"}"#))
            #expect(correction.status == .ok, "\(correction.text)")
            #expect(correction.json["notified"] as? Int == 3)
        }
        let summaryRecipients = try await fixture.store.pool.read { db in
            try Int64.fetchAll(db, sql: "SELECT registration_id FROM outbox WHERE kind = 'corrected' ORDER BY registration_id")
        }
        #expect(summaryRecipients == [notified1.id, notified2.id, lookedUp.id].sorted())
        #expect(!summaryRecipients.contains(bystander.id) && !summaryRecipients.contains(lateButUnaware.id))
        _ = try await worker.deliverDue()
        let corrected = receiver.received.filter { String(decoding: $0.body, as: UTF8.self).contains("custody.corrected") }
        #expect(corrected.count == 3)
    }

    @Test func aRecordReleased61DaysAgoIsPurgedAndAnswersLikeAnAbsentOne() async throws {
        let fixture = try await ServerFixture()
        var old = fixture.people[.adult]!
        old.sourceRecordID = "OLD-1"
        old.aNumber = try ANumber(parsing: "A955500001")
        old.custody = CustodyState(status: .released, statusDate: Timestamp(secondsSinceEpoch: fixture.now.secondsSinceEpoch - 61 * 86_400),
                                   bookingDate: fixture.today.adding(days: -90), facilityCode: nil, releaseReason: .parole)
        _ = try await rows([old], source: "TXA", fixture: fixture)
        let app = Application(router: try fixture.router())
        try await app.test(.router) { client in
            let absent = try await client.lookup("A999999999", "HN").fingerprint
            #expect(try await client.lookup("A955500001", "HN").json["result"] as? String == "match")
            #expect(try await fixture.store.purge(policy: RetentionPolicy(), now: fixture.now).records == 1)
            #expect(try await client.lookup("A955500001", "HN").fingerprint == absent)
        }
    }

    @Test func anAnonymousDisputeOpensAReviewHidesNothingAndTheFilerLearnsNothing() async throws {
        let fixture = try await ServerFixture()
        let app = Application(router: try fixture.router())
        try await app.test(.router) { client in
            func dispute(_ aNumber: String) async throws -> TestResponse {
                try await client.execute(uri: "/api/v1/disputes", method: .post, headers: [.contentType: "application/json"],
                    body: ByteBuffer(string: #"{"a_number":"\#(aNumber)","country_of_birth":"HN","filed_by":"counsel","reference":"BAR-0042"}"#))
            }
            let real = try await dispute(fixture.aNumber(.adult))
            let none = try await dispute("A999999999")
            #expect(real.status == .accepted && none.status == .accepted)
            #expect(real.headers[.contentLength] == none.headers[.contentLength])
            // Nobody vouched for the filer: the person stays visible.
            #expect(try await client.lookup(fixture.aNumber(.adult), "HN").json["result"] as? String == "match")
        }
        let reviews = try await fixture.store.reviews(source: nil, includeResolved: false)
        #expect(reviews.map(\.kind) == [.dispute])
        #expect(reviews.first?.filedBy == "counsel")
    }

    @Test(arguments: ["agency", "advocate", "victim"])
    func aConfirmedDisputeWithholdsTheRecordUntilItIsReviewed(confirmedBy signal: String) async throws {
        let fixture = try await ServerFixture()
        let token: String = switch signal {
        case "agency": try await fixture.token(.agency, source: "TXA")
        case "advocate": try await fixture.token(.advocate)
        default: try await register(fixture, record: fixture.people[.adult]!.sourceRecordID, address: "http://127.0.0.1:9/h").token
        }
        let app = Application(router: try fixture.router())
        try await app.test(.router) { client in
            let filed = try await client.execute(
                uri: "/api/v1/disputes", method: .post, headers: [.contentType: "application/json", .authorization: "Bearer \(token)"],
                body: ByteBuffer(string: #"{"a_number":"\#(fixture.aNumber(.adult))","country_of_birth":"HN","filed_by":"person","reference":"R-7"}"#))
            #expect(filed.status == .accepted)
            #expect(try await client.lookup(fixture.aNumber(.adult), "HN").json["result"] as? String == "no_match")
        }
        let reviews = try await fixture.store.reviews(source: nil, includeResolved: false)
        try await fixture.store.resolveReview(id: reviews[0].id, outcome: .confirmed, by: "oversight:1", at: fixture.now)
        let app2 = Application(router: try fixture.router())
        try await app2.test(.router) { client in
            let result = try await client.lookup(fixture.aNumber(.adult), "HN").json["result"] as? String
            #expect(result == "match")
        }
    }

    @Test func aVictimsTokenConfirmsADisputeOnlyAboutThePersonItFollows() async throws {
        let fixture = try await ServerFixture()
        let victim = try await register(fixture, record: fixture.people[.released]!.sourceRecordID, address: "http://127.0.0.1:9/h")
        let app = Application(router: try fixture.router())
        try await app.test(.router) { client in
            let filed = try await client.execute(
                uri: "/api/v1/disputes", method: .post, headers: [.contentType: "application/json", .authorization: "Bearer \(victim.token)"],
                body: ByteBuffer(string: #"{"a_number":"\#(fixture.aNumber(.adult))","country_of_birth":"HN","filed_by":"person","reference":"R-8"}"#))
            #expect(filed.status == .accepted)
            #expect(try await client.lookup(fixture.aNumber(.adult), "HN").json["result"] as? String == "match")
        }
    }
}

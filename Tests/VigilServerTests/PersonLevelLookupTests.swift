import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import VigilCore
import VigilStore
@testable import VigilServer

/// Lookups decide about the person from every source's record, not about the newest record alone.
@Suite struct PersonLevelLookupTests {
    /// AZB reports the person TXA holds under a U visa: same A-number, newer status, no protection.
    static func addUnflaggedRecordFromAnotherSource(_ fixture: ServerFixture, of kind: ServerFixture.Kind) async throws {
        var record = try #require(fixture.people[kind])
        record.sourceRecordID = "AZ-1"
        record.protections = []
        record.custody.statusDate = Timestamp(secondsSinceEpoch: record.custody.statusDate.secondsSinceEpoch + 86_400)
        _ = try await fixture.store.applyCustodyBatch(
            BatchProvenance(source: "AZB", fileName: "azb.csv", fileSHA256: "2", receivedAt: fixture.now),
            rows: ServerFixture.Rows([record])) { problem in Issue.record("row rejected: \(problem)") }
    }

    @Test func aProtectionFromOneSourceHidesThePersonFromThePublicAndAlerts() async throws {
        let fixture = try await ServerFixture()
        try await Self.addUnflaggedRecordFromAnotherSource(fixture, of: .uVisa)
        let app = Application(router: try fixture.router())
        try await app.test(.router) { client in
            let absent = try await client.lookup("A999999999", "HN").fingerprint
            let response = try await client.lookup(fixture.aNumber(.uVisa), "HN")
            #expect(response.json["result"] as? String == "no_match")
            #expect(response.fingerprint == absent)
        }
        let alerts = try await fixture.store.alerts(limit: 10)
        #expect(alerts.map(\.kind) == ["protected_record_queried"])
    }

    /// `GET /api/v1/registrations/me` and the web pages read the person by id: the same person-level rule.
    @Test func aVictimFollowingTheUnflaggedRecordIsToldNothingOfAProtectedPerson() async throws {
        let fixture = try await ServerFixture()
        try await Self.addUnflaggedRecordFromAnotherSource(fixture, of: .uVisa)
        let person = try await fixture.store.records(aNumber: try ANumber(parsing: fixture.aNumber(.uVisa)))
        #expect(person.count == 2)
        let service = LookupService(store: fixture.store, keyring: fixture.keyring, clock: { fixture.now }, logger: fixture.logs.logger)
        let answer = try await service.lookup(personID: person[0].personID, registrationID: 1, requester: Requester(tier: .victim))
        #expect(answer.disclosure == .noMatch)
        #expect(try await fixture.store.alerts(limit: 10).map(\.kind) == ["protected_record_queried"])
    }

    @Test func theUnflaggedSourceSeesOnlyItsOwnRecordAndNoAlertIsRaised() async throws {
        let fixture = try await ServerFixture()
        try await Self.addUnflaggedRecordFromAnotherSource(fixture, of: .uVisa)
        let azb = try await fixture.token(.agency, source: "AZB")
        let app = Application(router: try fixture.router())
        try await app.test(.router) { client in
            let response = try await client.lookup(fixture.aNumber(.uVisa), "HN", token: azb)
            let custody = try #require(response.json["custody"] as? [String: Any])
            let record = try #require(custody["record"] as? [String: Any])
            #expect(record["source"] as? String == "AZB")
            #expect(record["protections"] as? [String] == [])
        }
        #expect(try await fixture.store.alerts(limit: 10).isEmpty)
    }

    @Test func thePublicAnswerCarriesNoProvenance() async throws {
        let fixture = try await ServerFixture()
        let oversight = try await fixture.token(.oversight)
        let app = Application(router: try fixture.router())
        try await app.test(.router) { client in
            let publicAnswer = try #require(try await client.lookup(fixture.aNumber(.adult), "HN").json["custody"] as? [String: Any])
            #expect(publicAnswer["provenance"] == nil)
            let full = try #require(try await client.lookup(fixture.aNumber(.adult), "HN", token: oversight).json["custody"] as? [String: Any])
            #expect(full["provenance"] is [String: Any])
        }
    }
}

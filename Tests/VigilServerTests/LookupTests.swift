import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import VigilCore
@testable import VigilServer

@Suite struct LookupTests {
    @Test func anAdultInCustodyIsFoundWithFacilityAndAsOf() async throws {
        let fixture = try await ServerFixture()
        let app = Application(router: try fixture.router())
        try await app.test(.router) { client in
            let response = try await client.lookup(fixture.aNumber(.adult), "HND")
            #expect(response.status == .ok)
            let json = response.json
            #expect(json["result"] as? String == "match")
            #expect(json["as_of"] is String)
            let custody = try #require(json["custody"] as? [String: Any])
            #expect(custody["status"] as? String == "in_custody")
            let facility = try #require(custody["facility"] as? [String: Any])
            #expect(facility["name"] as? String == "Northgate Processing Center")
            #expect(facility["visiting_info"] as? String == "Daily 8:00–15:00")
            // The public learns nothing else: no name, no dates, no reason, no record.
            #expect(custody["record"] == nil && custody["status_date"] == nil && custody["release_reason"] == nil)
            #expect(!response.text.contains("Zorvandel"))
        }
    }

    @Test func everyWithheldPersonGivesExactlyTheBytesOfAnAbsentNumber() async throws {
        let fixture = try await ServerFixture()
        let app = Application(router: try fixture.router())
        try await app.test(.router) { client in
            let absent = try await client.lookup("A999999999", "HN").fingerprint
            #expect(absent.contains(#"{"result":"no_match"}"#))
            let withheld: [ServerFixture.Kind] = [
                .minorAtBooking, .minorToday, .infant, .unknownBirth,
                .vawa1367, .tVisa, .uVisa, .asylumPending, .victimWitness, .courtSealed,
            ]
            for kind in withheld {
                #expect(try await client.lookup(fixture.aNumber(kind), "HN").fingerprint == absent, "\(kind) differs from absent")
            }
            // A wrong country, a malformed number and a typo answer the same way.
            #expect(try await client.lookup(fixture.aNumber(.adult), "MX").fingerprint == absent)
            #expect(try await client.lookup("A12", "HN").fingerprint == absent)
            #expect(try await client.lookup("not a number", "Atlantis").fingerprint == absent)
        }
    }

    @Test func theThirtyFirstLookupInAMinuteIsRefusedWithRetryAfter() async throws {
        let fixture = try await ServerFixture()
        let app = Application(router: try fixture.router(publicPerMinute: 30))
        try await app.test(.router) { client in
            for i in 0..<30 {
                let response = try await client.lookup(fixture.aNumber(.adult), "HN")
                #expect(response.status == .ok, "lookup \(i + 1) was refused")
            }
            let refused = try await client.lookup(fixture.aNumber(.adult), "HN")
            #expect(refused.status == .tooManyRequests)
            #expect(Int(refused.headers[.retryAfter] ?? "") ?? 0 >= 1)
            #expect(refused.headers[.contentType] == "application/problem+json")
            #expect(refused.json["status"] as? Int == 429)
        }
    }

    @Test func anAgencySeesItsOwnRecordsInFullAndAnotherAgencyDoesNot() async throws {
        let fixture = try await ServerFixture()
        let own = try await fixture.token(.agency, source: "TXA")
        let other = try await fixture.token(.agency, source: "AZB")
        let app = Application(router: try fixture.router())
        try await app.test(.router) { client in
            let full = try await client.lookup(fixture.aNumber(.infant), "HN", token: own)
            let record = try #require((full.json["custody"] as? [String: Any])?["record"] as? [String: Any])
            #expect(record["family_name"] as? String == fixture.people[.infant]?.name.family)
            let foreign = try await client.lookup(fixture.aNumber(.infant), "HN", token: other)
            #expect(foreign.json["result"] as? String == "no_match")
        }
    }

    @Test func aProtectedLookupAndRepeatedMissesRaiseAlertsForOversightOnly() async throws {
        let fixture = try await ServerFixture()
        let oversight = try await fixture.token(.oversight)
        let advocate = try await fixture.token(.advocate)
        let app = Application(router: try fixture.router(missesBeforeAlert: 3))
        try await app.test(.router) { client in
            _ = try await client.lookup(fixture.aNumber(.uVisa), "HN")
            for n in 0..<3 { _ = try await client.lookup("A90000000\(n)", "HN") }

            let alerts = try await client.execute(uri: "/api/v1/alerts", method: .get, headers: [.authorization: "Bearer \(oversight)"])
            #expect(alerts.status == .ok)
            let kinds = (alerts.json["alerts"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
            #expect(kinds.contains("protected_record_queried"))
            #expect(kinds.contains("enumeration_suspected"))
            #expect(!alerts.text.contains(fixture.aNumber(.uVisa).dropFirst()))

            #expect(try await client.execute(uri: "/api/v1/alerts", method: .get).status == .unauthorized)
            let refused = try await client.execute(uri: "/api/v1/alerts", method: .get, headers: [.authorization: "Bearer \(advocate)"])
            #expect(refused.status == .forbidden)
            #expect(refused.headers[.contentType] == "application/problem+json")
            let badToken = try await client.lookup(fixture.aNumber(.adult), "HN", token: "vgl_not-a-token")
            #expect(badToken.status == .unauthorized)
        }
    }

    @Test func everyLookupIsAuditedWithoutPersonalData() async throws {
        let fixture = try await ServerFixture()
        let oversight = try await fixture.token(.oversight)
        let app = Application(router: try fixture.router())
        try await app.test(.router) { client in
            _ = try await client.lookup(fixture.aNumber(.adult), "HN")
            _ = try await client.lookup(fixture.aNumber(.infant), "HN")
            let page = try await client.execute(uri: "/api/v1/audit/entries?limit=1000", method: .get, headers: [.authorization: "Bearer \(oversight)"])
            let entries = (page.json["entries"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String == "lookup" }
            #expect(entries.count == 2)
            let rules = entries.compactMap { ($0["fields"] as? [String: String])?["rule"] }
            #expect(rules == ["allowed", "minor_or_unknown_age"])
            for kind in [ServerFixture.Kind.adult, .infant] {
                #expect(!page.text.contains(fixture.aNumber(kind).dropFirst()))
                #expect(!page.text.contains(fixture.people[kind]!.name.family))
            }
        }
    }

    @Test func logsNeverCarryNamesOrNumbers() async throws {
        let fixture = try await ServerFixture()
        // The application logs at trace level into the capture, request logs included.
        let app = Application(router: try fixture.router(missesBeforeAlert: 2), logger: fixture.logs.logger)
        try await app.test(.router) { client in
            for kind in ServerFixture.Kind.allCases { _ = try await client.lookup(fixture.aNumber(kind), "HN") }
            _ = try await client.lookup("A12", "HN")
        }
        let logs = fixture.logs.text
        #expect(logs.contains("alert raised"))  // the protected lookups were logged, as events without identities
        for (_, record) in fixture.people {
            #expect(!logs.contains(record.aNumber!.digits), "an A-number reached the log")
            #expect(!logs.contains(record.name.family), "a name reached the log")
        }
    }

    @Test func badRequestsGetProblemDetails() async throws {
        let fixture = try await ServerFixture()
        let app = Application(router: try fixture.router())
        try await app.test(.router) { client in
            let notJSON = try await client.execute(
                uri: "/api/v1/lookup", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: "{"))
            #expect(notJSON.status == .badRequest)
            #expect(notJSON.headers[.contentType] == "application/problem+json")
            let huge = try await client.execute(
                uri: "/api/v1/lookup", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: String(repeating: " ", count: 70_000) + "{}"))
            #expect(huge.status == .contentTooLarge)
            #expect(huge.headers[.contentType] == "application/problem+json")
        }
    }

    @Test func operationalEndpointsAnswer() async throws {
        let fixture = try await ServerFixture()
        let app = Application(router: try fixture.router())
        try await app.test(.live) { client in
            #expect(try await client.execute(uri: "/healthz", method: .get).json["status"] as? String == "ok")
            let spec = try await client.execute(uri: "/openapi.yaml", method: .get)
            #expect(spec.text.hasPrefix("openapi: 3.1.0"))
            #expect(spec.text.contains("/api/v1/lookup"))
            // Over loopback (see MetricsAccessTests for everyone else).
            #expect(try await client.execute(uri: "/metrics", method: .get).status == .ok)
        }
    }
}

@Suite struct PurgedLookupTests {
    @Test func aPurgedRecordAnswersExactlyLikeAnAbsentOne() async throws {
        let fixture = try await ServerFixture()
        let app = Application(router: try fixture.router())
        try await app.test(.router) { client in
            let absent = try await client.lookup("A999999999", "HN").fingerprint
            #expect(try await client.lookup(fixture.aNumber(.released), "HN").json["result"] as? String == "match")
            // The fixture's release was 30 days ago: a 20-day policy makes it due.
            let summary = try await fixture.store.purge(policy: RetentionPolicy(days: 20), now: fixture.now)
            #expect(summary.records == 1)
            #expect(try await client.lookup(fixture.aNumber(.released), "HN").fingerprint == absent)
        }
    }
}

import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import VigilCore
@testable import VigilServer

/// A victim's or advocate's token reaches the person its registration follows and nothing else.
@Suite struct TokenScopeTests {
    /// Registers a victim for `kind` through the API and returns the registration token.
    func register(_ client: some TestClientProtocol, fixture: ServerFixture, for kind: ServerFixture.Kind) async throws -> String {
        let agency = try await fixture.token(.agency, source: "TXA")
        let recordID = fixture.people[kind]!.sourceRecordID
        let issued = try await client.execute(
            uri: "/api/v1/cases", method: .post, headers: [.contentType: "application/json", .authorization: "Bearer \(agency)"],
            body: ByteBuffer(string: #"{"source_record_id":"\#(recordID)"}"#))
        let code = try #require(issued.json["case_code"] as? String)
        let registered = try await client.execute(
            uri: "/api/v1/registrations", method: .post, headers: [.contentType: "application/json"],
            body: ByteBuffer(string: #"{"case_code":"\#(code)","channel":"email","address":"v@example.org","language":"en"}"#))
        return try #require(registered.json["token"] as? String)
    }

    @Test func aRegistrationTokenLooksUpAsThePublicDoes() async throws {
        let fixture = try await ServerFixture()
        let advocate = try await fixture.token(.advocate)
        let app = Application(router: try fixture.router())
        try await app.test(.router) { client async throws in
            let token = try await register(client, fixture: fixture, for: .released)
            // Its own person by A-number, and an unrelated one: the public's bytes, no release date or reason.
            for kind in [ServerFixture.Kind.released, .adult] {
                let anonymous = try await client.lookup(fixture.aNumber(kind), "HN")
                let withToken = try await client.lookup(fixture.aNumber(kind), "HN", token: token)
                let withAdvocate = try await client.lookup(fixture.aNumber(kind), "HN", token: advocate)
                #expect(withToken.fingerprint == anonymous.fingerprint)
                #expect(withAdvocate.fingerprint == anonymous.fingerprint)
                #expect((withToken.json["custody"] as? [String: Any])?["release_reason"] == nil)
            }
            // Through its registration, the victim tier for its person.
            let me = try await client.execute(uri: "/api/v1/registrations/me", method: .get, headers: [.authorization: "Bearer \(token)"])
            #expect((me.json["lookup"] as? [String: Any]).flatMap { $0["custody"] as? [String: Any] }?["release_reason"] as? String == "bond")
        }
    }

    @Test func aRegistrationTokensMissesAreCountedAndLimitedLikeThePublics() async throws {
        let fixture = try await ServerFixture()
        let app = Application(router: try fixture.router(publicPerMinute: 5, missesBeforeAlert: 3))
        try await app.test(.router) { client async throws in
            let token = try await register(client, fixture: fixture, for: .released)
            for i in 0..<3 {
                #expect(try await client.lookup("A00000000\(i + 2)", "HN", token: token).status == .ok)
            }
            let alerts = try await fixture.store.alerts(limit: 10)
            #expect(alerts.contains { $0.kind == "enumeration_suspected" })
            // Five guesses a minute for this client: its registration, three lookups, one more.
            #expect(try await client.lookup("A000000009", "HN", token: token).status == .ok)
            #expect(try await client.lookup("A000000009", "HN", token: token).status == .tooManyRequests)
        }
    }

    @Test func aCancelledRegistrationsTokenIsRefusedEverywhere() async throws {
        let fixture = try await ServerFixture()
        let app = Application(router: try fixture.router())
        try await app.test(.router) { client async throws in
            let token = try await register(client, fixture: fixture, for: .adult)
            let bearer: HTTPFields = [.authorization: "Bearer \(token)"]
            #expect(try await client.execute(uri: "/api/v1/registrations/me", method: .get, headers: bearer).status == .ok)
            #expect(try await client.execute(uri: "/api/v1/registrations/me", method: .delete, headers: bearer).status == .noContent)
            #expect(try await client.execute(uri: "/api/v1/registrations/me", method: .get, headers: bearer).status == .unauthorized)
            #expect(try await client.execute(uri: "/api/v1/registrations/me", method: .delete, headers: bearer).status == .unauthorized)
            #expect(try await client.lookup(fixture.aNumber(.adult), "HN", token: token).status == .unauthorized)
        }
    }

    @Test func anExpiredRegistrationsTokenIsRefused() async throws {
        let fixture = try await ServerFixture()
        let app = Application(router: try fixture.router())
        try await app.test(.router) { client async throws in
            let token = try await register(client, fixture: fixture, for: .released)
            let bearer: HTTPFields = [.authorization: "Bearer \(token)"]
            #expect(try await client.execute(uri: "/api/v1/registrations/me", method: .get, headers: bearer).status == .ok)
            // The release was 30 days ago: a 20-day policy purges the person and expires the registration.
            #expect(try await fixture.store.purge(policy: RetentionPolicy(days: 20), now: fixture.now).records == 1)
            #expect(try await client.execute(uri: "/api/v1/registrations/me", method: .get, headers: bearer).status == .unauthorized)
        }
    }
}

import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import VigilCore
@testable import VigilStore
import VigilTestSupport
@testable import VigilServer

/// One agency's review queue says nothing about another agency's people.
@Suite struct ReviewQueueScopeTests {
    /// AZB sends, without an A-number, a record whose name and birth match TXA's adult: an identity proposal.
    func proposeIdentity(_ fixture: ServerFixture) async throws {
        var lookalike = fixture.people[.adult]!
        lookalike.sourceRecordID = "AZ-1"
        lookalike.aNumber = nil
        _ = try await fixture.store.applyCustodyBatch(
            BatchProvenance(source: "AZB", fileName: "azb.csv", fileSHA256: "2", receivedAt: fixture.now),
            rows: InMemoryRows([lookalike])) { problem in Issue.record("row rejected: \(problem)") }
        #expect(try await fixture.store.reviews(source: nil, includeResolved: false).contains { $0.kind == .identity })
    }

    func reviews(_ client: some TestClientProtocol, token: String) async throws -> [[String: Any]] {
        let queue = try await client.execute(uri: "/api/v1/reviews", method: .get, headers: [.authorization: "Bearer \(token)"])
        return queue.json["reviews"] as? [[String: Any]] ?? []
    }

    func resolve(_ client: some TestClientProtocol, id: Int64, outcome: String, token: String) async throws -> HTTPResponse.Status {
        try await client.execute(
            uri: "/api/v1/reviews/\(id)/resolution", method: .post,
            headers: [.authorization: "Bearer \(token)", .contentType: "application/json"],
            body: ByteBuffer(string: #"{"outcome":"\#(outcome)"}"#)).status
    }

    @Test func identityProposalsAreOversightsAloneToSeeAndResolve() async throws {
        let fixture = try await ServerFixture()
        try await proposeIdentity(fixture)
        let proposal = try #require(try await fixture.store.reviews(source: nil, includeResolved: false).first { $0.kind == .identity })
        let azb = try await fixture.token(.agency, source: "AZB")
        let txa = try await fixture.token(.agency, source: "TXA")
        let oversight = try await fixture.token(.oversight)
        let app = Application(router: try fixture.router())
        try await app.test(.router) { client async throws in
            #expect(try await reviews(client, token: azb).isEmpty)
            #expect(try await reviews(client, token: txa).isEmpty)
            #expect(try await resolve(client, id: proposal.id, outcome: "linked", token: azb) == .notFound)
            #expect(try await fixture.store.review(id: proposal.id)?.status == "open")
            #expect(try await reviews(client, token: oversight).contains { $0["kind"] as? String == "identity" })
            #expect(try await resolve(client, id: proposal.id, outcome: "distinct", token: oversight) == .noContent)
        }
    }

    @Test func anAgencysConflictReviewDoesNotNameTheOtherSourcesRecord() async throws {
        let fixture = try await ServerFixture()
        var elsewhere = fixture.people[.adult]!
        elsewhere.sourceRecordID = "AZ-77"
        elsewhere.custody.facilityCode = "FAC009"
        _ = try await fixture.store.applyCustodyBatch(
            BatchProvenance(source: "AZB", fileName: "azb.csv", fileSHA256: "2", receivedAt: fixture.now),
            rows: InMemoryRows([elsewhere])) { problem in Issue.record("row rejected: \(problem)") }
        let azb = try await fixture.token(.agency, source: "AZB")
        let oversight = try await fixture.token(.oversight)
        let app = Application(router: try fixture.router())
        try await app.test(.router) { client async throws in
            let seen = try await reviews(client, token: azb)
            #expect(seen.count == 1)
            #expect(seen.first?["kind"] as? String == "conflict")
            #expect(seen.first?["other_record_id"] == nil)
            #expect(seen.first?["score"] == nil)
            #expect(try await reviews(client, token: oversight).first?["other_record_id"] is Int)
        }
    }
}

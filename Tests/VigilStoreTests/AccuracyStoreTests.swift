import Foundation
import Testing
import VigilCore
import VigilFeeds
@testable import VigilStore

@Suite struct AccuracyStoreTests {
    @Test(arguments: StoreKind.available) func recordsWithoutAnANumberAreOnlyProposedForLinkingNeverLinked(_ kind: StoreKind) async throws {
        let db = try await StoreHarness.make(kind)
        _ = try await db.store.apply([record("T-1", aNumber: nil, family: "García-Velandro", given: "Mirel", birth: "1984-05-02")], source: "TXA")
        _ = try await db.store.apply([record("A-9", aNumber: nil, family: "GARCIA VELANDRO", given: "Mirel", birth: "1984-05-02",
                                             at: "2026-03-02T10:00:00Z", booked: "2026-03-02")], source: "AZB")
        let proposals = try await db.store.reviews(source: nil, includeResolved: false).filter { $0.kind == .identity }
        #expect(proposals.count == 1)
        #expect((proposals.first?.score ?? 0) >= IdentityMatch.proposalThreshold)
        // Still two people until a reviewer decides.
        let people = try await db.store.counts().people
        #expect(people == 2)
        try await db.store.resolveReview(id: proposals[0].id, outcome: .linked, by: "oversight:1", at: ts("2026-03-03T00:00:00Z"))
        let linked = try await db.integer("SELECT CAST(count(DISTINCT person_id) AS BIGINT) FROM custody_record")
        #expect(linked == 1)
    }

    @Test(arguments: StoreKind.available) func aStrangerWithTheSameBirthDateIsNotProposed(_ kind: StoreKind) async throws {
        let db = try await StoreHarness.make(kind)
        _ = try await db.store.apply([record("T-1", aNumber: nil, family: "Quenadril", given: "Sovel", birth: "1984-05-02")], source: "TXA")
        _ = try await db.store.apply([record("A-9", aNumber: nil, family: "Tovrelin", given: "Asku", birth: "1984-05-02")], source: "AZB")
        #expect(try await db.store.reviews(source: nil, includeResolved: false).isEmpty)
    }

    @Test(arguments: StoreKind.available) func theQualityReportCountsRejectsByReasonAndStaleness(_ kind: StoreKind) async throws {
        let db = try await StoreHarness.make(kind)
        let problem = RowProblem(line: 3, column: "status", reason: "must be one of …")
        _ = try await db.store.applyCustodyBatch(
            provenance("TXA"), rows: ArrayRowSource(rows: [.rejected(problem), .rejected(problem), .record(line: 4, record("R1"))])) { _ in }
        let report = try await db.store.quality(now: ts("2026-03-02T06:00:00Z"))
        let txa = try #require(report.first { $0.source == "TXA" })
        #expect((txa.rows, txa.rejected) == (3, 2))
        #expect(txa.rejectsByReason == ["status: must be one of …": 2])
        #expect(txa.staleness == 6 * 3600)
    }
}

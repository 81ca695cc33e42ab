import Foundation
import GRDB
import Testing
import VigilCore
import VigilCrypto
@testable import VigilStore

@Suite struct RetentionTests {
    let now = ts("2026-11-25T12:00:00Z")

    @Test(arguments: StoreKind.available) func aRecordReleased61DaysAgoIsErasedAndOneReleased59DaysAgoStays(_ kind: StoreKind) async throws {
        let db = try await StoreHarness.make(kind)
        let old = record("R1", aNumber: "A912340001", family: "Oldrelvan", status: .released, at: "2026-09-25T10:00:00Z",
                         booked: "2026-09-01", facility: nil, reason: .bond)
        let recent = record("R2", aNumber: "A912340002", status: .released, at: "2026-09-27T10:00:00Z",
                            booked: "2026-09-01", facility: nil, reason: .parole)
        _ = try await db.store.apply([old, recent])
        let summary = try await db.store.purge(policy: RetentionPolicy(days: 60), now: now)
        #expect(summary == PurgeSummary(records: 1, people: 1, registrationsExpired: 0))
        #expect(try await db.store.records(aNumber: try ANumber(parsing: "A912340001")).isEmpty)
        #expect(try await db.store.records(aNumber: try ANumber(parsing: "A912340002")).count == 1)
        // Purging again finds nothing new.
        #expect(try await db.store.purge(policy: RetentionPolicy(days: 60), now: now).records == 0)
        // The erased person's sealed values are gone from the live tables.
        let left = try await db.integer("""
            SELECT CAST((CASE WHEN a_number_sealed IS NULL THEN 0 ELSE 1000 END) + length(family_name_sealed) AS BIGINT)
            FROM person p JOIN custody_record r ON r.person_id = p.id WHERE r.source_record_id = 'R1'
            """)
        #expect(left == 0)  // no sealed A-number, an empty sealed name
    }

    @Test(arguments: StoreKind.available) func aReplayedOldRowDoesNotReviveAPurgedPersonButANewBookingDoes(_ kind: StoreKind) async throws {
        let db = try await StoreHarness.make(kind)
        let released = record("R1", status: .released, at: "2026-08-01T10:00:00Z", booked: "2026-07-01", facility: nil, reason: .bond)
        _ = try await db.store.apply([released])
        _ = try await db.store.purge(policy: RetentionPolicy(days: 60), now: now)
        let (replay, _) = try await db.store.apply([released])
        #expect(replay.unchanged == 1)
        #expect(try await db.store.records(aNumber: try ANumber(parsing: "A912345678")).isEmpty)

        let rebooked = record("R1", at: "2026-11-20T10:00:00Z", booked: "2026-11-20")
        let (again, _) = try await db.store.apply([rebooked])
        #expect(again.eventsByKind == ["booked": 1])
        #expect(try await db.store.records(aNumber: try ANumber(parsing: "A912345678")).first?.record.name.family == "Quenadril")
    }

    @Test(arguments: StoreKind.available) func registrationsFollowingAPurgedPersonExpire(_ kind: StoreKind) async throws {
        let db = try await StoreHarness.make(kind)
        _ = try await db.store.apply([record("R1", status: .released, at: "2026-08-01T10:00:00Z", booked: "2026-07-01", facility: nil, reason: .bond)])
        _ = try await db.store.issueCase(source: "TXA", sourceRecordID: "R1", codeHash: "c", expiresAt: ts("2027-01-01T00:00:00Z"), at: now)
        _ = try await db.store.register(codeHash: "c", channel: .email, address: "v@example.org", language: .en,
                                        tokenHash: "t", webhookSecret: nil, at: now)
        let summary = try await db.store.purge(policy: RetentionPolicy(days: 60), now: now)
        #expect(summary.registrationsExpired == 1)
        #expect(try await db.store.registration(tokenHash: "t")?.status == "expired")
    }

    /// A first purge of a large database goes in short transactions, each audited; a person whose
    /// records fall in different transactions is still erased once the last one goes.
    @Test(arguments: StoreKind.available) func aLargePurgeGoesInChunksAndErasesPeopleSplitAcrossThem(_ kind: StoreKind) async throws {
        let db = try await StoreHarness.make(kind)
        let released = (0..<5).map {
            record("R\($0)", aNumber: "A91234000\($0)", status: .released, at: "2026-09-01T10:00:00Z",
                   booked: "2026-08-01", facility: nil, reason: .bond)
        }
        // A second source's record of the first person.
        _ = try await db.store.apply(released)
        _ = try await db.store.apply([record("X0", aNumber: "A912340000", status: .released, at: "2026-09-02T10:00:00Z",
                                            booked: "2026-08-01", facility: nil, reason: .bond)], source: "AZB")
        let before = try await db.store.auditEntries(after: -1, limit: 100).count
        let summary = try await db.store.purge(policy: RetentionPolicy(days: 60), now: now, chunk: 2)
        #expect(summary == PurgeSummary(records: 6, people: 5, registrationsExpired: 0))
        let purges = try await db.store.auditEntries(after: before - 1, limit: 100).filter { $0.entry.fields["action"] == "purge" }
        #expect(purges.count == 4)  // 2 + 2 + 2 + a last, empty look
        #expect(purges.compactMap { Int($0.entry.fields["records"] ?? "") }.reduce(0, +) == 6)
        #expect(try await db.store.records(aNumber: try ANumber(parsing: "A912340000")).isEmpty)
        #expect(try await db.store.counts().people == 5)
    }
}

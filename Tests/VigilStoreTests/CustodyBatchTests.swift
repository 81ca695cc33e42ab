import Foundation
import Testing
import VigilCore
import VigilCrypto
import VigilFeeds
@testable import VigilStore

@Suite struct CustodyBatchTests {
    @Test(arguments: StoreKind.available) func aNewRecordIsAcceptedWithABookedEvent(_ kind: StoreKind) async throws {
        let db = try await StoreHarness.make(kind)
        let (summary, problems) = try await db.store.apply([record("R1")])
        #expect(problems.isEmpty)
        #expect((summary.rows, summary.accepted, summary.unchanged, summary.rejected, summary.events) == (1, 1, 0, 0, 1))
        #expect(summary.eventsByKind == ["booked": 1])
        let stored = try await db.store.records(aNumber: try ANumber(parsing: "A912345678"))
        #expect(stored.count == 1)
        #expect(stored.first?.record == record("R1"))
    }

    @Test(arguments: StoreKind.available) func applyingTheSameRowsAgainChangesNothing(_ kind: StoreKind) async throws {
        let db = try await StoreHarness.make(kind)
        let rows = [record("R1"), record("R2", aNumber: "A912345679"), record("R3", aNumber: nil)]
        _ = try await db.store.apply(rows)
        let before = try await db.store.counts()
        let (again, _) = try await db.store.apply(rows)
        #expect((again.accepted, again.unchanged, again.events) == (0, 3, 0))
        let after = try await db.store.counts()
        #expect((after.people, after.records, after.events) == (before.people, before.records, before.events))
    }

    @Test(arguments: StoreKind.available) func aReleaseDerivesAReleasedEventWithItsReason(_ kind: StoreKind) async throws {
        let db = try await StoreHarness.make(kind)
        _ = try await db.store.apply([record("R1")])
        let released = record(
            "R1", status: .released, at: "2026-03-05T15:00:00-05:00", facility: nil, reason: .bond)
        let (summary, _) = try await db.store.apply([released])
        #expect(summary.eventsByKind == ["released": 1])
        let stored = try await db.store.records(aNumber: try ANumber(parsing: "A912345678"))
        let events = try await db.store.events(forRecord: try #require(stored.first).recordID)
        #expect(events.map(\.kind) == [.booked, .released])
        #expect(events.last?.releaseReason == .bond)
        #expect(events.last?.fromFacility == "FAC001")
    }

    @Test(arguments: StoreKind.available) func anIllegalTransitionIsRejectedByLineAndTheOtherRowsStillApply(_ kind: StoreKind) async throws {
        let db = try await StoreHarness.make(kind)
        _ = try await db.store.apply([record("R1", status: .removed, facility: nil)])
        // removed → in_custody with the same booking date is not a possible change.
        let rows = [record("R1", at: "2026-03-09T10:00:00Z"), record("R2", aNumber: "A912345600")]
        let (summary, problems) = try await db.store.apply(rows)
        #expect((summary.accepted, summary.rejected) == (1, 1))
        #expect(problems == [RowProblem(
            line: 2, column: "booking_date", reason: TransitionError.rebookingNeedsNewBookingDate(from: .removed).description)])
        #expect(try await db.store.counts().records == 2)
    }

    @Test(arguments: StoreKind.available) func aStaleRowIsRejectedButAReplayOfAnAppliedRowIsUnchanged(_ kind: StoreKind) async throws {
        let db = try await StoreHarness.make(kind)
        let booked = record("R1")
        let released = record("R1", status: .released, at: "2026-03-05T10:00:00Z", facility: nil, reason: .parole)
        _ = try await db.store.apply([booked, released])
        // The whole file again: the older row was applied before, so it is not "stale".
        let (replay, replayProblems) = try await db.store.apply([booked, released])
        #expect((replay.accepted, replay.unchanged, replay.rejected) == (0, 2, 0))
        #expect(replayProblems.isEmpty)
        // A row never seen, dated before the stored status, is stale.
        let (stale, problems) = try await db.store.apply([record("R1", at: "2026-03-02T10:00:00Z", facility: "FAC002")])
        #expect(stale.rejected == 1)
        #expect(problems.first?.column == "status_date")
    }

    @Test(arguments: StoreKind.available) func aCrashMidBatchLeavesNothingApplied(_ kind: StoreKind) async throws {
        let db = try await StoreHarness.make(kind)
        let rows = (0..<10).map { record("R\($0)", aNumber: "A9123456\(10 + $0)") }
        await #expect(throws: ArrayRowSource.Crash.self) {
            _ = try await db.store.applyCustodyBatch(provenance(), rows: ArrayRowSource(rows, failAfter: 6)) { _ in }
        }
        #expect(try await db.store.counts() == StoreCounts(people: 0, records: 0, events: 0, facilities: 0, batches: 0))
        // And the same batch then applies whole.
        let (summary, _) = try await db.store.apply(rows)
        #expect(summary.accepted == 10)
    }

    @Test(arguments: StoreKind.available) func theSameANumberFromTwoSourcesIsOnePerson(_ kind: StoreKind) async throws {
        let db = try await StoreHarness.make(kind)
        _ = try await db.store.apply([record("R1")], source: "TXA")
        _ = try await db.store.apply([record("X9", at: "2026-03-03T10:00:00Z", booked: "2026-03-03")], source: "AZB")
        let stored = try await db.store.records(aNumber: try ANumber(parsing: "A912345678"))
        #expect(stored.count == 2)
        #expect(Set(stored.map(\.personID)).count == 1)
        #expect(stored.map(\.source) == ["AZB", "TXA"])  // newest status first
    }

    @Test(arguments: StoreKind.available) func decodedProblemsAreCountedAndPassedOn(_ kind: StoreKind) async throws {
        let db = try await StoreHarness.make(kind)
        let problem = RowProblem(line: 7, column: "status", reason: "must be one of …")
        var seen: [RowProblem] = []
        let summary = try await db.store.applyCustodyBatch(
            provenance(), rows: ArrayRowSource(rows: [.rejected(problem), .record(line: 8, record("R1"))])
        ) { seen.append($0) }
        #expect((summary.rows, summary.accepted, summary.rejected) == (2, 1, 1))
        #expect(seen == [problem])
        #expect(try await db.store.batches().last?.rejected == 1)
    }
}

/// A batch longer than the PostgreSQL store's chunk (500 rows), mixing plainly new rows with rows that
/// depend on each other: every store must give the same summary as applying the rows one by one.
@Suite struct LargeBatchTests {
    @Test(arguments: StoreKind.available) func aLongMixedBatchAppliesAsIfRowByRow(_ kind: StoreKind) async throws {
        let db = try await StoreHarness.make(kind)
        var rows: [DecodedRow] = (0..<1_200).map { .record(line: $0 + 2, record("R\($0)", aNumber: String(format: "A9%08d", $0))) }
        // The same record twice in one chunk: booked, then released.
        rows.insert(.record(line: 9_001, record("DUP", aNumber: "A900099999")), at: 100)
        rows.insert(.record(line: 9_002, record("DUP", aNumber: "A900099999", status: .released, at: "2026-03-05T10:00:00Z",
                                                facility: nil, reason: .bond)), at: 300)
        // A second record of person 5, under another booking: same person, one more record.
        rows.insert(.record(line: 9_003, record("X5", aNumber: "A900000005", at: "2026-03-03T10:00:00Z", booked: "2026-03-03")), at: 700)
        // A record without an A-number, and a row the decoder refused.
        rows.insert(.record(line: 9_004, record("NOA", aNumber: nil, family: "Vantorellis")), at: 900)
        rows.insert(.rejected(RowProblem(line: 9_005, column: "status", reason: "must be one of …")), at: 1_000)
        var problems: [RowProblem] = []
        let first = try await db.store.applyCustodyBatch(provenance(), rows: ArrayRowSource(rows: rows)) { problems.append($0) }
        #expect((first.rows, first.accepted, first.rejected, first.unchanged) == (1_205, 1_204, 1, 0))
        #expect(first.eventsByKind == ["booked": 1_203, "released": 1])
        #expect(problems.map(\.line) == [9_005])
        #expect(try await db.store.counts() == StoreCounts(people: 1_202, records: 1_203, events: 1_204, facilities: 0, batches: 1))
        let dup = try #require(try await db.store.records(aNumber: try ANumber(parsing: "A900099999")).first)
        #expect(try await db.store.events(forRecord: dup.recordID).map(\.kind) == [.booked, .released])
        #expect(Set(try await db.store.records(aNumber: try ANumber(parsing: "A900000005")).map(\.source)) == ["TXA"])
        #expect(try await db.store.records(aNumber: try ANumber(parsing: "A900000005")).count == 2)

        let again = try await db.store.applyCustodyBatch(provenance(), rows: ArrayRowSource(rows: rows)) { _ in }
        #expect((again.rows, again.accepted, again.rejected, again.unchanged, again.events) == (1_205, 0, 1, 1_204, 0))
        #expect(try await db.store.counts().events == 1_204)
    }
}

@Suite struct EncryptionAtRestTests {
    @Test func theDatabaseHoldsNoPlaintextNameANumberOrBirthDate() async throws {
        let db = try TemporaryStore()
        let rows = (0..<50).map {
            record("R\($0)", aNumber: "A9876543\(10 + $0)", family: "Zelmquaro\($0)", given: "Pirvendal", birth: "1979-11-\(10 + $0 % 18)")
        }
        _ = try await db.store.apply(rows)
        let bytes = try db.bytesOnDisk()
        #expect(bytes.count > 0)
        for needle in ["Zelmquaro", "Pirvendal", "98765431", "1979-11-"] {
            #expect(bytes.range(of: Data(needle.utf8)) == nil, "found plaintext \(needle) on disk")
        }
        // …while an authorised read gives it back.
        let stored = try await db.store.records(aNumber: try ANumber(parsing: "A987654310"))
        #expect(stored.first?.record.name.family == "Zelmquaro0")
    }

    @Test(arguments: StoreKind.available) func aDifferentKeyringCannotReadTheRecords(_ kind: StoreKind) async throws {
        let db = try await StoreHarness.make(kind)
        _ = try await db.store.apply([record("R1")])
        let other = try await db.secondInstance(keyring: Keyring.generate())
        // The blind index is keyed too: without the right key the person is not even found.
        #expect(try await other.records(aNumber: try ANumber(parsing: "A912345678")).isEmpty)
    }
}

@Suite struct FacilityTests {
    @Test(arguments: StoreKind.available) func facilitiesUpsertByCodeAndReportUnchanged(_ kind: StoreKind) async throws {
        let db = try await StoreHarness.make(kind)
        let north = Facility(code: "FAC001", name: "Northgate Processing Center", state: "TX", visitingInfo: "Daily")
        let first = try await db.store.importFacilities(provenance(), facilities: [north], rejected: 0)
        #expect((first.accepted, first.unchanged) == (1, 0))
        let same = try await db.store.importFacilities(provenance(), facilities: [north], rejected: 0)
        #expect((same.accepted, same.unchanged) == (0, 1))
        var moved = north
        moved.visitingInfo = "Weekends only"
        let changed = try await db.store.importFacilities(provenance(), facilities: [moved], rejected: 2)
        #expect((changed.accepted, changed.rejected, changed.rows) == (1, 2, 3))
        #expect(try await db.store.facility(code: "FAC001") == moved)
    }
}

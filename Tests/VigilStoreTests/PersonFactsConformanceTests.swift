import Foundation
import Testing
import VigilCore
@testable import VigilStore

/// Person facts are kept per record: one source's row cannot change what another source said of the person.
@Suite struct PersonFactsConformanceTests {
    @Test(arguments: StoreKind.available) func aRowFromAnotherSourceLeavesTheFirstSourcesBirthDateAndProtections(_ kind: StoreKind) async throws {
        let db = try await StoreHarness.make(kind)
        _ = try await db.store.apply([record("TX-1", birth: "1985-06-01", protections: [.uVisa])], source: "TXA")
        // Same A-number and name; AZB gives another birth date (a child's) and no protection.
        _ = try await db.store.apply([record("AZ-1", birth: "2012-04-09", at: "2026-03-05T10:00:00Z")], source: "AZB")

        let person = try await db.store.records(aNumber: try ANumber(parsing: "A912345678"))
        #expect(person.count == 2)
        let txa = try #require(person.first { $0.source == "TXA" })
        let azb = try #require(person.first { $0.source == "AZB" })
        #expect(txa.personID == azb.personID)
        #expect(txa.record.dateOfBirth == day("1985-06-01"))
        #expect(txa.record.protections == [.uVisa])
        #expect(azb.record.dateOfBirth == day("2012-04-09"))
        #expect(azb.record.protections == [])
        #expect(try await db.store.records(personID: txa.personID).map(\.record.dateOfBirth).sorted { "\($0!)" < "\($1!)" }
            == [day("1985-06-01"), day("2012-04-09")])
    }

    @Test(arguments: StoreKind.available) func anUnknownBirthDateFromAnotherSourceStaysUnknownOnItsRecordOnly(_ kind: StoreKind) async throws {
        let db = try await StoreHarness.make(kind)
        _ = try await db.store.apply([record("TX-1", birth: "1985-06-01")], source: "TXA")
        _ = try await db.store.apply([record("AZ-1", birth: nil, at: "2026-03-05T10:00:00Z")], source: "AZB")
        let person = try await db.store.records(aNumber: try ANumber(parsing: "A912345678"))
        #expect(person.first { $0.source == "TXA" }?.record.dateOfBirth == day("1985-06-01"))
        #expect(person.first { $0.source == "AZB" }.map { $0.record.dateOfBirth == nil } == true)
    }
}

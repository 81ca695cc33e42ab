import Foundation
import Testing
import VigilCore
@testable import VigilStore

/// A dispute withholds a record only when a second signal vouches for the filer.
@Suite struct DisputeConformanceTests {
    func file(_ db: StoreHarness, _ confirmation: DisputeConfirmation, aNumber: String = "A912345678") async throws -> Bool {
        try await db.store.fileDispute(
            aNumber: try ANumber(parsing: aNumber), country: try CountryCode(parsing: "MX"), filedBy: "person",
            reference: "R-1", receiptHash: UUID().uuidString, confirmation: confirmation, at: ts("2026-03-03T00:00:00Z"))
    }

    func held(_ db: StoreHarness) async throws -> Bool {
        try await db.store.records(aNumber: try ANumber(parsing: "A912345678")).first?.held ?? false
    }

    @Test(arguments: StoreKind.available) func anUnconfirmedDisputeOpensAReviewAndWithholdsNothing(_ kind: StoreKind) async throws {
        let db = try await StoreHarness.make(kind)
        _ = try await db.store.apply([record("T-1")], source: "TXA")
        #expect(try await file(db, .unconfirmed))
        #expect(try await held(db) == false)
        #expect(try await db.store.reviews(source: nil, includeResolved: false).map(\.kind) == [.dispute])
        // Another agency's word is no signal about this one's record.
        #expect(try await file(db, .source("AZB")))
        #expect(try await held(db) == false)
        #expect(try await file(db, .unconfirmed, aNumber: "A000000002") == false)
    }

    @Test(arguments: StoreKind.available) func aConfirmedDisputeWithholdsTheRecord(_ kind: StoreKind) async throws {
        for confirmation in [DisputeConfirmation.account, .source("TXA")] {
            let db = try await StoreHarness.make(kind)
            _ = try await db.store.apply([record("T-1")], source: "TXA")
            #expect(try await file(db, confirmation))
            #expect(try await held(db), "\(confirmation)")
        }
        let db = try await StoreHarness.make(kind)
        _ = try await db.store.apply([record("T-1")], source: "TXA")
        let person = try #require(try await db.store.records(aNumber: try ANumber(parsing: "A912345678")).first?.personID)
        #expect(try await file(db, .person(person + 1)))
        #expect(try await held(db) == false)
        #expect(try await file(db, .person(person)))
        #expect(try await held(db))
    }
}

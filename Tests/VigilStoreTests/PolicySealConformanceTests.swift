import Foundation
import Testing
import VigilCore
@testable import VigilStore

/// The facts the policy weighs are authenticated: whoever writes to the database without the key cannot
/// unprotect, unhold or revive a person. Every store, the same way.
@Suite struct PolicySealConformanceTests {
    let aNumber = try! ANumber(parsing: "A912345678")
    let today = day("2026-03-10")

    func decision(_ db: StoreHarness) async throws -> DisclosurePolicy.Decision {
        let person = try await db.store.records(aNumber: aNumber)
        return DisclosurePolicy.decide(person: person.map(\.policyCandidate), for: .anonymous, today: today)
    }

    @Test(arguments: StoreKind.available) func clearingProtectionsInTheDatabaseAnswersNoMatchAndAlerts(_ kind: StoreKind) async throws {
        let db = try await StoreHarness.make(kind)
        _ = try await db.store.apply([record("R1", protections: [.uVisa])])
        #expect(try await db.store.records(aNumber: aNumber).allSatisfy(\.policyInputsIntact))

        try await db.tamper("UPDATE custody_record SET protections = ''")

        let person = try await db.store.records(aNumber: aNumber)
        #expect(person.map(\.policyInputsIntact) == [false])
        let decision = try await decision(db)
        #expect(decision.disclosure == .noMatch)
        #expect(decision.rule == .tampered)
        #expect(decision.alert == .policyInputTampered)
    }

    @Test(arguments: StoreKind.available) func releasingAHoldInTheDatabaseIsDetected(_ kind: StoreKind) async throws {
        let db = try await StoreHarness.make(kind)
        _ = try await db.store.apply([record("R1")])
        // Another source has the person somewhere else at the same time: both records are held for review.
        _ = try await db.store.apply([record("X1", at: "2026-03-02T10:00:00Z", facility: "FAC002")], source: "AZB")
        #expect(try await decision(db).rule == .disputed)  // held, and the hold is sealed

        try await db.tamper(kind == .sqlite ? "UPDATE custody_record SET held = 0" : "UPDATE custody_record SET held = FALSE")

        #expect(try await decision(db).rule == .tampered)
    }

    @Test(arguments: StoreKind.available) func revivingAPurgedRecordInTheDatabaseIsDetected(_ kind: StoreKind) async throws {
        let db = try await StoreHarness.make(kind)
        // TXA released the person long ago; AZB holds them now, so the person (and their index) stays.
        _ = try await db.store.apply([record("R1", status: .released, at: "2025-11-01T10:00:00Z", booked: "2025-10-01", facility: nil, reason: .bond)])
        _ = try await db.store.apply([record("X1", at: "2026-03-01T10:00:00Z", booked: "2026-03-01")], source: "AZB")
        #expect(try await db.store.purge(policy: RetentionPolicy(days: 60), now: ts("2026-03-10T00:00:00Z")).records == 1)
        #expect(try await decision(db).rule == .allowed)

        try await db.tamper("UPDATE custody_record SET purged_at = NULL WHERE source_record_id = 'R1'")

        #expect(try await db.store.records(aNumber: aNumber).map(\.policyInputsIntact).sorted { !$0 && $1 } == [false, true])
        #expect(try await decision(db).rule == .tampered)
    }

    @Test(arguments: StoreKind.available) func vigilsOwnWritesKeepTheSealAndNeverBlessATamperedRecord(_ kind: StoreKind) async throws {
        let db = try await StoreHarness.make(kind)
        _ = try await db.store.apply([record("R1", protections: [.uVisa]), record("R2", aNumber: "A912340002")])
        // A new status for R2 from the feed, and a conflicting record from another source that holds R2: still intact.
        _ = try await db.store.apply([record("R2", aNumber: "A912340002", at: "2026-03-03T10:00:00Z", facility: "FAC002")])
        _ = try await db.store.apply([record("X2", aNumber: "A912340002", at: "2026-03-04T10:00:00Z", facility: "FAC003")], source: "AZB")
        let second = try await db.store.records(aNumber: try ANumber(parsing: "A912340002"))
        #expect(second.count == 2 && second.allSatisfy { $0.held && $0.policyInputsIntact })

        // Someone clears R1's protection, then the feed sends R1 again: the feed's write does not bless the change.
        try await db.tamper("UPDATE custody_record SET protections = '' WHERE source_record_id = 'R1'")
        _ = try await db.store.apply([record("R1", at: "2026-03-05T10:00:00Z", protections: [])])
        #expect(try await db.store.records(aNumber: aNumber).map(\.policyInputsIntact) == [false])
    }

    @Test(arguments: StoreKind.available) func aSealCopiedFromAnotherRecordDoesNotMatch(_ kind: StoreKind) async throws {
        let db = try await StoreHarness.make(kind)
        _ = try await db.store.apply([record("R1", protections: [.uVisa]), record("R2", aNumber: "A912340002")])
        try await db.tamper("""
            UPDATE custody_record SET protections = '',
                policy_seal = (SELECT policy_seal FROM custody_record WHERE source_record_id = 'R2')
            WHERE source_record_id = 'R1'
            """)
        #expect(try await db.store.records(aNumber: aNumber).map(\.policyInputsIntact) == [false])
    }

    /// A database from before the seal: its records are sealed once, on the first open after the upgrade;
    /// after that, a record without a seal is one written without the key.
    @Test(arguments: StoreKind.available) func recordsFromBeforeTheUpgradeAreSealedOnceOnly(_ kind: StoreKind) async throws {
        let db = try await StoreHarness.make(kind)
        _ = try await db.store.apply([record("R1", protections: [.uVisa])])
        try await db.tamper("UPDATE custody_record SET policy_seal = NULL")
        try await db.tamper("DELETE FROM policy_seal_state")
        let upgraded = try await db.secondInstance()
        #expect(try await upgraded.records(aNumber: aNumber).map(\.policyInputsIntact) == [true])

        try await db.tamper("UPDATE custody_record SET policy_seal = NULL")
        let reopened = try await db.secondInstance()
        #expect(try await reopened.records(aNumber: aNumber).map(\.policyInputsIntact) == [false])
    }
}

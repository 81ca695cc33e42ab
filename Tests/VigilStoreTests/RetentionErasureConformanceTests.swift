import Foundation
import Testing
import VigilCore
@testable import VigilStore

/// Retention erases everything that could re-identify a purged person, on every store.
@Suite struct RetentionErasureConformanceTests {
    let now = ts("2026-11-25T12:00:00Z")

    @Test(arguments: StoreKind.available) func aPurgedPersonLeavesNoTokenBirthDateAddressOrSecret(_ kind: StoreKind) async throws {
        let db = try await StoreHarness.make(kind)
        _ = try await db.store.apply([record("R1", status: .released, at: "2026-08-01T10:00:00Z", booked: "2026-07-01", facility: nil, reason: .bond)])
        _ = try await db.store.issueCase(source: "TXA", sourceRecordID: "R1", codeHash: "c", expiresAt: ts("2027-01-01T00:00:00Z"), at: now)
        _ = try await db.store.register(codeHash: "c", channel: .webhook, address: "https://receiver.example/hook", language: .en,
                                        tokenHash: "t", webhookSecret: "whsec_c2VjcmV0", at: now)
        #expect(try await db.integer("SELECT CAST(count(*) AS BIGINT) FROM person WHERE birth_country_index IS NOT NULL") == 1)

        _ = try await db.store.purge(policy: RetentionPolicy(days: 60), now: now)

        #expect(try await db.integer("SELECT CAST(count(*) AS BIGINT) FROM person WHERE birth_country_index IS NOT NULL") == 0)
        #expect(try await db.integer("SELECT CAST(count(*) AS BIGINT) FROM custody_record WHERE date_of_birth_sealed IS NOT NULL") == 0)
        #expect(try await db.integer("""
            SELECT CAST(sum(length(address_sealed)) + count(secret_sealed) AS BIGINT) FROM registration
            """) == 0)
        let registration = try #require(try await db.store.registration(tokenHash: "t"))
        #expect((registration.status, registration.address) == ("expired", ""))
    }
}

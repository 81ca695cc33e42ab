import Foundation
import Testing
import VigilCore
@testable import VigilStore

/// What the statistics read, and the privacy-budget ledger: the same on every store.
@Suite struct StatisticsConformanceTests {
    @Test(arguments: StoreKind.available) func custodyRowsAreOnePerPersonWithAgesAndFacilityState(_ kind: StoreKind) async throws {
        let db = try await StoreHarness.make(kind)
        _ = try await db.store.importFacilities(
            provenance(), facilities: [Facility(code: "FAC001", name: "Northgate Processing Center", state: "TX", visitingInfo: "Daily")],
            rejected: 0)
        _ = try await db.store.apply([
            record("R1", birth: "1985-06-01"),
            record("R2", aNumber: "A912345600", birth: nil, facility: "FAC404"),
            record("R3", aNumber: "A912345601", status: .released, at: "2026-03-05T10:00:00Z", facility: nil, reason: .parole),
        ])
        // The same person booked again by another source counts once.
        _ = try await db.store.apply([record("X1", at: "2026-03-03T10:00:00Z", booked: "2026-03-03")], source: "AZB")
        let rows = try await db.store.custodyStatistics(today: day("2026-03-10"))
            .sorted { ($0.ageToday ?? -1) > ($1.ageToday ?? -1) }
        #expect(rows == [
            CustodyStatisticsRow(criminalHistory: .none, countryOfBirth: "MX", facilityState: "TX", ageAtBooking: 40, ageToday: 40),
            CustodyStatisticsRow(criminalHistory: .none, countryOfBirth: "MX", facilityState: nil, ageAtBooking: nil, ageToday: nil),
        ])
        let departures = try await db.store.departureEvents(from: ts("2026-03-01T00:00:00Z"), before: ts("2026-04-01T00:00:00Z"))
        #expect(departures.map(\.kind) == [.released])
        #expect(departures.first?.releaseReason == .parole)
    }

    @Test(arguments: StoreKind.available) func theBudgetLedgerRefusesAnOverspendAndKeepsNothingOfIt(_ kind: StoreKind) async throws {
        let db = try await StoreHarness.make(kind)
        let period = try #require(ReleasePeriod(year: 2026, month: 3))
        let tables = ["custody_by_age", "custody_by_region"]
        try await db.store.spendPrivacyBudget(tables: tables, epsilon: 0.7, period: period, limit: 2, release: Data("first".utf8), at: ts("2026-03-02T00:00:00Z"))
        try await db.store.spendPrivacyBudget(tables: tables, epsilon: 1.3, period: period, limit: 2, release: Data("second".utf8), at: ts("2026-03-03T00:00:00Z"))
        await #expect(throws: PrivacyBudgetExhausted.self) {
            try await db.store.spendPrivacyBudget(tables: tables, epsilon: 0.1, period: period, limit: 2, release: Data("third".utf8), at: ts("2026-03-04T00:00:00Z"))
        }
        #expect(try await db.store.privacyBudgetSpent(period: period) == ["custody_by_age": 2.0, "custody_by_region": 2.0])
        // Every ε spent is in the audit log, in the spend's own transaction; the refused one left nothing.
        let released = try await db.store.auditEntries(after: -1, limit: 100).map(\.entry).filter { $0.kind == .statistics }
        #expect(released.map { $0.fields["epsilon_micro"] } == ["700000", "1300000"])
        #expect(released.allSatisfy { $0.fields["action"] == "statistics_released" && $0.fields["period"] == "2026-03" && $0.fields["tables"] == "2" })
        #expect(try await db.store.latestStatisticsRelease(period: period, epsilon: nil)?.body == Data("second".utf8))
        #expect(try await db.store.latestStatisticsRelease(period: period, epsilon: 0.7)?.body == Data("first".utf8))
        #expect(try await db.store.latestStatisticsRelease(period: period, epsilon: 0.5) == nil)
    }

    @Test(arguments: StoreKind.available) func accountsAndAlertsRoundTrip(_ kind: StoreKind) async throws {
        let db = try await StoreHarness.make(kind)
        let account = try await db.store.createAccount(tier: .agency, name: "Texas custody office", source: "TXA", tokenHash: "h1", at: ts("2026-03-02T00:00:00Z"))
        #expect(try await db.store.account(tokenHash: "h1") == account)
        #expect(try await db.store.account(tokenHash: "h2") == nil)
        try await db.store.raiseAlert(kind: "enumeration_suspected", details: ["client": "ab12"], at: ts("2026-03-02T00:00:00Z"))
        try await db.store.raiseAlert(kind: "protected_record_queried", details: ["record": "7"], at: ts("2026-03-02T00:01:00Z"))
        #expect(try await db.store.alerts(limit: 10).map(\.kind) == ["protected_record_queried", "enumeration_suspected"])
        #expect(try await db.store.alerts(limit: 1).first?.details == ["record": "7"])
    }
}

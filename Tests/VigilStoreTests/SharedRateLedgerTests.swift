import Foundation
import Testing
import VigilPostgres
@testable import VigilStore

/// The PostgreSQL store's rate ledger: one count for every instance on the database.
@Suite struct SharedRateLedgerTests {
    @Test(.enabled(if: StoreKind.postgresURL != nil, "needs VIGIL_TEST_POSTGRES_URL"))
    func twoInstancesShareOneWindowPerKey() async throws {
        let db = try await StoreHarness.make(.postgres)
        let first = try #require(db.store as? any SharedRateLedger)
        let second = try #require(try await db.secondInstance() as? any SharedRateLedger)
        let start = 1_800_000_000.0
        var admitted = 0
        for i in 0..<40 where try await (i.isMultiple(of: 2) ? first : second)
            .admit(key: "client|203.0.113.9", limit: 30, window: 60, now: start + Double(i)) == nil {
            admitted += 1
        }
        #expect(admitted == 30)
        // The 41st second: the first request (at +0) has left the window only after +60.
        let wait = try await first.admit(key: "client|203.0.113.9", limit: 30, window: 60, now: start + 41)
        #expect(wait == 19)
        #expect(try await second.admit(key: "client|203.0.113.9", limit: 30, window: 60, now: start + 60.5) == nil)
        #expect(try await first.admit(key: "client|198.51.100.4", limit: 30, window: 60, now: start + 41) == nil)
        // Occurrences add up across instances within their window.
        #expect(try await first.record(key: "miss|a", window: 600, now: start) == 1)
        #expect(try await second.record(key: "miss|a", window: 600, now: start + 1) == 2)
        #expect(try await second.record(key: "miss|a", window: 600, now: start + 700) == 1)
        // No address is stored, only keyed tokens.
        #expect(try await db.integer("SELECT CAST(count(*) AS BIGINT) FROM rate_hit WHERE key LIKE '%203.0.113%'") == 0)
    }
}

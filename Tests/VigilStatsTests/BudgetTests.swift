import Foundation
import Testing
import VigilCore
import VigilStore
@testable import VigilStats

/// The privacy-budget ledger: a release is paid for once, served again for free, and refused
/// once the period's budget would be overspent.
@Suite("Privacy budget")
struct BudgetTests {
    static let now = ts("2026-11-25T12:00:00Z")
    static let november = ReleasePeriod(iso: "2026-11")!

    func publisher(_ db: StatsStore) -> StatisticsPublisher {
        StatisticsPublisher(store: db.store, configuration: .init(epsilonPerTable: 1, budgetPerTablePerPeriod: 2))
    }

    @Test("asking again costs nothing and returns the same noise; asking past the budget is refused with what is left and when it renews")
    func ledger() async throws {
        let db = try await PrivacyTests.storeWithACellOfThree()
        let stats = publisher(db)
        var generator = SeededGenerator(seed: 1)

        let first = try await stats.release(now: Self.now, using: &generator)
        #expect(first.isNew)
        #expect(try await db.store.privacyBudgetSpent(period: Self.november) == Dictionary(uniqueKeysWithValues: TableCatalog.ids.map { ($0, 1.0) }))

        // The same question, many times: the same bytes, no further cost. Averaging learns nothing.
        for _ in 0..<5 {
            let again = try await stats.release(now: Self.now.adding(seconds: 3600), using: &generator)
            #expect(!again.isNew)
            #expect(again.release == first.release)
        }
        #expect(try await stats.release(epsilon: 1.0, now: Self.now, using: &generator).release == first.release)
        #expect(try await db.store.privacyBudgetSpent(period: Self.november)["custody_by_age_band"] == 1.0)

        // Another ε is a new release: 1 + 1.5 would pass the budget of 2.
        let refusal = await #expect(throws: PrivacyBudgetExhausted.self) {
            _ = try await stats.release(epsilon: 1.5, now: Self.now, using: &generator)
        }
        let message = try #require(refusal).description
        #expect(message.contains("custody_by_criminal_history for 2026-11"))
        #expect(message.contains("ε 1 of 2 is used and this release asks for 1.5, leaving 1"))
        #expect(message.contains("renews on 2026-12-01"))
        #expect(message.contains("ask with ε of at most 1"))
        // Refused means nothing was spent and nothing stored.
        #expect(try await db.store.privacyBudgetSpent(period: Self.november)["custody_by_criminal_history"] == 1.0)
        #expect(try await db.store.latestStatisticsRelease(period: Self.november, epsilon: nil)?.epsilon == 1.0)

        // What is left can be spent, and then nothing more.
        let second = try await stats.release(epsilon: 1.0 / 2, now: Self.now, using: &generator)
        #expect(second.isNew && second.release.privacy?.epsilonPerTable == 0.5)
        let third = try await stats.release(epsilon: 1, now: Self.now, using: &generator)
        #expect(!third.isNew && third.release == first.release, "an ε already released is served again")
        #expect(try await stats.release(now: Self.now, using: &generator).release == second.release, "the latest release is the default")
        let fourth = try await stats.release(epsilon: 0.25, now: Self.now, using: &generator)
        #expect(fourth.isNew)
        let exhausted = await #expect(throws: PrivacyBudgetExhausted.self) {
            _ = try await stats.release(epsilon: 0.3, now: Self.now, using: &generator)
        }
        #expect(exhausted?.remaining == 0.25)
        #expect(try await db.store.privacyBudgetSpent(period: Self.november)["departures_by_month_and_reason"] == 1.75)
    }

    @Test("the ledger persists: a reopened database remembers what was spent and serves the same release")
    func persists() async throws {
        let db = try await PrivacyTests.storeWithACellOfThree()
        var generator = SeededGenerator(seed: 2)
        let first = try await publisher(db).release(epsilon: 2, now: Self.now, using: &generator)
        let reopened = try SQLiteStore(path: db.path, keyring: db.keyring)
        let stats = StatisticsPublisher(store: reopened, configuration: .init(epsilonPerTable: 1, budgetPerTablePerPeriod: 2))
        let again = try await stats.release(now: Self.now, using: &generator)
        #expect(!again.isNew && again.release == first.release)
        await #expect(throws: PrivacyBudgetExhausted.self) {
            _ = try await stats.release(epsilon: 1, now: Self.now, using: &generator)
        }
    }

    @Test("next month the budget renews")
    func renews() async throws {
        let db = try await PrivacyTests.storeWithACellOfThree()
        var generator = SeededGenerator(seed: 3)
        let stats = publisher(db)
        _ = try await stats.release(epsilon: 2, now: Self.now, using: &generator)
        let december = try await stats.release(now: ts("2026-12-01T00:00:01Z"), using: &generator)
        #expect(december.isNew && december.release.period == "2026-12")
    }

    @Test("only the current month's release can be made: a past month's budget cannot buy today's data again")
    func periods() async throws {
        let db = try await PrivacyTests.storeWithACellOfThree()
        var generator = SeededGenerator(seed: 4)
        let stats = publisher(db)
        await #expect(throws: StatisticsError.noReleaseForPastPeriod(ReleasePeriod(iso: "2026-10")!, current: Self.november)) {
            _ = try await stats.release(period: ReleasePeriod(iso: "2026-10"), now: Self.now, using: &generator)
        }
        await #expect(throws: StatisticsError.futurePeriod(ReleasePeriod(iso: "2027-01")!, current: Self.november)) {
            _ = try await stats.release(period: ReleasePeriod(iso: "2027-01"), now: Self.now, using: &generator)
        }
        // A past month's release, once made, can still be read in a later month.
        let made = try await stats.release(now: Self.now, using: &generator)
        let later = try await stats.release(period: Self.november, now: ts("2027-02-01T00:00:00Z"), using: &generator)
        #expect(!later.isNew && later.release == made.release)
        await #expect(throws: StatisticsError.epsilonAboveBudget(3, budget: 2)) {
            _ = try await stats.release(epsilon: 3, now: ts("2027-02-01T00:00:00Z"), using: &generator)
        }
    }
}

extension Timestamp {
    func adding(seconds: Int64) -> Timestamp { Timestamp(secondsSinceEpoch: secondsSinceEpoch + seconds) }
}

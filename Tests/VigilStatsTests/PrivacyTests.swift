import Foundation
import Testing
import VigilCore
import VigilStore
@testable import VigilStats

/// Small cells, one person per cell, minors: what the tables must never reveal.
@Suite("What a release never reveals")
struct PrivacyTests {
    static let asOf = day("2026-11-25")
    static let now = ts("2026-11-25T12:00:00Z")
    static let period = ReleasePeriod(containing: asOf)

    /// 150 people born in Mexico and exactly 3 born in Southern Africa, all in custody.
    static func storeWithACellOfThree() async throws -> StatsStore {
        let db = try StatsStore()
        var records = (0..<150).map { person("MX-\($0)", aNumber: "A9100\(String(10_000 + $0))") }
        records += (0..<3).map { person("ZA-\($0)", aNumber: "A9200\(String(10_000 + $0))", country: "ZA") }
        try await db.apply(records)
        return db
    }

    /// A true 3 is never published, whatever the noise: small cells are withheld on their true count
    /// as well as their noisy one (see `PrivateHistogram`).
    @Test("a cell whose true count is 3 is withheld, release after release")
    func aTrueCountOfThreeIsNotPublished() async throws {
        let db = try await Self.storeWithACellOfThree()
        let snapshot = try await StatisticsSnapshot.read(from: db.store, period: Self.period, asOf: Self.asOf)
        let truth = try StatisticsPublisher.oversight(snapshot, period: Self.period, now: Self.now)
        #expect(try truth.table("custody_by_region_of_birth").cell("018").count == 3, "018 is Southern Africa")
        #expect(try truth.table("custody_by_region_of_birth").cell("013").count == 150, "013 is Central America")

        var published: [Int] = []
        for seed in 0..<500 {
            var generator = SeededGenerator(seed: UInt64(seed))
            let release = try StatisticsPublisher.publish(
                snapshot, period: Self.period, mechanism: try DiscreteLaplace(epsilon: 1), budget: 2, now: Self.now, using: &generator)
            let cell = try release.table("custody_by_region_of_birth").cell("018")
            #expect(cell.suppressed == (cell.count == nil) && cell.suppressed == (cell.share == nil))
            if let count = cell.count { published.append(count) }
            // Nor can it be recovered by subtraction: the total is the sum of the published cells only.
            let table = try release.table("custody_by_region_of_birth")
            #expect(table.total == table.cells.compactMap(\.count).reduce(0, +))
            let json = String(decoding: try release.jsonData(), as: UTF8.self)
            #expect(!json.contains("\"category\":\"018\",\"count\""))
        }
        #expect(published.isEmpty, "a true count of 3 was published in \(published.count) of 500 releases")
    }

    @Test("a person with records from two agencies is one person in custody; two releases are one departure")
    func onePersonOneCell() async throws {
        let db = try StatsStore()
        // The same A-number in custody with two agencies.
        try await db.apply([person("T-1", aNumber: "A911111111", history: .convictedViolent)], source: "TXA")
        try await db.apply([person("C-1", aNumber: "A911111111", history: .convictedViolent, at: "2026-11-02T10:00:00Z")], source: "CAB")
        // Another person released, booked again, and released again within the window.
        let aNumber = "A922222222"
        try await db.apply([
            person("R-1", aNumber: aNumber, at: "2026-03-01T10:00:00Z", booked: "2026-03-01"),
            person("R-1", aNumber: aNumber, status: .released, at: "2026-04-01T10:00:00Z", booked: "2026-03-01", reason: .bond),
            person("R-1", aNumber: aNumber, at: "2026-06-01T10:00:00Z", booked: "2026-06-01"),
            person("R-1", aNumber: aNumber, status: .released, at: "2026-07-01T10:00:00Z", booked: "2026-06-01", reason: .parole),
        ])
        let truth = try await StatisticsPublisher(store: db.store).oversightRelease(now: Self.now)
        let history = try truth.table("custody_by_criminal_history")
        #expect(history.total == 1)
        #expect(try history.cell("convicted_violent").count == 1)
        let departures = try truth.table("departures_by_month_and_reason")
        #expect(departures.total == 1)
        #expect(try departures.cell("parole", group: "2026-07").count == 1, "counted at their latest departure")
        #expect(try departures.cell("bond", group: "2026-04").count == 0)
    }

    @Test(
        "minors are one row, by Vigil's definition: under 18 at booking or today",
        arguments: [
            // age at booking, age today, band
            (17, 18, "under_18"), (0, 0, "under_18"), (17, 17, "under_18"), (18, 18, "18_24"), (24, 25, "25_34"),
            (64, 65, "65_and_over"), (90, 90, "65_and_over"),
        ] as [(Int, Int, String)]
    )
    func ageBands(atBooking: Int, today: Int, band: String) {
        #expect(AgeBand.of(ageAtBooking: atBooking, ageToday: today).rawValue == band)
    }

    @Test("an unknown date of birth is its own row, not counted with the children")
    func unknownAge() async throws {
        #expect(AgeBand.of(ageAtBooking: nil, ageToday: nil) == .unknown)
        let db = try StatsStore()
        try await db.apply([
            person("K-1", aNumber: "A933333331", birth: "2009-01-01", booked: "2026-11-01"),  // 17
            person("K-2", aNumber: "A933333332", birth: "2025-06-01", booked: "2026-11-01"),  // an infant
            person("K-3", aNumber: "A933333333", birth: nil),
            person("K-4", aNumber: "A933333334", birth: "1990-01-01"),
        ])
        let truth = try await StatisticsPublisher(store: db.store).oversightRelease(now: Self.now)
        let ages = try truth.table("custody_by_age_band")
        #expect(try ages.cell("under_18").count == 2)
        #expect(try ages.cell("unknown").count == 1)
        #expect(try ages.cell("35_44").count == 1)
        #expect(ages.definitions.map(\.category) == AgeBand.allCases.map(\.rawValue), "no finer band for children exists")
    }

    @Test("categories are declared, not taken from the data: an empty store has every category")
    func categoriesAreFixed() async throws {
        let db = try StatsStore()
        let truth = try await StatisticsPublisher(store: db.store).oversightRelease(now: Self.now)
        #expect(truth.tables.map(\.id) == TableCatalog.ids)
        #expect(try truth.table("custody_by_region_of_birth").cells.count == RegionOfBirth.all.count + 1)
        #expect(RegionOfBirth.all.count >= 20)
        #expect(try truth.table("custody_by_facility_state").cells.count == FacilityState.states.count + 2)
        #expect(try truth.table("departures_by_month_and_reason").cells.count == 12 * (ReleaseReason.allCases.count + 1))
        #expect(truth.tables.allSatisfy { $0.total == 0 })
    }
}

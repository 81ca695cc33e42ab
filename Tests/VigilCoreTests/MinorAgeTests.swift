import Testing
@testable import VigilCore

// Every person here is invented.
@Suite("isMinorOrUnknownAge")
struct MinorAgeTests {
    static func record(born: String?, booked: String) -> CustodyRecord {
        CustodyRecord(
            sourceRecordID: "R-1",
            aNumber: try? ANumber(parsing: "A012345678"),
            name: PersonName(family: "Quintanilla-Oyervide", given: "Marisel"),
            dateOfBirth: born.map(Fixture.day),
            countryOfBirth: (try? CountryCode(parsing: "GT"))!,
            criminalHistory: .none,
            protections: [],
            custody: Fixture.state(.inCustody, booked: booked))
    }

    @Test(
        "minor at booking, minor today, or unknown date of birth",
        arguments: [
            // born, booked, today, minor?
            ("2025-11-02", "2026-01-10", "2026-03-01", true),  // infant
            ("2008-03-01", "2026-01-10", "2026-03-01", true),  // 17 at booking, 18 today: still a minor
            ("2008-01-10", "2026-01-10", "2026-03-01", false),  // 18 on the booking day
            ("2008-01-11", "2026-01-10", "2026-03-01", true),  // 18 the day after booking
            ("2008-01-09", "2026-01-10", "2026-03-01", false),  // 18 the day before booking
            ("1990-05-05", "2026-01-10", "2026-03-01", false),  // adult
            ("2008-02-29", "2026-01-10", "2026-03-01", true),  // 29 Feb birthday, 17 at booking
            ("2007-02-28", "2025-02-28", "2026-03-01", false),  // 18 on the booking day
            ("2012-06-01", "2026-01-10", "2040-01-01", true),  // adult now, but a child when booked
            (nil, "2026-01-10", "2026-03-01", true),  // unknown date of birth
            ("2030-01-01", "2026-01-10", "2026-03-01", true),  // born after booking: bad data, never disclosed
        ] as [(String?, String, String, Bool)]
    )
    func minor(born: String?, booked: String, today: String, expected: Bool) {
        let record = Self.record(born: born, booked: booked)
        #expect(record.isMinorOrUnknownAge(today: Fixture.day(today)) == expected)
    }

    @Test("18 today but booked as a minor stays a minor for every later day")
    func bookedAsMinorStaysMinor() {
        let record = Self.record(born: "2008-01-11", booked: "2026-01-10")
        var today = Fixture.day("2026-01-10")
        for _ in 0..<(366 * 5) {
            #expect(record.isMinorOrUnknownAge(today: today))
            today = today.adding(days: 1)
        }
    }

    @Test("an adult at booking is a minor only if today is before their 18th birthday (bad data)")
    func todayBeforeBooking() {
        let record = Self.record(born: "2008-01-10", booked: "2026-01-10")
        #expect(record.isMinorOrUnknownAge(today: Fixture.day("2026-01-09")))
        #expect(!record.isMinorOrUnknownAge(today: Fixture.day("2026-01-10")))
    }
}

import PropertyBased
import Testing
@testable import VigilCore

@Suite("CalendarDate")
struct CalendarDateTests {
    @Test(
        "strict ISO parsing",
        arguments: [
            ("2024-02-29", (2024, 2, 29) as (Int, Int, Int)?),
            ("2026-01-01", (2026, 1, 1)),
            ("2026-12-31", (2026, 12, 31)),
            ("2000-02-29", (2000, 2, 29)),
            ("0001-01-01", (1, 1, 1)),
            ("9999-12-31", (9999, 12, 31)),
            ("2026-04-30", (2026, 4, 30)),
            ("2023-02-29", nil),
            ("1900-02-29", nil),
            ("2026-02-30", nil),
            ("2026-04-31", nil),
            ("2026-13-01", nil),
            ("2026-00-10", nil),
            ("2026-01-00", nil),
            ("2026-01-32", nil),
            ("0000-01-01", nil),
            ("2026-1-01", nil),
            ("2026-01-1", nil),
            ("26-01-01", nil),
            ("2026/01/01", nil),
            ("20260101", nil),
            ("2026-01-01 ", nil),
            (" 2026-01-01", nil),
            ("2026-01-01T00:00:00Z", nil),
            ("2026-01-01x", nil),
            ("+026-01-01", nil),
            ("2026-+1-01", nil),
            ("2026-01--1", nil),
            ("２０２６-01-01", nil),
            ("", nil),
        ]
    )
    func parsing(text: String, expected: (Int, Int, Int)?) {
        let date = CalendarDate(iso: text)
        if let (year, month, day) = expected {
            #expect(date?.year == year)
            #expect(date?.month == month)
            #expect(date?.day == day)
            #expect(date?.description == text)
        } else {
            #expect(date == nil, "\(text.debugDescription) should be rejected")
        }
    }

    @Test("component initialiser validates", arguments: [
        (2024, 2, 29, true), (2023, 2, 29, false), (2100, 2, 29, false), (2400, 2, 29, true),
        (0, 1, 1, false), (10000, 1, 1, false), (2026, 0, 1, false), (2026, 13, 1, false),
        (2026, 6, 31, false), (2026, 7, 31, true), (2026, 1, 0, false), (-5, 1, 1, false),
    ])
    func components(year: Int, month: Int, day: Int, valid: Bool) {
        #expect((CalendarDate(year: year, month: month, day: day) != nil) == valid)
    }

    @Test("description pads to YYYY-MM-DD")
    func description() {
        #expect(CalendarDate(year: 7, month: 3, day: 9)?.description == "0007-03-09")
        #expect(CalendarDate(year: 2026, month: 11, day: 30)?.description == "2026-11-30")
    }

    @Test("known day numbers", arguments: [
        ("1970-01-01", 0), ("1970-01-02", 1), ("1969-12-31", -1), ("2000-03-01", 11_017),
        ("2026-03-01", 20_513), ("0001-01-01", -719_162), ("9999-12-31", 2_932_896),
    ])
    func knownDayNumbers(text: String, dayNumber: Int) throws {
        let date = try #require(CalendarDate(iso: text))
        #expect(date.dayNumber == dayNumber)
        #expect(CalendarDate(dayNumber: dayNumber) == date)
    }

    static let dayNumbers = Gen.int(in: -719_162...2_932_896)  // 0001-01-01 ... 9999-12-31

    @Test("dayNumber round-trips through init(dayNumber:) and yields a valid date")
    func roundTrip() async {
        await propertyCheck(count: 1000, input: Self.dayNumbers) { n in
            let date = CalendarDate(dayNumber: n)
            #expect(date.dayNumber == n)
            #expect(CalendarDate(year: date.year, month: date.month, day: date.day) == date)
            #expect(CalendarDate(iso: date.description) == date)
        }
    }

    @Test("day numbers are monotonic and consecutive")
    func monotonic() async {
        await propertyCheck(count: 1000, input: Self.dayNumbers, Gen.int(in: 1...40_000)) { n, delta in
            let date = CalendarDate(dayNumber: n)
            let next = CalendarDate(dayNumber: n + 1)
            #expect(date < next)
            #expect(next.dayNumber - date.dayNumber == 1)
            #expect(date.adding(days: 1) == next)
            let later = date.adding(days: delta)
            #expect(date < later)
            #expect(later.dayNumber - date.dayNumber == delta)
            #expect(later.adding(days: -delta) == date)
        }
    }

    @Test("consecutive day numbers walk the calendar one day at a time across 2 leap cycles")
    func walk() throws {
        var date = try #require(CalendarDate(iso: "1899-12-01"))
        var n = date.dayNumber
        for _ in 0..<(366 * 8 + 200) {
            let next = CalendarDate(dayNumber: n + 1)
            let expected: CalendarDate? =
                CalendarDate(year: date.year, month: date.month, day: date.day + 1)
                ?? CalendarDate(year: date.year, month: date.month + 1, day: 1)
                ?? CalendarDate(year: date.year + 1, month: 1, day: 1)
            #expect(next == expected)
            date = next
            n += 1
        }
    }

    @Test(
        "age(on:) counts completed years",
        arguments: [
            // birth, on, age
            ("2008-06-15", "2026-06-14", 17),  // day before the 18th birthday
            ("2008-06-15", "2026-06-15", 18),  // 18th birthday
            ("2008-06-15", "2026-06-16", 18),  // day after
            ("2008-06-15", "2008-06-15", 0),
            ("2008-06-15", "2009-06-14", 0),
            ("2008-06-15", "2009-06-15", 1),
            ("2008-12-31", "2026-01-01", 17),
            ("2008-01-01", "2025-12-31", 17),
            ("2008-01-01", "2026-01-01", 18),
            // born 29 February: a year older on 1 March in common years
            ("2008-02-29", "2026-02-28", 17),
            ("2008-02-29", "2026-03-01", 18),
            ("2008-02-29", "2028-02-28", 19),
            ("2008-02-29", "2028-02-29", 20),
            ("2008-02-29", "2009-02-28", 0),
            ("2008-02-29", "2009-03-01", 1),
            // someone else born 28 February or 1 March in a leap year
            ("2008-02-28", "2026-02-28", 18),
            ("2008-03-01", "2026-02-28", 17),
            ("2008-03-01", "2026-03-01", 18),
            // before birth (bad data) is negative, so never "adult"
            ("2008-06-15", "2008-06-14", -1),
        ]
    )
    func age(birth: String, on: String, age: Int) throws {
        let dob = try #require(CalendarDate(iso: birth))
        let day = try #require(CalendarDate(iso: on))
        #expect(dob.age(on: day) == age)
    }

    @Test("age never decreases as the day moves forward")
    func ageMonotonic() async {
        await propertyCheck(
            count: 500, input: Gen.int(in: -25_000...20_000), Gen.int(in: 0...40_000), Gen.int(in: 0...400)
        ) { birth, offset, step in
            let dob = CalendarDate(dayNumber: birth)
            let a = CalendarDate(dayNumber: birth + offset)
            let b = a.adding(days: step)
            #expect(dob.age(on: a) <= dob.age(on: b))
            #expect(dob.age(on: a) >= 0)
            #expect(dob.age(on: a) <= offset / 365)
        }
    }
}

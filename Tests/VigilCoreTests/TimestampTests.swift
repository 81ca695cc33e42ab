import PropertyBased
import Testing
@testable import VigilCore

@Suite("Timestamp")
struct TimestampTests {
    /// 2026-03-01T19:05:00Z
    static let instant: Int64 = 1_772_391_900

    @Test(
        "accepted spellings of 2026-03-01T19:05:00Z",
        arguments: [
            "2026-03-01T19:05:00Z",
            "2026-03-01T19:05:00z",
            "2026-03-01t19:05:00Z",
            "2026-03-01 19:05:00Z",
            "2026-03-01T19:05Z",
            "2026-03-01T19:05:00+00:00",
            "2026-03-01T19:05:00-00:00",
            "2026-03-01T19:05:00+0000",
            "2026-03-01T19:05:00+00",
            "2026-03-01T14:05:00-05:00",
            "2026-03-01T14:05:00-0500",
            "2026-03-01T14:05:00-05",
            "2026-03-01T14:05-05:00",
            "2026-03-02T00:35:00+05:30",
            "2026-03-02T00:35:00+0530",
            "2026-03-01T13:50:00-05:15",
            "2026-03-01T19:05:00.5Z",
            "2026-03-01T19:05:00.999999999Z",
            "2026-03-01T19:05:00,25Z",
            "2026-03-01T14:05:00.123-05:00",
            "2026-03-02T13:05:00+18:00",
            "2026-03-01T01:05:00-18:00",
        ]
    )
    func accepted(text: String) throws {
        let timestamp = try #require(Timestamp(iso: text), "\(text) should parse")
        #expect(timestamp.secondsSinceEpoch == Self.instant)
        #expect(timestamp.description == "2026-03-01T19:05:00Z")
    }

    @Test("a leap second is held as :59")
    func leapSecond() throws {
        let leap = try #require(Timestamp(iso: "2016-12-31T23:59:60Z"))
        #expect(leap.description == "2016-12-31T23:59:59Z")
    }

    @Test(
        "rejected spellings",
        arguments: [
            "2026-03-01T19:05:00",  // no offset
            "2026-03-01T19:05",  // no offset
            "2026-03-01T19:05:00.5",  // no offset
            "2026-03-01",
            "2026-03-01T24:00:00Z",  // invalid hour
            "2026-03-01T25:05:00Z",
            "2026-03-01T19:60:00Z",
            "2026-03-01T19:05:61Z",
            "2026-03-01T19:05:0Z",
            "2026-03-01T9:05:00Z",
            "2026-03-01T19-05-00Z",
            "2026-03-01X19:05:00Z",
            "2026-02-30T19:05:00Z",  // not a day
            "2026-3-01T19:05:00ZZ",
            "2026-03-01T19:05:00.Z",  // empty fraction
            "2026-03-01T19:05.5Z",  // fraction without seconds
            "2026-03-01T19:05:00ZX",
            "2026-03-01T19:05:00 Z",
            "2026-03-01T19:05:00+5",
            "2026-03-01T19:05:00+05:3",
            "2026-03-01T19:05:00+05:300",
            "2026-03-01T19:05:00+05-30",
            "2026-03-01T19:05:00+053",
            "2026-03-01T19:05:00+05:60",
            "2026-03-01T19:05:00+19:00",
            "2026-03-01T19:05:00+AB:CD",
            "2026-03-01T19:05:00UTC",
            "2026-03-01T19:05:00+",
            "",
        ]
    )
    func rejected(text: String) {
        #expect(Timestamp(iso: text) == nil, "\(text) should be rejected")
    }

    @Test("description is RFC 3339 in UTC, also before the epoch", arguments: [
        (0 as Int64, "1970-01-01T00:00:00Z"),
        (-1, "1969-12-31T23:59:59Z"),
        (-86_400, "1969-12-31T00:00:00Z"),
        (-86_401, "1969-12-30T23:59:59Z"),
        (86_399, "1970-01-01T23:59:59Z"),
        (951_782_400, "2000-02-29T00:00:00Z"),
        (instant, "2026-03-01T19:05:00Z"),
    ])
    func description(seconds: Int64, text: String) throws {
        let t = Timestamp(secondsSinceEpoch: seconds)
        #expect(t.description == text)
        #expect(Timestamp(iso: text) == t)
        #expect(t.utcDate == CalendarDate(iso: String(text.prefix(10))))
    }

    @Test("ordering follows the instant, not the local clock reading")
    func ordering() throws {
        let newYork = try #require(Timestamp(iso: "2026-03-01T10:00:00-05:00"))  // 15:00Z
        let delhi = try #require(Timestamp(iso: "2026-03-01T12:00:00+05:30"))  // 06:30Z
        #expect(delhi < newYork)
        #expect(!(newYork < delhi))
        #expect(newYork.secondsSinceEpoch - delhi.secondsSinceEpoch == 8 * 3600 + 30 * 60)
    }

    /// Writes `seconds` as local time at `offsetMinutes` east of UTC.
    static func spell(_ seconds: Int64, offsetMinutes: Int, style: Int) -> String {
        let local = seconds + Int64(offsetMinutes * 60)
        let day = Int((local - ((local % 86_400) + 86_400) % 86_400) / 86_400)
        let secondOfDay = Int(((local % 86_400) + 86_400) % 86_400)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let clock = "\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60))"
        let sign = offsetMinutes < 0 ? "-" : "+"
        let h = two(abs(offsetMinutes) / 60), m = two(abs(offsetMinutes) % 60)
        let offset: String
        switch style {
        case 0: offset = offsetMinutes == 0 ? "Z" : "\(sign)\(h):\(m)"
        case 1: offset = "\(sign)\(h)\(m)"
        default: offset = "\(sign)\(h):\(m)"
        }
        return "\(CalendarDate(dayNumber: day))T\(clock)\(style == 2 ? ".250" : "")\(offset)"
    }

    static let seconds = Gen.int64(in: -2_208_988_800...4_102_444_800)  // 1900 ... 2100
    static let offsets = Gen.int(in: -18 * 4...18 * 4).map { $0 * 15 }  // quarter hours within ±18:00

    @Test("two spellings of the same instant in different offsets compare equal")
    func sameInstantDifferentOffsets() async {
        await propertyCheck(
            count: 500, input: Self.seconds, Self.offsets, Self.offsets, Gen.int(in: 0...2)
        ) { seconds, a, b, style in
            let first = Self.spell(seconds, offsetMinutes: a, style: style)
            let second = Self.spell(seconds, offsetMinutes: b, style: 2 - style)
            let x = Timestamp(iso: first)
            let y = Timestamp(iso: second)
            #expect(x != nil, "\(first)")
            #expect(x == y, "\(first) vs \(second)")
            #expect(x?.secondsSinceEpoch == seconds)
            #expect(x?.description == y?.description)
        }
    }

    @Test("description parses back to the same instant, ends in Z and orders like the instant")
    func descriptionRoundTrip() async {
        await propertyCheck(count: 500, input: Self.seconds, Self.seconds) { a, b in
            let x = Timestamp(secondsSinceEpoch: a), y = Timestamp(secondsSinceEpoch: b)
            #expect(Timestamp(iso: x.description) == x)
            #expect(x.description.hasSuffix("Z"))
            #expect(x.description.count == 20)
            #expect((x < y) == (a < b))
            // Fixed-width UTC text sorts like the instant.
            #expect((x.description < y.description) == (a < b))
        }
    }
}

/// An instant with a UTC offset, as feeds send `status_date` (`2026-03-01T14:05:00-05:00`).
///
/// Held as whole seconds since the Unix epoch, which is the precision custody feeds carry;
/// fractional seconds are accepted and dropped. An offset is required: a bare local time
/// is ambiguous and would put events in the wrong order across time zones.
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let secondsSinceEpoch: Int64

    public init(secondsSinceEpoch: Int64) { self.secondsSinceEpoch = secondsSinceEpoch }

    /// Parses `YYYY-MM-DDTHH:MM[:SS[.fraction]](Z|±HH:MM|±HHMM)`; `t` and a space are accepted for `T`.
    public init?(iso text: some StringProtocol) {
        let b = Array(text.utf8)
        guard b.count >= 17, let date = CalendarDate(iso: String(decoding: b[0..<10], as: UTF8.self)),
              b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t") || b[10] == UInt8(ascii: " "),
              b[13] == UInt8(ascii: ":"),
              let hour = CalendarDate.number(b[11..<13]), hour < 24,
              let minute = CalendarDate.number(b[14..<16]), minute < 60 else { return nil }
        var i = 16
        var second = 0
        if i < b.count, b[i] == UInt8(ascii: ":") {
            guard i + 3 <= b.count, let s = CalendarDate.number(b[(i + 1)..<(i + 3)]), s < 61 else { return nil }
            second = min(s, 59)  // a leap second is held as :59
            i += 3
            if i < b.count, b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: ",") {
                i += 1
                let start = i
                while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { i += 1 }
                guard i > start else { return nil }
            }
        }
        guard i < b.count else { return nil }  // the offset is required
        var offsetSeconds = 0
        switch b[i] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            guard i + 1 == b.count else { return nil }
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            let sign = b[i] == UInt8(ascii: "-") ? -1 : 1
            let rest = b[(i + 1)...]
            let hh: Int?, mm: Int?
            if rest.count == 5, rest[rest.startIndex + 2] == UInt8(ascii: ":") {
                hh = CalendarDate.number(rest.prefix(2)); mm = CalendarDate.number(rest.suffix(2))
            } else if rest.count == 4 {
                hh = CalendarDate.number(rest.prefix(2)); mm = CalendarDate.number(rest.suffix(2))
            } else if rest.count == 2 {
                hh = CalendarDate.number(rest); mm = 0
            } else { return nil }
            guard let oh = hh, let om = mm, oh <= 18, om < 60 else { return nil }
            offsetSeconds = sign * (oh * 3600 + om * 60)
        default:
            return nil
        }
        let local = Int64(date.dayNumber) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        secondsSinceEpoch = local - Int64(offsetSeconds)
    }

    /// The UTC calendar day this instant falls on.
    public var utcDate: CalendarDate {
        CalendarDate(dayNumber: Int((secondsSinceEpoch - (secondsSinceEpoch % 86_400 + 86_400) % 86_400) / 86_400))
    }

    /// RFC 3339 in UTC, e.g. `2026-03-01T19:05:00Z`.
    public var description: String {
        let seconds = (secondsSinceEpoch % 86_400 + 86_400) % 86_400
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(utcDate)T\(two(seconds / 3600)):\(two(seconds / 60 % 60)):\(two(seconds % 60))Z"
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.secondsSinceEpoch < rhs.secondsSinceEpoch }
}

extension Timestamp: Codable {
    /// Encoded as RFC 3339 in UTC, the form every Vigil output uses.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = Timestamp(iso: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an RFC 3339 date-time"))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

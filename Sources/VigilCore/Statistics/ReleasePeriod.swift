/// A calendar month (UTC), the period over which statistics are released and privacy budget is
/// accounted: each table may spend at most its budget within one period, and the budget renews
/// on the first day of the next.
///
/// Written `YYYY-MM`, the form the CLI takes and the ledger stores.
public struct ReleasePeriod: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int

    public init?(year: Int, month: Int) {
        guard (1...9999).contains(year), (1...12).contains(month) else { return nil }
        self.year = year
        self.month = month
    }

    /// Parses exactly `YYYY-MM`.
    public init?(iso text: some StringProtocol) {
        let bytes = Array(text.utf8)
        guard bytes.count == 7, bytes[4] == UInt8(ascii: "-"),
              let year = CalendarDate.number(bytes[0..<4]), let month = CalendarDate.number(bytes[5..<7]) else { return nil }
        self.init(year: year, month: month)
    }

    /// The period the day falls in.
    public init(containing date: CalendarDate) {
        year = date.year
        month = date.month
    }

    public var firstDay: CalendarDate { CalendarDate(dayNumber: Self.dayNumber(year: year, month: month)) }

    /// The period `months` after this one (before it, when negative).
    public func adding(months: Int) -> ReleasePeriod {
        let index = year * 12 + (month - 1) + months
        return ReleasePeriod(uncheckedYear: index / 12, month: index % 12 + 1)
    }

    /// When this period's budget renews: the first day of the next period.
    public var renewsOn: CalendarDate { adding(months: 1).firstDay }

    public func contains(_ date: CalendarDate) -> Bool { date.year == year && date.month == month }

    public var description: String {
        let y = String(year), m = String(month)
        return String(repeating: "0", count: max(0, 4 - y.count)) + y + "-" + (m.count < 2 ? "0" : "") + m
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { (lhs.year, lhs.month) < (rhs.year, rhs.month) }

    private init(uncheckedYear: Int, month: Int) {
        year = uncheckedYear
        self.month = month
    }

    private static func dayNumber(year: Int, month: Int) -> Int {
        // The first of any month is a valid date; build it through CalendarDate's arithmetic.
        CalendarDate(year: year, month: month, day: 1)?.dayNumber ?? 0
    }
}

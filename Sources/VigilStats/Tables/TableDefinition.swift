import VigilCore

/// A declared table: what it counts, in which fixed categories, and what its numbers are of.
///
/// Categories are fixed in advance and do not depend on the data: a category that appeared only
/// when someone fell into it would itself tell that someone had. Empty categories are released
/// like any other (their noisy counts are almost always withheld).
public struct TableDefinition: Sendable {
    public var id: String
    public var title: String
    public var population: String
    public var denominator: String
    public var categoryHeading: String
    public var groupHeading: String?
    public var categories: [Category]
    /// The rows of a two-way table (months); empty for a one-way table.
    public var groups: [Group]
    /// Which fact of a person decides their cell.
    var dimension: Dimension

    enum Dimension: Sendable {
        case criminalHistory
        case ageBand
        case regionOfBirth
        case facilityState
        /// Month and reason of the person's latest departure, in the months from `first` on.
        case departures(first: ReleasePeriod)
    }

    public struct Category: Sendable, Equatable {
        public var key: String
        public var label: String
        public var definition: String
    }

    /// A row of a two-way table: a month, `YYYY-MM`.
    public struct Group: Sendable, Equatable {
        public var key: String
    }

    /// How many cells the table has: categories × groups, group-major.
    public var cellCount: Int { categories.count * max(1, groups.count) }

    /// The index of a cell in the flattened, group-major order.
    public func cellIndex(group: Int = 0, category: Int) -> Int { group * categories.count + category }
}

import VigilCore
import VigilStore

/// What the store holds, read once for a release: every table is counted from the same snapshot,
/// so the tables agree with each other about who was in custody.
public struct StatisticsSnapshot: Sendable {
    public var asOf: CalendarDate
    public var custody: [CustodyStatisticsRow]
    public var departures: [DepartureEventRow]

    public init(asOf: CalendarDate, custody: [CustodyStatisticsRow], departures: [DepartureEventRow]) {
        self.asOf = asOf
        self.custody = custody
        self.departures = departures
    }

    /// Reads what the tables of `period` need, as of `asOf`.
    public static func read(from store: some StatisticsStore, period: ReleasePeriod, asOf: CalendarDate) async throws -> Self {
        let first = period.adding(months: -(TableCatalog.departureMonths - 1))
        return Self(
            asOf: asOf,
            custody: try await store.custodyStatistics(today: asOf),
            departures: try await store.departureEvents(
                from: Timestamp(secondsSinceEpoch: Int64(first.firstDay.dayNumber) * 86_400),
                before: Timestamp(secondsSinceEpoch: Int64(period.renewsOn.dayNumber) * 86_400))
        )
    }
}

/// The true count of every cell of a table, in the table's group-major order.
///
/// These numbers are the secret the release protects: they leave this module only through the
/// noise of ``PrivateHistogram``, or as an oversight release that says it is not for publication.
enum TrueCounts {
    static func of(_ table: TableDefinition, in snapshot: StatisticsSnapshot) -> [Int] {
        var counts = [Int](repeating: 0, count: table.cellCount)
        let index = Dictionary(uniqueKeysWithValues: table.categories.enumerated().map { ($0.element.key, $0.offset) })
        func add(_ key: String, group: Int = 0) {
            // Every key a classifier returns is declared; a missing one would be a bug, never a new cell.
            guard let category = index[key] else { return }
            counts[table.cellIndex(group: group, category: category)] += 1
        }
        switch table.dimension {
        case .criminalHistory:
            for row in snapshot.custody { add(row.criminalHistory.rawValue) }
        case .ageBand:
            for row in snapshot.custody { add(AgeBand.of(ageAtBooking: row.ageAtBooking, ageToday: row.ageToday).rawValue) }
        case .regionOfBirth:
            let classifier = RegionOfBirth.Classifier()
            for row in snapshot.custody { add(classifier.key(alpha2: row.countryOfBirth)) }
        case .facilityState:
            for row in snapshot.custody { add(FacilityState.key(row.facilityState)) }
        case .departures(let first):
            for event in latestPerPerson(snapshot.departures) {
                let month = ReleasePeriod(containing: event.occurredAt.utcDate)
                let group = (month.year * 12 + month.month) - (first.year * 12 + first.month)
                guard (0..<table.groups.count).contains(group) else { continue }
                add(DepartureReason.key(event), group: group)
            }
        }
        return counts
    }

    /// Each person's most recent departure: one person, one cell, so the sensitivity stays 1.
    /// Ties (two events at the same second) go to the later key, so the choice never depends on row order.
    static func latestPerPerson(_ events: [DepartureEventRow]) -> [DepartureEventRow] {
        var latest: [Int64: DepartureEventRow] = [:]
        for event in events {
            if let kept = latest[event.personID],
               (kept.occurredAt, DepartureReason.key(kept)) >= (event.occurredAt, DepartureReason.key(event)) { continue }
            latest[event.personID] = event
        }
        return Array(latest.values)
    }
}

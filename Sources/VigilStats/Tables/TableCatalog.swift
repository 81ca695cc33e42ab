import VigilCore

/// The fixed, declared set of published tables. Nothing else is ever published: there is no
/// query language, so no one can ask for the narrow cross-tabulation that would single a person out.
///
/// Four tables count the people in custody on the release date, one way each (criminal history,
/// age band, region of birth, facility state); one counts the people who left custody over the
/// twelve months up to the release, by month and reason. Each person is in exactly one cell of
/// each table, which is what lets one table's noise be calibrated to a sensitivity of 1.
public enum TableCatalog {
    /// The ledger keys of the tables, in publication order.
    public static let ids = [
        "custody_by_criminal_history", "custody_by_age_band", "custody_by_region_of_birth",
        "custody_by_facility_state", "departures_by_month_and_reason",
    ]

    /// How many months the departures table covers, the release's own month included.
    public static let departureMonths = 12

    public static func tables(period: ReleasePeriod, asOf: CalendarDate) -> [TableDefinition] {
        let custodyPopulation = "People in custody on \(asOf), each counted once: a person with records from several "
            + "agencies is counted by their most recent record."
        let custodyDenominator = "Everyone in custody on \(asOf) who is in a published category. Categories withheld "
            + "for having fewer than \(PrivateHistogram.suppressionThreshold) people are left out of the total and of every share, "
            + "so the shares add up to 100%."
        return [
            TableDefinition(
                id: ids[0], title: "People in custody by criminal-history category",
                population: custodyPopulation, denominator: custodyDenominator,
                categoryHeading: "Criminal-history category", groupHeading: nil,
                categories: CriminalHistory.allCases.map { history in
                    .init(key: history.rawValue, label: criminalHistoryLabel(history), definition: history.definition)
                },
                groups: [], dimension: .criminalHistory),
            TableDefinition(
                id: ids[1], title: "People in custody by age",
                population: custodyPopulation, denominator: custodyDenominator,
                categoryHeading: "Age", groupHeading: nil,
                categories: AgeBand.allCases.map { .init(key: $0.rawValue, label: $0.label, definition: $0.definition) },
                groups: [], dimension: .ageBand),
            TableDefinition(
                id: ids[2], title: "People in custody by region of birth",
                population: custodyPopulation + " Region of birth is where a person was born: it says nothing of "
                    + "citizenship, immigration status or conduct.",
                denominator: custodyDenominator,
                categoryHeading: "Region of birth (UN M49 sub-region)", groupHeading: nil,
                categories: RegionOfBirth.categories, groups: [], dimension: .regionOfBirth),
            TableDefinition(
                id: ids[3], title: "People in custody by the state where they are held",
                population: custodyPopulation, denominator: custodyDenominator,
                categoryHeading: "State of the facility", groupHeading: nil,
                categories: FacilityState.categories, groups: [], dimension: .facilityState),
            departures(period: period, asOf: asOf),
        ]
    }

    private static func departures(period: ReleasePeriod, asOf: CalendarDate) -> TableDefinition {
        let first = period.adding(months: -(departureMonths - 1))
        // The release's own month is counted up to the release date; the population text says so.
        let groups = (0..<departureMonths).map { TableDefinition.Group(key: first.adding(months: $0).description) }
        return TableDefinition(
            id: ids[4], title: "Releases and removals by month and reason",
            population: "People who were released from custody or removed between \(first.firstDay) and \(asOf), "
                + "each counted once, in the month (UTC) and for the reason of their most recent release or removal "
                + "in that time. Someone released twice is one person, not two releases.",
            denominator: "Everyone released or removed in those months who is in a published cell. Cells withheld "
                + "for having fewer than \(PrivateHistogram.suppressionThreshold) people are left out of the total and of every share.",
            categoryHeading: "Reason", groupHeading: "Month",
            categories: DepartureReason.categories, groups: groups, dimension: .departures(first: first))
    }

    /// Plain words, defined below every table. No label calls anyone by their immigration status.
    static func criminalHistoryLabel(_ history: CriminalHistory) -> String {
        switch history {
        case .none: "No criminal charge or conviction"
        case .pendingCharges: "Charged, not convicted"
        case .convictedNonviolent: "Convicted, no violent offence"
        case .convictedViolent: "Convicted of a violent offence"
        case .unknown: "Not reported by the agency"
        }
    }

    private static let months = [
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ]

    static func monthName(_ period: ReleasePeriod) -> String { "\(months[period.month - 1]) \(period.year)" }
}

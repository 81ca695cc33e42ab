/// Age bands for people in custody.
///
/// Minors are one row, never broken down (a row of infants would be a handful of identifiable
/// children). "Minor" is Vigil's definition everywhere: under 18 on the booking date *or* on the
/// release date, so a person booked as a child is counted with the children even after turning 18.
/// An unknown date of birth is its own row rather than being merged with the minors: the
/// disclosure policy treats the two alike, but a statistic that added them up would overstate
/// the number of children.
enum AgeBand: String, CaseIterable, Sendable {
    case under18 = "under_18"
    case from18to24 = "18_24"
    case from25to34 = "25_34"
    case from35to44 = "35_44"
    case from45to54 = "45_54"
    case from55to64 = "55_64"
    case from65 = "65_and_over"
    case unknown = "unknown"

    static func of(ageAtBooking: Int?, ageToday: Int?) -> AgeBand {
        guard let ageToday, let ageAtBooking else { return .unknown }
        if ageAtBooking < 18 || ageToday < 18 { return .under18 }
        switch ageToday {
        case ..<25: return .from18to24
        case ..<35: return .from25to34
        case ..<45: return .from35to44
        case ..<55: return .from45to54
        case ..<65: return .from55to64
        default: return .from65
        }
    }

    var label: String {
        switch self {
        case .under18: "Under 18 (all minors, one row)"
        case .from18to24: "18 to 24"
        case .from25to34: "25 to 34"
        case .from35to44: "35 to 44"
        case .from45to54: "45 to 54"
        case .from55to64: "55 to 64"
        case .from65: "65 and over"
        case .unknown: "Date of birth not known"
        }
    }

    var definition: String {
        switch self {
        case .under18:
            "under 18 on the day of booking or on the release date; children are never shown by finer age"
        case .unknown:
            "the custody agency did not give a date of birth"
        default:
            "completed years of age on the release date, and 18 or over when booked"
        }
    }
}

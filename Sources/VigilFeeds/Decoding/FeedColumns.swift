/// The column names of feed v1 and of the facilities file. They are a public contract:
/// agencies' export scripts write them.
public enum FeedColumn: String, CaseIterable, Sendable {
    case sourceRecordID = "source_record_id"
    case aNumber = "a_number"
    case familyName = "family_name"
    case givenName = "given_name"
    case dateOfBirth = "date_of_birth"
    case countryOfBirth = "country_of_birth"
    case bookingDate = "booking_date"
    case status
    case statusDate = "status_date"
    case facilityCode = "facility_code"
    case releaseReason = "release_reason"
    case criminalHistory = "criminal_history"
    case protections

    /// Columns a header must have. `a_number`, `date_of_birth`, `facility_code`, `release_reason` and
    /// `protections` may be absent from the header; each row then treats them as empty.
    public static let required: [FeedColumn] = [
        .sourceRecordID, .familyName, .givenName, .countryOfBirth, .bookingDate, .status, .statusDate,
        .criminalHistory,
    ]

    public static var names: [String] { allCases.map(\.rawValue) }
}

public enum FacilityColumn: String, CaseIterable, Sendable {
    case code, name, address, city, state
    case postalCode = "postal_code"
    case phone
    case visitingInfo = "visiting_info"

    public static let required: [FacilityColumn] = [.code, .name]
    public static var names: [String] { allCases.map(\.rawValue) }
}

/// A header that cannot be imported at all: a required column is missing.
public struct FeedSchemaError: Error, Equatable, Sendable, CustomStringConvertible {
    public let path: String
    public let missingColumns: [String]

    public var description: String {
        let file = path.split(separator: "/").last.map(String.init) ?? path
        return "\(file): the header lacks required column(s) \(missingColumns.joined(separator: ", ")); "
            + "feed v1 needs \(FeedColumn.required.map(\.rawValue).joined(separator: ", "))"
    }
}

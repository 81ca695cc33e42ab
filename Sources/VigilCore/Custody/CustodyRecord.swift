/// One custody record as an agency's feed describes it, validated and normalised.
///
/// The record is keyed by `(source, sourceRecordID)`; the person it concerns is identified by
/// A-number when there is one. Everything here that identifies a person (`aNumber`, `name`,
/// `dateOfBirth`) is encrypted before it is stored.
public struct CustodyRecord: Hashable, Sendable {
    public var sourceRecordID: String
    public var aNumber: ANumber?
    public var name: PersonName
    /// `nil` means unknown, and an unknown date of birth is treated like a minor's: never disclosed.
    public var dateOfBirth: CalendarDate?
    public var countryOfBirth: CountryCode
    public var criminalHistory: CriminalHistory
    public var protections: Set<Protection>
    public var custody: CustodyState

    public init(
        sourceRecordID: String, aNumber: ANumber?, name: PersonName, dateOfBirth: CalendarDate?,
        countryOfBirth: CountryCode, criminalHistory: CriminalHistory, protections: Set<Protection>,
        custody: CustodyState
    ) {
        self.sourceRecordID = sourceRecordID
        self.aNumber = aNumber
        self.name = name
        self.dateOfBirth = dateOfBirth
        self.countryOfBirth = countryOfBirth
        self.criminalHistory = criminalHistory
        self.protections = protections
        self.custody = custody
    }

    /// Whether the person was under 18 when booked or is under 18 on `today`, or has no known
    /// date of birth. Such a record is never disclosed below the agency tier.
    public func isMinorOrUnknownAge(today: CalendarDate) -> Bool {
        guard let dateOfBirth else { return true }
        return dateOfBirth.age(on: custody.bookingDate) < 18 || dateOfBirth.age(on: today) < 18
    }
}

/// The custody facts that change over time and from which events are derived.
public struct CustodyState: Hashable, Sendable {
    public var status: CustodyStatus
    public var statusDate: Timestamp
    public var bookingDate: CalendarDate
    public var facilityCode: String?
    public var releaseReason: ReleaseReason?

    public init(
        status: CustodyStatus, statusDate: Timestamp, bookingDate: CalendarDate,
        facilityCode: String?, releaseReason: ReleaseReason?
    ) {
        self.status = status
        self.statusDate = statusDate
        self.bookingDate = bookingDate
        self.facilityCode = facilityCode
        self.releaseReason = releaseReason
    }
}

import VigilCore

/// Turns raw feed rows into validated ``CustodyRecord``s, or into a ``RowProblem`` that names the
/// line, the column and what is wrong. Values never appear in a problem's reason: they are personal data.
///
/// Column positions are resolved once from the header, so decoding a row is index arithmetic.
public struct CustodyRowDecoder: Sendable {
    private let index: [FeedColumn: Int]
    /// Header columns that are not part of feed v1. They are not stored (data minimisation).
    public let unknownColumns: [String]

    public init(columns: [String], path: String) throws(FeedSchemaError) {
        var index: [FeedColumn: Int] = [:]
        var unknown: [String] = []
        for (position, name) in columns.enumerated() {
            if let column = FeedColumn(rawValue: name) { index[column] = position } else { unknown.append(name) }
        }
        let missing = FeedColumn.required.filter { index[$0] == nil }.map(\.rawValue)
        guard missing.isEmpty else { throw FeedSchemaError(path: path, missingColumns: missing) }
        self.index = index
        unknownColumns = unknown
    }

    public func decode(_ row: RawRow) -> Result<CustodyRecord, RowProblem> {
        if let problem = row.problem { return .failure(problem) }
        let line = row.line
        func value(_ column: FeedColumn) -> String {
            guard let position = index[column], position < row.values.count, let text = row.values[position] else {
                return ""
            }
            return text.trimmingASCIIWhitespace()
        }
        func problem(_ column: FeedColumn, _ reason: String) -> Result<CustodyRecord, RowProblem> {
            .failure(RowProblem(line: line, column: column.rawValue, reason: reason))
        }
        func required(_ column: FeedColumn) -> String? {
            let text = value(column)
            return text.isEmpty ? nil : text
        }

        guard let sourceRecordID = required(.sourceRecordID) else { return problem(.sourceRecordID, "is required") }
        guard let family = required(.familyName) else { return problem(.familyName, "is required") }
        guard let given = required(.givenName) else { return problem(.givenName, "is required") }

        var aNumber: ANumber?
        let aNumberText = value(.aNumber)
        if !aNumberText.isEmpty {
            do { aNumber = try ANumber(parsing: aNumberText) } catch { return problem(.aNumber, error.description) }
        }
        var dateOfBirth: CalendarDate?
        let birthText = value(.dateOfBirth)
        if !birthText.isEmpty {
            guard let date = CalendarDate(iso: birthText) else {
                return problem(.dateOfBirth, "is not a date: expected YYYY-MM-DD, or empty when unknown")
            }
            dateOfBirth = date
        }
        if aNumber == nil && dateOfBirth == nil {
            return problem(.aNumber, "a person needs an a_number, or a date_of_birth with the names, to be identified")
        }
        guard let countryText = required(.countryOfBirth) else { return problem(.countryOfBirth, "is required") }
        let country: CountryCode
        do { country = try CountryCode(parsing: countryText) } catch { return problem(.countryOfBirth, error.description) }

        guard let bookingText = required(.bookingDate) else { return problem(.bookingDate, "is required") }
        guard let bookingDate = CalendarDate(iso: bookingText) else {
            return problem(.bookingDate, "is not a date: expected YYYY-MM-DD")
        }
        if let dateOfBirth, dateOfBirth > bookingDate {
            return problem(.dateOfBirth, "is after booking_date")
        }
        guard let status = CustodyStatus(rawValue: value(.status).lowercased()) else {
            return problem(.status, "must be one of \(CustodyStatus.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let statusText = required(.statusDate) else { return problem(.statusDate, "is required") }
        guard let statusDate = Timestamp(iso: statusText) else {
            return problem(.statusDate, "is not an ISO 8601 date-time with a UTC offset, e.g. 2026-03-01T14:05:00-05:00")
        }
        if statusDate.utcDate < bookingDate.adding(days: -1) {
            // One day of slack: a booking date is local, the status time is an instant.
            return problem(.statusDate, "is before booking_date")
        }

        let facilityText = value(.facilityCode)
        let facility: String? = facilityText.isEmpty ? nil : facilityText
        if status == .inCustody && facility == nil { return problem(.facilityCode, "is required when status is in_custody") }

        var releaseReason: ReleaseReason?
        let reasonText = value(.releaseReason)
        if !reasonText.isEmpty {
            guard status == .released else { return problem(.releaseReason, "is only allowed when status is released") }
            guard let reason = ReleaseReason(rawValue: reasonText.lowercased()) else {
                return problem(.releaseReason, "must be one of \(ReleaseReason.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            releaseReason = reason
        } else if status == .released {
            return problem(.releaseReason, "is required when status is released")
        }

        guard let history = CriminalHistory(rawValue: value(.criminalHistory).lowercased()) else {
            return problem(.criminalHistory, "must be one of \(CriminalHistory.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let protections: Set<Protection>
        switch Protection.parseList(value(.protections)) {
        case .success(let set): protections = set
        case .failure:
            return problem(.protections, "lists an unknown protection; allowed: \(Protection.allCases.map(\.rawValue).joined(separator: ", "))")
        }

        return .success(
            CustodyRecord(
                sourceRecordID: sourceRecordID, aNumber: aNumber, name: PersonName(family: family, given: given),
                dateOfBirth: dateOfBirth, countryOfBirth: country, criminalHistory: history, protections: protections,
                custody: CustodyState(
                    status: status, statusDate: statusDate, bookingDate: bookingDate, facilityCode: facility,
                    releaseReason: releaseReason
                )
            )
        )
    }
}

extension String {
    func trimmingASCIIWhitespace() -> String {
        let utf8 = self.utf8
        guard let first = utf8.first, let last = utf8.last,
              first == 0x20 || first == 0x09 || last == 0x20 || last == 0x09 else { return self }
        return String(self.drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}

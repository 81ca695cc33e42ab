/// Whether two custody records of one person contradict each other.
///
/// Custody moves from agency to agency and in and out, so different statuses are not by themselves
/// a contradiction: a release followed by a later booking elsewhere is a sequence. Two records
/// conflict when they describe the same time differently: both in custody at different facilities,
/// or different statuses where neither record's custody ended before the other's began.
public enum CustodyConflict {
    public static func between(_ a: CustodyState, _ b: CustodyState) -> Bool {
        if a.status == b.status {
            return a.status == .inCustody && a.facilityCode != b.facilityCode
        }
        return !(follows(b, after: a) || follows(a, after: b))
    }

    /// `later` began after `earlier` ended (a booking on or after the day of a release, removal or escape).
    private static func follows(_ later: CustodyState, after earlier: CustodyState) -> Bool {
        earlier.status != .inCustody && later.bookingDate >= earlier.statusDate.utcDate
    }
}

/// How alike two people's identities are, for proposing (never making) a link between records
/// that have no A-number in common.
///
/// Score in 0…1: 0.6 × Jaccard overlap of all normalised name tokens, 0.3 for the same date of
/// birth, 0.1 for the same country of birth. A proposal needs ``proposalThreshold``; a reviewer decides.
public enum IdentityMatch {
    public static let proposalThreshold = 0.75

    public static func score(
        _ a: PersonName, _ aBirth: CalendarDate?, _ aCountry: CountryCode,
        _ b: PersonName, _ bBirth: CalendarDate?, _ bCountry: CountryCode
    ) -> Double {
        let left = Set(a.familyTokens + a.givenTokens), right = Set(b.familyTokens + b.givenTokens)
        let union = left.union(right)
        let names = union.isEmpty ? 0 : Double(left.intersection(right).count) / Double(union.count)
        let birth = aBirth != nil && aBirth == bBirth ? 1.0 : 0.0
        let country = aCountry == bCountry ? 1.0 : 0.0
        return 0.6 * names + 0.3 * birth + 0.1 * country
    }
}

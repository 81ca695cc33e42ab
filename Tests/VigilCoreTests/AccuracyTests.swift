import Testing
@testable import VigilCore

@Suite struct CustodyConflictTests {
    func state(_ status: CustodyStatus, _ statusDate: String, booked: String, facility: String? = nil) -> CustodyState {
        CustodyState(status: status, statusDate: Timestamp(iso: statusDate)!, bookingDate: CalendarDate(iso: booked)!,
                     facilityCode: facility, releaseReason: status == .released ? .other : nil)
    }

    @Test func twoSourcesDisagreeingAboutTheSameTimeConflict() {
        let heldHere = state(.inCustody, "2026-11-01T10:00:00Z", booked: "2026-11-01", facility: "FAC001")
        #expect(CustodyConflict.between(heldHere, state(.inCustody, "2026-11-02T10:00:00Z", booked: "2026-11-02", facility: "FAC009")))
        #expect(CustodyConflict.between(heldHere, state(.released, "2026-11-03T10:00:00Z", booked: "2026-10-20")))
        #expect(!CustodyConflict.between(heldHere, state(.inCustody, "2026-11-02T10:00:00Z", booked: "2026-11-01", facility: "FAC001")))
    }

    @Test func aReleaseFollowedByALaterBookingIsASequenceNotAConflict() {
        let released = state(.released, "2026-10-15T10:00:00Z", booked: "2026-09-01")
        let bookedLater = state(.inCustody, "2026-11-01T10:00:00Z", booked: "2026-11-01", facility: "FAC003")
        #expect(!CustodyConflict.between(released, bookedLater))
        #expect(!CustodyConflict.between(bookedLater, released))
    }
}

@Suite struct IdentityMatchTests {
    let mx = try! CountryCode(parsing: "MX")
    let gt = try! CountryCode(parsing: "GT")

    @Test func theSamePersonSpelledTwoWaysScoresAboveTheThresholdAndAStrangerBelow() {
        let a = PersonName(family: "García-Velandro", given: "Mirel")
        let b = PersonName(family: "GARCIA VELANDRO", given: "Mirel")
        let birth = CalendarDate(iso: "1984-05-02")
        #expect(abs(IdentityMatch.score(a, birth, mx, b, birth, mx) - 1.0) < 1e-9)
        let stranger = PersonName(family: "Tovrelin", given: "Asku")
        #expect(IdentityMatch.score(a, birth, mx, stranger, birth, mx) < IdentityMatch.proposalThreshold)
        #expect(IdentityMatch.score(a, birth, mx, b, CalendarDate(iso: "1990-01-01"), gt) < IdentityMatch.proposalThreshold)
    }
}

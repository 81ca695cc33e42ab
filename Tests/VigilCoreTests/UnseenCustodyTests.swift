import Testing
@testable import VigilCore

/// Custody that happened between two feeds must still reach the victims who follow the person.
@Suite struct UnseenCustodyTests {
    func state(_ status: CustodyStatus, _ at: String, booked: String, facility: String? = nil, reason: ReleaseReason? = nil) -> CustodyState {
        CustodyState(status: status, statusDate: Timestamp(iso: at)!, bookingDate: CalendarDate(iso: booked)!,
                     facilityCode: facility, releaseReason: reason)
    }

    @Test func aReleaseWithALaterBookingDateIsABookingAndAReleaseNotNothing() throws {
        let first = state(.released, "2026-09-01T10:00:00Z", booked: "2026-08-01", reason: .bond)
        let again = state(.released, "2026-11-01T10:00:00Z", booked: "2026-10-01", reason: .parole)
        let events = try CustodyTransition.derive(from: first, to: again)
        #expect(events.map(\.kind) == [.booked, .released])
        #expect(events.last?.releaseReason == .parole)
        // The same custody with a changed detail is still no event.
        #expect(try CustodyTransition.derive(from: first, to: state(.released, "2026-09-02T10:00:00Z", booked: "2026-08-01", reason: .parole)).isEmpty)
    }

    @Test func aRemovalAfterAnUnseenBookingIsReportedAndWithoutOneIsIllegal() throws {
        let released = state(.released, "2026-09-01T10:00:00Z", booked: "2026-08-01", reason: .bond)
        let removedLater = state(.removed, "2026-11-01T10:00:00Z", booked: "2026-10-01")
        #expect(try CustodyTransition.derive(from: released, to: removedLater).map(\.kind) == [.booked, .removed])
        let removedSameCustody = state(.removed, "2026-09-05T10:00:00Z", booked: "2026-08-01")
        #expect(throws: TransitionError.illegal(from: .released, to: .removed)) {
            try CustodyTransition.derive(from: released, to: removedSameCustody)
        }
    }

    @Test func aLaterBookingWhileStillInCustodyIsANewBooking() throws {
        let held = state(.inCustody, "2026-09-01T10:00:00Z", booked: "2026-09-01", facility: "FAC1")
        let rebooked = state(.inCustody, "2026-11-01T10:00:00Z", booked: "2026-11-01", facility: "FAC2")
        #expect(try CustodyTransition.derive(from: held, to: rebooked).map(\.kind) == [.booked])
    }
}

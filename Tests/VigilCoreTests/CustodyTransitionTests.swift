import PropertyBased
import Testing
@testable import VigilCore

/// Shorthands for building custody states in tests.
enum Fixture {
    static func at(_ text: String) -> Timestamp {
        guard let t = Timestamp(iso: text) else { preconditionFailure("bad timestamp \(text)") }
        return t
    }

    static func day(_ text: String) -> CalendarDate {
        guard let d = CalendarDate(iso: text) else { preconditionFailure("bad date \(text)") }
        return d
    }

    static func state(
        _ status: CustodyStatus, at time: String = "2026-03-01T12:00:00Z", booked: String = "2026-01-10",
        facility: String? = "FAC1", reason: ReleaseReason? = nil
    ) -> CustodyState {
        CustodyState(
            status: status, statusDate: at(time), bookingDate: day(booked), facilityCode: facility,
            releaseReason: reason ?? (status == .released ? .bond : nil))
    }
}

struct TransitionCase: Sendable, CustomTestStringConvertible {
    var old: CustodyStatus?
    var new: CustodyStatus
    var expected: Result<[CustodyEvent], TransitionError>

    var testDescription: String { "\(old?.rawValue ?? "nil") → \(new.rawValue)" }
}

@Suite("CustodyTransition")
struct CustodyTransitionTests {
    static let oldTime = "2026-03-01T12:00:00Z"
    static let newTime = "2026-03-05T08:30:00-05:00"

    /// The new state's time, which every derived event must carry.
    static var t: Timestamp { Fixture.at(newTime) }

    static func ev(
        _ kind: CustodyEventKind, reason: ReleaseReason? = nil, from: String? = nil, to: String? = nil
    ) -> Result<[CustodyEvent], TransitionError> {
        .success([CustodyEvent(kind: kind, occurredAt: t, releaseReason: reason, fromFacility: from, toFacility: to)])
    }

    static let none: Result<[CustodyEvent], TransitionError> = .success([])

    static func illegal(_ from: CustodyStatus, _ to: CustodyStatus) -> Result<[CustodyEvent], TransitionError> {
        .failure(.illegal(from: from, to: to))
    }

    /// Every (old, new) pair, the old state being absent or one of the five statuses. The new row
    /// is later, keeps the booking date and the facility; a release carries reason `bond`.
    static let table: [TransitionCase] = [
        // first sighting
        .init(old: nil, new: .inCustody, expected: ev(.booked, to: "FAC1")),
        .init(old: nil, new: .released, expected: ev(.released, reason: .bond)),
        .init(old: nil, new: .removed, expected: ev(.removed)),
        .init(old: nil, new: .deceased, expected: ev(.deceased)),
        .init(old: nil, new: .escaped, expected: ev(.escaped)),
        // from in custody
        .init(old: .inCustody, new: .inCustody, expected: none),
        .init(old: .inCustody, new: .released, expected: ev(.released, reason: .bond, from: "FAC1")),
        .init(old: .inCustody, new: .removed, expected: ev(.removed, from: "FAC1")),
        .init(old: .inCustody, new: .deceased, expected: ev(.deceased, from: "FAC1")),
        .init(old: .inCustody, new: .escaped, expected: ev(.escaped, from: "FAC1")),
        // from released: back in custody only with a later booking date
        .init(old: .released, new: .inCustody, expected: .failure(.rebookingNeedsNewBookingDate(from: .released))),
        .init(old: .released, new: .released, expected: none),
        .init(old: .released, new: .removed, expected: illegal(.released, .removed)),
        .init(old: .released, new: .deceased, expected: illegal(.released, .deceased)),
        .init(old: .released, new: .escaped, expected: illegal(.released, .escaped)),
        // from removed: likewise
        .init(old: .removed, new: .inCustody, expected: .failure(.rebookingNeedsNewBookingDate(from: .removed))),
        .init(old: .removed, new: .released, expected: illegal(.removed, .released)),
        .init(old: .removed, new: .removed, expected: none),
        .init(old: .removed, new: .deceased, expected: illegal(.removed, .deceased)),
        .init(old: .removed, new: .escaped, expected: illegal(.removed, .escaped)),
        // deceased is final
        .init(old: .deceased, new: .inCustody, expected: illegal(.deceased, .inCustody)),
        .init(old: .deceased, new: .released, expected: illegal(.deceased, .released)),
        .init(old: .deceased, new: .removed, expected: illegal(.deceased, .removed)),
        .init(old: .deceased, new: .deceased, expected: none),
        .init(old: .deceased, new: .escaped, expected: illegal(.deceased, .escaped)),
        // from escaped: returned to custody, or deceased
        .init(old: .escaped, new: .inCustody, expected: ev(.returnedToCustody, to: "FAC1")),
        .init(old: .escaped, new: .released, expected: illegal(.escaped, .released)),
        .init(old: .escaped, new: .removed, expected: illegal(.escaped, .removed)),
        .init(old: .escaped, new: .deceased, expected: ev(.deceased, from: "FAC1")),
        .init(old: .escaped, new: .escaped, expected: none),
    ]

    static func derive(_ old: CustodyState?, _ new: CustodyState) -> Result<[CustodyEvent], TransitionError> {
        Result { () throws(TransitionError) in try CustodyTransition.derive(from: old, to: new) }
    }

    @Test("the table covers every (old, new) pair exactly once")
    func tableIsComplete() {
        let olds: [CustodyStatus?] = [nil] + CustodyStatus.allCases.map(Optional.some)
        for old in olds {
            for new in CustodyStatus.allCases {
                #expect(Self.table.filter { $0.old == old && $0.new == new }.count == 1, "\(String(describing: old)) → \(new)")
            }
        }
        #expect(Self.table.count == 30)
    }

    @Test("every status change", arguments: table)
    func transition(_ row: TransitionCase) {
        let old = row.old.map { Fixture.state($0, at: Self.oldTime) }
        let new = Fixture.state(row.new, at: Self.newTime)
        #expect(Self.derive(old, new) == row.expected)
    }

    @Test("a facility change while in custody is a transfer")
    func transfer() {
        let old = Fixture.state(.inCustody, facility: "FAC1")
        let new = Fixture.state(.inCustody, at: Self.newTime, facility: "FAC2")
        #expect(Self.derive(old, new) == Self.ev(.transferred, from: "FAC1", to: "FAC2"))
    }

    @Test("a facility change in the same second is still a transfer (equal status_date is not stale)")
    func transferSameInstant() {
        let old = Fixture.state(.inCustody, at: "2026-03-01T12:00:00Z", facility: "FAC1")
        let new = Fixture.state(.inCustody, at: "2026-03-01T07:00:00-05:00", facility: "FAC2")
        let events = Self.derive(old, new)
        #expect(events == .success([
            CustodyEvent(kind: .transferred, occurredAt: Fixture.at(Self.oldTime), fromFacility: "FAC1", toFacility: "FAC2")
        ]))
    }

    @Test("a row older than the stored state is stale, whatever it says", arguments: CustodyStatus.allCases)
    func stale(status: CustodyStatus) {
        let old = Fixture.state(.inCustody, at: "2026-03-01T12:00:00Z")
        // One second earlier, spelt in another offset.
        let new = Fixture.state(status, at: "2026-03-01T06:59:59-05:00", facility: "FAC9")
        #expect(Self.derive(old, new) == .failure(.stale))
        #expect(TransitionError.stale.column == "status_date")
    }

    @Test("stale is reported before a booking date that moved back")
    func staleFirst() {
        let old = Fixture.state(.inCustody, at: "2026-03-02T00:00:00Z", booked: "2026-01-10")
        let new = Fixture.state(.inCustody, at: "2026-03-01T00:00:00Z", booked: "2025-12-01")
        #expect(Self.derive(old, new) == .failure(.stale))
    }

    @Test("a booking date moved back is refused", arguments: CustodyStatus.allCases)
    func bookingDateMovedBack(status: CustodyStatus) {
        let old = Fixture.state(.inCustody, booked: "2026-01-10")
        let new = Fixture.state(status, at: Self.newTime, booked: "2026-01-09")
        #expect(Self.derive(old, new) == .failure(.bookingDateMovedBack))
        #expect(TransitionError.bookingDateMovedBack.column == "booking_date")
    }

    @Test("released or removed → in custody needs a later booking date, and is a booking with one",
          arguments: [CustodyStatus.released, .removed])
    func rebooking(from status: CustodyStatus) {
        let old = Fixture.state(status, booked: "2026-01-10", facility: "FAC1")
        let sameBooking = Fixture.state(.inCustody, at: Self.newTime, booked: "2026-01-10", facility: "FAC2")
        let error = TransitionError.rebookingNeedsNewBookingDate(from: status)
        #expect(Self.derive(old, sameBooking) == .failure(error))
        #expect(error.column == "booking_date")
        #expect(error.description.hasPrefix(status.rawValue))

        let laterBooking = Fixture.state(.inCustody, at: Self.newTime, booked: "2026-03-04", facility: "FAC2")
        #expect(Self.derive(old, laterBooking) == Self.ev(.booked, to: "FAC2"))
    }

    @Test("deceased is final, even with a later booking date", arguments: CustodyStatus.allCases)
    func deceasedIsFinal(new status: CustodyStatus) {
        let old = Fixture.state(.deceased)
        let new = Fixture.state(status, at: Self.newTime, booked: "2026-03-04")
        if status == .deceased {
            #expect(Self.derive(old, new) == .success([]))
        } else {
            #expect(Self.derive(old, new) == .failure(.illegal(from: .deceased, to: status)))
        }
    }

    @Test("escaped → in custody is returned_to_custody at the new facility")
    func returnedToCustody() {
        let old = Fixture.state(.escaped, facility: "FAC1")
        let new = Fixture.state(.inCustody, at: Self.newTime, facility: "FAC7")
        #expect(Self.derive(old, new) == Self.ev(.returnedToCustody, to: "FAC7"))
        #expect(CustodyEventKind.returnedToCustody.rawValue == "returned_to_custody")
    }

    @Test("a release carries the new row's release reason")
    func releaseReason() {
        let old = Fixture.state(.inCustody)
        let new = Fixture.state(.released, at: Self.newTime, reason: .orderOfRecognizance)
        #expect(Self.derive(old, new) == Self.ev(.released, reason: .orderOfRecognizance, from: "FAC1"))
        // A changed reason on an already released record is not a new event.
        let corrected = Fixture.state(.released, at: "2026-03-06T00:00:00Z", reason: .parole)
        #expect(Self.derive(new, corrected) == .success([]))
    }

    @Test("errors name their column and describe the change without personal data")
    func errorDescriptions() {
        #expect(TransitionError.illegal(from: .deceased, to: .inCustody).column == "status")
        #expect(TransitionError.illegal(from: .deceased, to: .inCustody).description
            == "deceased → in_custody is not a possible custody change")
        #expect(TransitionError.rebookingNeedsNewBookingDate(from: .removed).description
            == "removed → in_custody needs a new, later booking_date")
    }

    // MARK: properties

    static let facility = Gen.int(in: 0...2).map { [nil, "FAC1", "FAC2"][$0] as String? }
    static let state = zip(
        Gen<CustodyStatus>.case,
        Gen.int64(in: 1_772_000_000...1_772_000_000 + 3 * 86_400),
        Gen.int(in: 20_500...20_503),
        facility,
        Gen<ReleaseReason>.case.optional
    ).map { status, seconds, booking, facility, reason in
        CustodyState(
            status: status, statusDate: Timestamp(secondsSinceEpoch: seconds),
            bookingDate: CalendarDate(dayNumber: booking), facilityCode: facility, releaseReason: reason)
    }

    @Test("derive never returns events when nothing changed")
    func identicalStateHasNoEvents() async {
        await propertyCheck(count: 500, input: Self.state) { state in
            #expect(Self.derive(state, state) == .success([]), "\(state.status)")
        }
    }

    @Test("every event occurs at the new status_date; stale exactly when the row is older")
    func eventsCarryNewStatusDate() async {
        await propertyCheck(count: 1000, input: Self.state.optional, Self.state) { old, new in
            switch Self.derive(old, new) {
            case .success(let events):
                // Two events only for a whole custody between two feeds: a booking, then its end.
                let unseenCustody = events.count == 2 && events[0].kind == .booked
                    && [.released, .removed].contains(events[1].kind) && old.map { new.bookingDate > $0.bookingDate } == true
                #expect(events.count <= 1 || unseenCustody)
                for event in events { #expect(event.occurredAt == new.statusDate) }
                if old == nil { #expect(events.count == 1) }
            case .failure(let error):
                let old = try #require(old)
                #expect((error == .stale) == (new.statusDate < old.statusDate))
            }
        }
    }
}

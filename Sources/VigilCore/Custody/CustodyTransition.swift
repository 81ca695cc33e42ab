/// The custody state machine: which changes are possible, and which events they mean.
///
/// ```
///             ┌──── transferred (facility changes) ───┐
///  (new) ──▶ in_custody ◀───────────────────────────────┘
///             │  ├─▶ released ─┐
///             │  ├─▶ removed  ─┴─▶ in_custody again only with a later booking_date (booked)
///             │  ├─▶ deceased     (final)
///             │  └─▶ escaped ──▶ in_custody (returned_to_custody) or deceased
/// ```
/// A later booking date shows a custody the feeds did not see as it happened: released → released
/// (or removed) with a later booking date yields `booked` and the new release or removal, and
/// in_custody → in_custody with a later booking date yields `booked`.
/// A record seen for the first time yields the event of its status (`booked` when in custody),
/// so statistics count releases and removals that arrive already completed.
/// A row older than the stored state is stale and refused, so feeds replayed out of
/// order cannot move a person backwards.
public enum CustodyTransition {
    public static func derive(from old: CustodyState?, to new: CustodyState) throws(TransitionError) -> [CustodyEvent] {
        guard let old else { return [firstSighting(new)] }
        guard new.statusDate >= old.statusDate else { throw .stale }
        guard new.bookingDate >= old.bookingDate else { throw .bookingDateMovedBack }

        switch (old.status, new.status) {
        case (.inCustody, .inCustody) where new.bookingDate > old.bookingDate:
            // Released and booked again between two feeds: the new booking is what is known.
            return [event(.booked, new, from: old.facilityCode, to: new.facilityCode)]
        case (.inCustody, .inCustody):
            if old.facilityCode != new.facilityCode {
                return [event(.transferred, new, from: old.facilityCode, to: new.facilityCode)]
            }
            return []
        case (.inCustody, .released):
            return [event(.released, new, from: old.facilityCode, reason: new.releaseReason)]
        case (.inCustody, .removed):
            return [event(.removed, new, from: old.facilityCode)]
        case (.inCustody, .deceased), (.escaped, .deceased):
            return [event(.deceased, new, from: old.facilityCode)]
        case (.inCustody, .escaped):
            return [event(.escaped, new, from: old.facilityCode)]
        case (.escaped, .inCustody):
            return [event(.returnedToCustody, new, to: new.facilityCode)]
        case (.released, .inCustody), (.removed, .inCustody):
            guard new.bookingDate > old.bookingDate else { throw .rebookingNeedsNewBookingDate(from: old.status) }
            return [event(.booked, new, to: new.facilityCode)]
        case (.released, .released), (.removed, .removed), (.released, .removed), (.removed, .released):
            guard new.bookingDate > old.bookingDate else {
                // Same custody: a detail changed (e.g. the release reason); corrections are reviewed separately.
                if old.status == new.status { return [] }
                throw .illegal(from: old.status, to: new.status)
            }
            // A whole custody happened between two feeds: booked again, then released or removed again.
            // Both events are derived, so that a victim is told of a release no feed row showed as it happened.
            return [event(.booked, new), ending(new)]
        case (.deceased, .deceased), (.escaped, .escaped):
            return []
        default:
            throw .illegal(from: old.status, to: new.status)
        }
    }

    private static func firstSighting(_ state: CustodyState) -> CustodyEvent {
        switch state.status {
        case .inCustody: event(.booked, state, to: state.facilityCode)
        case .released: event(.released, state, reason: state.releaseReason)
        case .removed: event(.removed, state)
        case .deceased: event(.deceased, state)
        case .escaped: event(.escaped, state)
        }
    }

    /// The release or removal that ends a custody.
    private static func ending(_ state: CustodyState) -> CustodyEvent {
        let kind: CustodyEventKind = state.status == .released ? .released : .removed
        return event(kind, state, reason: state.status == .released ? state.releaseReason : nil)
    }

    private static func event(
        _ kind: CustodyEventKind, _ state: CustodyState, from: String? = nil, to: String? = nil,
        reason: ReleaseReason? = nil
    ) -> CustodyEvent {
        CustodyEvent(kind: kind, occurredAt: state.statusDate, releaseReason: reason, fromFacility: from, toFacility: to)
    }
}

/// Why a row cannot follow the stored state. Reported as a row error on the named column.
public enum TransitionError: Error, Equatable, Sendable, CustomStringConvertible {
    case stale
    case bookingDateMovedBack
    case rebookingNeedsNewBookingDate(from: CustodyStatus)
    case illegal(from: CustodyStatus, to: CustodyStatus)

    /// The feed column the error belongs to.
    public var column: String {
        switch self {
        case .stale: "status_date"
        case .bookingDateMovedBack, .rebookingNeedsNewBookingDate: "booking_date"
        case .illegal: "status"
        }
    }

    public var description: String {
        switch self {
        case .stale:
            "status_date is earlier than the stored status; rows must not move a record back in time"
        case .bookingDateMovedBack:
            "booking_date is earlier than the stored booking_date"
        case .rebookingNeedsNewBookingDate(let from):
            "\(from.rawValue) → in_custody needs a new, later booking_date"
        case .illegal(let from, let to):
            "\(from.rawValue) → \(to.rawValue) is not a possible custody change"
        }
    }
}

/// What happened to a person's custody, derived by comparing the stored state with a new row.
/// Events are never supplied by a feed.
public enum CustodyEventKind: String, CaseIterable, Sendable, Codable {
    case booked
    case transferred
    case released
    case removed
    case deceased
    case escaped
    case returnedToCustody = "returned_to_custody"
    /// A reviewer corrected information that had already been disclosed.
    case corrected
}

/// One derived event. Facility codes and the release reason are what a notice needs;
/// no personal data is carried.
public struct CustodyEvent: Hashable, Sendable {
    public var kind: CustodyEventKind
    public var occurredAt: Timestamp
    public var releaseReason: ReleaseReason?
    public var fromFacility: String?
    public var toFacility: String?

    public init(
        kind: CustodyEventKind, occurredAt: Timestamp, releaseReason: ReleaseReason? = nil,
        fromFacility: String? = nil, toFacility: String? = nil
    ) {
        self.kind = kind
        self.occurredAt = occurredAt
        self.releaseReason = releaseReason
        self.fromFacility = fromFacility
        self.toFacility = toFacility
    }
}

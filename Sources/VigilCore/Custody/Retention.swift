/// How long Vigil keeps a record after custody ends.
///
/// A record stays visible for `days` after release, removal or death (ICE's own locator keeps 60 days),
/// then is purged: its personal data is erased, it answers "no match" exactly like an absent number,
/// and the registrations that followed it expire. An escape is not an end of custody: it is kept.
public struct RetentionPolicy: Sendable, Equatable {
    public var days: Int

    public init(days: Int = 60) { self.days = days }

    public static let endedStatuses: Set<CustodyStatus> = [.released, .removed, .deceased]

    /// Records whose custody ended before this instant are due for purging at `now`.
    public func cutoff(now: Timestamp) -> Timestamp {
        Timestamp(secondsSinceEpoch: now.secondsSinceEpoch - Int64(days) * 86_400)
    }

    public func isDue(_ state: CustodyState, now: Timestamp) -> Bool {
        Self.endedStatuses.contains(state.status) && state.statusDate < cutoff(now: now)
    }
}

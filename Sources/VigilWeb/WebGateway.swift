import VigilCore
import VigilStore

/// What a lookup decided, with the facility of a match: the pages render this and nothing else.
public struct WebAnswer: Sendable, Equatable {
    public var disclosure: Disclosure
    public var facility: Facility?

    public init(disclosure: Disclosure, facility: Facility?) {
        self.disclosure = disclosure
        self.facility = facility
    }
}

/// What the pages borrow from the API server, so that both go through one lookup path and one
/// limiter: the server's `LookupService` (policy, constant work, audit, alerts) and its `RateLimiter`.
/// VigilServer implements it; VigilWeb stays below VigilServer in the dependency graph.
public protocol WebGateway: Sendable {
    /// Takes one request from the same sliding-window limiter as the API: per account when signed in,
    /// else per client address. nil = go ahead; otherwise seconds to wait.
    func admit(client: String, accountID: Int64?) async -> Int?
    /// A public-tier lookup, exactly as `POST /api/v1/lookup` makes it: misses are counted toward the
    /// enumeration alert.
    func publicLookup(aNumber: String, countryOfBirth: String, client: String) async throws -> WebAnswer
    /// The status of the person a registration follows, at the requester's tier (victim or advocate).
    func followedStatus(personID: Int64, registrationID: Int64, requester: Requester) async throws -> WebAnswer
    /// Whether an address does not suit a channel (the API's own rule; a webhook host may need resolving).
    func addressIsInvalid(_ address: String, channel: NotificationChannel) async -> Bool
}

/// Everything the pages need from a store.
public typealias WebStore = Store & AccessStore & NotificationStore & AuditLogStore & AccuracyStore & WebAccountStore
    & AccountLifecycleStore

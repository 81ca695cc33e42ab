import VigilCore

/// What one purge run did. Counts only: what was purged is gone.
public struct PurgeSummary: Sendable, Equatable, Codable {
    public var records: Int
    public var people: Int
    public var registrationsExpired: Int

    enum CodingKeys: String, CodingKey {
        case records, people, registrationsExpired = "registrations_expired"
    }

    package init(
        records: Int, people: Int, registrationsExpired: Int
    ) {
        self.records = records
        self.people = people
        self.registrationsExpired = registrationsExpired
    }
}

/// Retention: erasing records whose custody ended longer ago than the policy allows.
public protocol RetentionStore: Sendable {
    /// Purges up to `limit` records due under `policy` at `now`, in one transaction, and audits it.
    func purge(policy: RetentionPolicy, now: Timestamp, limit: Int) async throws -> PurgeSummary
}

extension RetentionStore {
    /// Purges every record due under `policy` at `now`, `chunk` records per transaction: a first purge
    /// of a large database never holds the write lock long enough to stall lookups (each of which
    /// writes its audit entry). Each transaction is complete and audited on its own.
    public func purge(policy: RetentionPolicy, now: Timestamp, chunk: Int = 2_000) async throws -> PurgeSummary {
        var total = PurgeSummary(records: 0, people: 0, registrationsExpired: 0)
        while true {
            let done = try await purge(policy: policy, now: now, limit: chunk)
            total.records += done.records
            total.people += done.people
            total.registrationsExpired += done.registrationsExpired
            if done.records < chunk { return total }
        }
    }
}

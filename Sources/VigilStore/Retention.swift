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
    /// Purges every record due under `policy` at `now`, in one transaction, and audits the run.
    func purge(policy: RetentionPolicy, now: Timestamp) async throws -> PurgeSummary
}

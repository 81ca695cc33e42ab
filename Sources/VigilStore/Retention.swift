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

/// How a purge of many records shares the database with lookups: short transactions, each followed by a pause.
///
/// A first purge of a large database (200,000 people) in chunks of 2,000 held the write lock long enough
/// to raise lookups' p99 from 50 ms to 1.1 s. Now each transaction's size adapts to take about
/// `transactionBudget`, and the purge then pauses at least `pause`, and as long as the transaction took:
/// it never holds the database more than half the time, and a lookup waits at most one short transaction.
public struct PurgePacing: Sendable, Equatable {
    /// The first transaction's size, before any has been timed.
    public var firstChunk: Int
    public var smallestChunk: Int
    public var largestChunk: Int
    /// What one transaction should take.
    public var transactionBudget: Duration
    /// The least rest between two transactions.
    public var pause: Duration

    public init(firstChunk: Int = 200, smallestChunk: Int = 10, largestChunk: Int = 2_000,
                transactionBudget: Duration = .milliseconds(25), pause: Duration = .milliseconds(10)) {
        self.firstChunk = firstChunk
        self.smallestChunk = smallestChunk
        self.largestChunk = largestChunk
        self.transactionBudget = transactionBudget
        self.pause = pause
    }

    /// Paced for a server that is answering lookups.
    public static let yieldingToLookups = PurgePacing()

    /// The size of the next transaction, from how long `chunk` records took: scaled toward the budget,
    /// at most doubling at once (one fast chunk is no proof), within the bounds.
    public func nextChunk(after chunk: Int, took elapsed: Duration) -> Int {
        let budget = Self.seconds(transactionBudget)
        let took = max(Self.seconds(elapsed), 0.000_1)
        let scaled = Int((Double(chunk) * budget / took).rounded(.down))
        return min(largestChunk, max(smallestChunk, min(scaled, chunk * 2)))
    }

    /// The rest after a transaction that took `elapsed`.
    public func rest(after elapsed: Duration) -> Duration { max(pause, elapsed) }

    private static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}

extension RetentionStore {
    /// Purges every record due under `policy` at `now`, in short transactions paced by ``PurgePacing``:
    /// lookups (which read custody records and append audit entries) go on between them.
    /// Each transaction is complete and audited on its own.
    public func purge(policy: RetentionPolicy, now: Timestamp, pacing: PurgePacing = .yieldingToLookups) async throws -> PurgeSummary {
        var total = PurgeSummary(records: 0, people: 0, registrationsExpired: 0)
        var chunk = pacing.firstChunk
        let clock = ContinuousClock()
        while true {
            let started = clock.now
            let done = try await purge(policy: policy, now: now, limit: chunk)
            let elapsed = clock.now - started
            total.records += done.records
            total.people += done.people
            total.registrationsExpired += done.registrationsExpired
            if done.records < chunk { return total }
            try await Task.sleep(for: pacing.rest(after: elapsed))
            chunk = pacing.nextChunk(after: chunk, took: elapsed)
        }
    }

    /// Purges every record due, `chunk` records per transaction, without pausing (a command-line purge
    /// of a database nobody is looking up, or a test of the chunking itself).
    public func purge(policy: RetentionPolicy, now: Timestamp, chunk: Int) async throws -> PurgeSummary {
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

import Foundation
import VigilCore

/// What the statistics module reads from a store, and the privacy-budget ledger it writes.
///
/// Reading returns one row per *person*, never per record, because differential privacy is
/// promised per person: a person with custody records from two agencies is counted once, and the
/// noise calibrated for "one person changes one cell by one" stays honest. Rows carry only the
/// dimensions the declared tables need (no name, no A-number, no date of birth: ages are worked
/// out inside the store), and they are never published as such, only counted.
///
/// Everyone is read, minors and protected people included: the tables protect them with noise
/// and suppression like everyone else, and leaving them out would make the counts wrong.
public protocol StatisticsStore: Sendable {
    /// Everyone in custody: for each person with a record whose status is `in_custody`, the
    /// facts of their most recent such record (by status date).
    func custodyStatistics(today: CalendarDate) async throws -> [CustodyStatisticsRow]

    /// Every `released` and `removed` event that occurred in `[from, before)`.
    func departureEvents(from: Timestamp, before: Timestamp) async throws -> [DepartureEventRow]

    /// Spends `epsilon` of each table's budget for `period` and stores the release it pays for,
    /// in one transaction: either every table is charged and the release is kept, or nothing is.
    ///
    /// Throws ``PrivacyBudgetExhausted`` for the first table whose spending would pass `limit`.
    /// ε is accounted in millionths, so that repeated spends add up exactly.
    func spendPrivacyBudget(
        tables: [String], epsilon: Double, period: ReleasePeriod, limit: Double, release: Data, at: Timestamp
    ) async throws

    /// The most recent release stored for `period`, if any; with `epsilon`, the most recent made at that ε.
    func latestStatisticsRelease(period: ReleasePeriod, epsilon: Double?) async throws -> StoredStatisticsRelease?

    /// ε spent so far in `period`, by table.
    func privacyBudgetSpent(period: ReleasePeriod) async throws -> [String: Double]
}

/// One person in custody, as the statistics tables see them.
public struct CustodyStatisticsRow: Sendable, Equatable {
    public var criminalHistory: CriminalHistory
    /// ISO alpha-2, as stored.
    public var countryOfBirth: String
    /// The facility's `state` from the facilities list; `nil` when the record's facility code is
    /// not in that list.
    public var facilityState: String?
    /// Completed years on the booking date and on `today`; `nil` when the date of birth is unknown.
    public var ageAtBooking: Int?
    public var ageToday: Int?

    public init(criminalHistory: CriminalHistory, countryOfBirth: String, facilityState: String?, ageAtBooking: Int?, ageToday: Int?) {
        self.criminalHistory = criminalHistory
        self.countryOfBirth = countryOfBirth
        self.facilityState = facilityState
        self.ageAtBooking = ageAtBooking
        self.ageToday = ageToday
    }
}

/// A release from custody or a removal, with the opaque id of the person it concerns so that
/// the statistics can count each person once.
public struct DepartureEventRow: Sendable, Equatable {
    public var personID: Int64
    /// `.released` or `.removed`.
    public var kind: CustodyEventKind
    /// For a release, its reason when the feed gave one.
    public var releaseReason: ReleaseReason?
    public var occurredAt: Timestamp

    public init(personID: Int64, kind: CustodyEventKind, releaseReason: ReleaseReason?, occurredAt: Timestamp) {
        self.personID = personID
        self.kind = kind
        self.releaseReason = releaseReason
        self.occurredAt = occurredAt
    }
}

/// A release as stored: what was published, exactly, so that it can be served again for the
/// rest of its period at no further privacy cost.
public struct StoredStatisticsRelease: Sendable, Equatable {
    public var period: ReleasePeriod
    public var epsilon: Double
    public var publishedAt: Timestamp
    /// The published release as its JSON: noisy, suppressed values only, never true counts.
    public var body: Data

    public init(period: ReleasePeriod, epsilon: Double, publishedAt: Timestamp, body: Data) {
        self.period = period
        self.epsilon = epsilon
        self.publishedAt = publishedAt
        self.body = body
    }
}

/// A release refused because a table's privacy budget for the period would be overspent.
public struct PrivacyBudgetExhausted: Error, Equatable, Sendable, CustomStringConvertible {
    public var table: String
    public var period: ReleasePeriod
    public var limit: Double
    public var spent: Double
    public var requested: Double

    public init(table: String, period: ReleasePeriod, limit: Double, spent: Double, requested: Double) {
        self.table = table
        self.period = period
        self.limit = limit
        self.spent = spent
        self.requested = requested
    }

    public var remaining: Double { max(0, PrivacyBudget.fromMicro(PrivacyBudget.micro(limit) - PrivacyBudget.micro(spent))) }

    public var description: String {
        let f = PrivacyBudget.format
        return "the privacy budget of table \(table) for \(period) would be overspent: ε \(f(spent)) of \(f(limit)) is used "
            + "and this release asks for \(f(requested)), leaving \(f(remaining)). The budget renews on \(period.renewsOn) (UTC). "
            + "Until then serve the release already published for \(period) (asking for it again costs nothing)"
            + (remaining > 0 ? ", or ask with ε of at most \(f(remaining))." : ".")
    }
}

/// ε accounting in whole millionths: sums of decimal ε values (0.1 + 0.2) then compare exactly.
public enum PrivacyBudget {
    public static func micro(_ epsilon: Double) -> Int64 { Int64((epsilon * 1_000_000).rounded()) }
    public static func fromMicro(_ micro: Int64) -> Double { Double(micro) / 1_000_000 }

    /// `1`, `0.5`, `0.333333`: at most six decimals, no trailing zeros.
    public static func format(_ epsilon: Double) -> String {
        let micro = micro(epsilon)
        let whole = micro / 1_000_000
        var fraction = String(micro % 1_000_000)
        fraction = String(repeating: "0", count: 6 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return fraction.isEmpty ? String(whole) : "\(whole).\(fraction)"
    }
}

extension PrivacyBudget {
    /// The audit leaf of a published release, appended in the transaction that spends its budget:
    /// oversight can account for every ε spent from the log alone.
    package static func releaseAudit(release: Int64, period: ReleasePeriod, epsilonMicro: Int64, tables: Int, at time: Timestamp) -> AuditEntry {
        AuditEntry(kind: .statistics, recordedAt: time, fields: [
            "action": "statistics_released", "release": String(release), "period": period.description,
            "epsilon_micro": String(epsilonMicro), "tables": String(tables),
        ])
    }

    /// The audit leaf of true counts shown to oversight: who saw them, and through what.
    public static func rawViewAudit(account: Int64?, via channel: String, at time: Timestamp) -> AuditEntry {
        AuditEntry(kind: .statistics, recordedAt: time, fields: [
            "action": "raw_statistics_viewed", "account": account.map(String.init) ?? "local", "via": channel,
        ])
    }
}

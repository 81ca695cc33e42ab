import Foundation
import VigilCore
import VigilStore

/// Makes, stores and serves statistics releases, spending privacy budget only when it must.
///
/// **One release per period, served again.** A release for the current period is made once, its
/// ε charged to every table in the ledger and the release itself stored with the charge. Asking
/// again in the same period without naming an ε returns the latest stored release, and naming an
/// ε already released this period returns that release: either costs nothing, and someone who
/// asks a thousand times gets the same noise a thousand times, so averaging learns nothing. A new
/// release is made only at an ε not yet released this period, and the ledger refuses it once the
/// period's budget would be overspent.
///
/// **Only the current period.** Releases describe today's data, so a release can be made only for
/// the period containing today: if past periods could be named, their unspent budget would buy
/// fresh noisy copies of today's counts. A past period's stored release can still be read.
public struct StatisticsPublisher: Sendable {
    public struct Configuration: Sendable, Equatable {
        /// ε per table per release.
        public var epsilonPerTable: Double
        /// The most ε one table may spend in one period. The default, 2, allows the default release
        /// and one re-release (a correction, or another ε) per month.
        public var budgetPerTablePerPeriod: Double

        public init(epsilonPerTable: Double = 1.0, budgetPerTablePerPeriod: Double = 2.0) {
            self.epsilonPerTable = epsilonPerTable
            self.budgetPerTablePerPeriod = budgetPerTablePerPeriod
        }
    }

    /// A release and whether it was made now (and paid for) or served again.
    public struct Outcome: Sendable {
        public var release: StatisticsRelease
        public var isNew: Bool
    }

    let store: any StatisticsStore
    public let configuration: Configuration

    public init(store: any StatisticsStore, configuration: Configuration = .init()) {
        self.store = store
        self.configuration = configuration
    }

    /// The published release for `requested` (default: the period containing `now`).
    ///
    /// - Parameters:
    ///   - epsilon: ε per table for a new release; `nil` accepts any stored release of the period,
    ///     and makes a new one at the configured ε only when there is none.
    ///   - generator: the noise's randomness. Pass `SystemRandomNumberGenerator` outside tests.
    public func release(
        period requested: ReleasePeriod? = nil, epsilon: Double? = nil, now: Timestamp,
        using generator: inout some RandomNumberGenerator
    ) async throws -> Outcome {
        let today = now.utcDate
        let current = ReleasePeriod(containing: today)
        let period = requested ?? current
        if period > current { throw StatisticsError.futurePeriod(period, current: current) }

        if let stored = try await store.latestStatisticsRelease(period: period, epsilon: epsilon) {
            do {
                return Outcome(release: try StatisticsRelease(jsonData: stored.body), isNew: false)
            } catch {
                throw StatisticsError.storedReleaseUnreadable(period)
            }
        }
        if period < current { throw StatisticsError.noReleaseForPastPeriod(period, current: current) }

        let epsilon = epsilon ?? configuration.epsilonPerTable
        let mechanism: DiscreteLaplace
        do { mechanism = try DiscreteLaplace(epsilon: epsilon) } catch { throw StatisticsError.invalidEpsilon(error) }
        if PrivacyBudget.micro(epsilon) > PrivacyBudget.micro(configuration.budgetPerTablePerPeriod) {
            throw StatisticsError.epsilonAboveBudget(epsilon, budget: configuration.budgetPerTablePerPeriod)
        }

        let snapshot = try await StatisticsSnapshot.read(from: store, period: period, asOf: today)
        let release = try Self.publish(
            snapshot, period: period, mechanism: mechanism, budget: configuration.budgetPerTablePerPeriod,
            now: now, using: &generator)
        // The noisy release exists only in memory until the ledger accepts its cost; a refusal discards it.
        try await store.spendPrivacyBudget(
            tables: release.tables.map(\.id), epsilon: epsilon, period: period,
            limit: configuration.budgetPerTablePerPeriod, release: try release.jsonData(), at: now)
        return Outcome(release: release, isNew: true)
    }

    /// True counts for oversight: no noise, no suppression, no budget, never stored.
    public func oversightRelease(now: Timestamp) async throws -> StatisticsRelease {
        let today = now.utcDate
        let period = ReleasePeriod(containing: today)
        let snapshot = try await StatisticsSnapshot.read(from: store, period: period, asOf: today)
        return try Self.oversight(snapshot, period: period, now: now)
    }

    /// ε spent so far in `period`, by table, for the operator.
    public func budgetSpent(period: ReleasePeriod) async throws -> [String: Double] {
        try await store.privacyBudgetSpent(period: period)
    }

    // MARK: Building releases (pure)

    /// Noise, suppression, totals and shares for every declared table.
    static func publish(
        _ snapshot: StatisticsSnapshot, period: ReleasePeriod, mechanism: DiscreteLaplace, budget: Double,
        now: Timestamp, using generator: inout some RandomNumberGenerator
    ) throws -> StatisticsRelease {
        let histogram = PrivateHistogram(mechanism: mechanism)
        let definitions = TableCatalog.tables(period: period, asOf: snapshot.asOf)
        let tables = definitions.map { table in
            let noisy = histogram.release(trueCounts: TrueCounts.of(table, in: snapshot), using: &generator)
            let cells = cells(of: table) { index in
                guard let count = noisy.cells[index].value, let share = noisy.share(ofCell: index) else { return (nil, nil, nil) }
                let sd = histogram.shareStandardDeviation(share: share, total: noisy.total, publishedCells: noisy.publishedCount)
                return (count, share, sd)
            }
            return table.released(cells: cells, total: noisy.total)
        }
        let privacy = StatisticsRelease.Privacy(
            mechanism: "Discrete Laplace noise on every count, P(k) ∝ e^(−ε|k|), drawn from the system's "
                + "cryptographic random number generator; negative counts raised to 0; counts under "
                + "\(PrivateHistogram.suppressionThreshold), before or after noise, withheld; totals are the sums of the published counts.",
            epsilonPerTable: mechanism.epsilon, epsilonTotal: mechanism.epsilon * Double(tables.count),
            sensitivity: mechanism.sensitivity, suppressionThreshold: PrivateHistogram.suppressionThreshold,
            countStandardDeviation: rounded(mechanism.standardDeviation), countMargin: mechanism.margin(level: 0.95),
            marginLevel: 0.95, budgetPerTablePerPeriod: budget)
        let release = StatisticsRelease(
            kind: .published,
            notice: "Custody statistics for \(period), protected by differential privacy (ε \(PrivacyBudget.format(mechanism.epsilon)) per table).",
            period: period.description, asOf: snapshot.asOf.description, publishedAt: now.description,
            privacy: privacy, notes: notes(mechanism: mechanism, tables: tables.count), tables: tables)
        try PublicationVocabulary.check(release)
        return release
    }

    static func oversight(_ snapshot: StatisticsSnapshot, period: ReleasePeriod, now: Timestamp) throws -> StatisticsRelease {
        let tables = TableCatalog.tables(period: period, asOf: snapshot.asOf).map { table in
            let counts = TrueCounts.of(table, in: snapshot)
            let total = counts.reduce(0, +)
            let cells = cells(of: table) { index in
                (counts[index], total > 0 ? rounded(Double(counts[index]) / Double(total)) : nil, nil)
            }
            return table.released(cells: cells, total: total)
        }
        let release = StatisticsRelease(
            kind: .rawOversightOnly,
            notice: "OVERSIGHT ONLY, NOT FOR PUBLICATION: true counts without noise or suppression. "
                + "Small counts here can identify people; publish only the protected release.",
            period: period.description, asOf: snapshot.asOf.description, publishedAt: now.description,
            privacy: nil, notes: [], tables: tables)
        try PublicationVocabulary.check(release)
        return release
    }

    private static func cells(
        of table: TableDefinition, value: (Int) -> (count: Int?, share: Double?, sd: Double?)
    ) -> [StatisticsRelease.Cell] {
        let groups: [TableDefinition.Group?] = table.groups.isEmpty ? [nil] : table.groups
        return groups.enumerated().flatMap { groupIndex, group in
            table.categories.enumerated().map { categoryIndex, category in
                let v = value(table.cellIndex(group: groupIndex, category: categoryIndex))
                return StatisticsRelease.Cell(
                    group: group?.key, category: category.key, label: category.label, count: v.count,
                    share: v.share.map(rounded), shareStandardDeviation: v.sd.map(rounded), suppressed: v.count == nil)
            }
        }
    }

    private static func notes(mechanism: DiscreteLaplace, tables: Int) -> [String] {
        let f = PrivacyBudget.format
        return [
            "A count of people in custody is not a count of crimes. Each category is defined under its table; "
                + "\"No criminal charge or conviction\" means a civil immigration matter only.",
            "Region of birth is where a person was born. It says nothing about citizenship, immigration status or conduct.",
            "Every count has random noise added so that no one can tell from these tables whether any particular person "
                + "is in them. Each count is within ±\(mechanism.margin(level: 0.95)) of the true count 95% of the time; "
                + "each share carries its own predicted error.",
            "Categories with fewer than \(PrivateHistogram.suppressionThreshold) people, before or after noise, are withheld and shown as "
                + "\"fewer than \(PrivateHistogram.suppressionThreshold)\": a small group is never published. Totals add up the published "
                + "counts, and shares are of those totals.",
            "Privacy loss: ε \(f(mechanism.epsilon)) per table, ε \(f(mechanism.epsilon * Double(tables))) for the "
                + "\(tables) tables together, since one person can appear in every table. One release is made per month "
                + "and served unchanged until the next.",
        ]
    }

    /// Six decimals: far finer than the noise, and stable in JSON.
    static func rounded(_ value: Double) -> Double { (value * 1_000_000).rounded() / 1_000_000 }
}

extension TableDefinition {
    func released(cells: [StatisticsRelease.Cell], total: Int) -> StatisticsRelease.Table {
        StatisticsRelease.Table(
            id: id, title: title, population: population, denominator: denominator,
            categoryHeading: categoryHeading, groupHeading: groupHeading,
            definitions: categories.map { .init(category: $0.key, label: $0.label, definition: $0.definition) },
            total: total, publishedCells: cells.count(where: { !$0.suppressed }),
            suppressedCells: cells.count(where: \.suppressed), cells: cells)
    }
}

/// Why a release could not be made or served.
public enum StatisticsError: Error, Equatable, Sendable, CustomStringConvertible {
    case futurePeriod(ReleasePeriod, current: ReleasePeriod)
    case noReleaseForPastPeriod(ReleasePeriod, current: ReleasePeriod)
    case invalidEpsilon(PrivacyParameterError)
    case epsilonAboveBudget(Double, budget: Double)
    case storedReleaseUnreadable(ReleasePeriod)
    case forbiddenPhrase(String, in: String)

    public var description: String {
        let f = PrivacyBudget.format
        return switch self {
        case .futurePeriod(let period, let current):
            "\(period) has not begun; releases are made for the current period, \(current)"
        case .noReleaseForPastPeriod(let period, let current):
            "there is no release of \(period) to serve (at the ε asked for, if one was given). A release can be made only "
                + "during its own period (now \(current)), so that today's data is never released again under an old period's budget"
        case .invalidEpsilon(let error):
            error.description
        case .epsilonAboveBudget(let epsilon, let budget):
            "ε \(f(epsilon)) per table is more than a table's whole budget for a period (\(f(budget))); ask for at most \(f(budget))"
        case .storedReleaseUnreadable(let period):
            "the stored release for \(period) cannot be read; the database may be damaged (run `vigil audit verify`)"
        case .forbiddenPhrase(let phrase, let text):
            "the release was not made: the text \"\(text)\" contains \"\(phrase)\", which Vigil never publishes; fix the table definition"
        }
    }
}

import Foundation
import Logging
import VigilCore
import VigilStats
import VigilStore

/// Serves the statistics release of the current month to every request, making it at most once.
///
/// Repeated requests must not drain the privacy budget, nor let anyone average fresh noise away.
/// So the first request of a month makes the release (or finds the one the CLI already made) and
/// every later request that month gets those same bytes: the release is stored in the ledger with
/// its cost, kept here in memory, and survives a restart because it is read back from the store.
/// Concurrent first requests share one in-flight build, so a month is never paid for twice.
///
/// True counts for oversight are computed on each request and never cached or stored.
public actor StatsService {
    /// A release and its page in each language, rendered once.
    struct Entry: Sendable {
        var period: ReleasePeriod
        var release: StatisticsRelease
        var pages: [StatisticsLanguage: String]

        func page(_ language: StatisticsLanguage) -> String { pages[language] ?? pages[.en] ?? "" }
    }

    private let publisher: StatisticsPublisher
    private let auditLog: any AuditLogStore
    private let clock: LookupService.Clock
    private let logger: Logger
    private var cached: Entry?
    private var building: (period: ReleasePeriod, task: Task<Entry, any Error>)?

    public init(
        store: any StatisticsStore & AuditLogStore, configuration: StatisticsPublisher.Configuration = .init(),
        clock: @escaping LookupService.Clock, logger: Logger
    ) {
        publisher = StatisticsPublisher(store: store, configuration: configuration)
        auditLog = store
        self.clock = clock
        self.logger = logger
    }

    /// This month's published release.
    func current() async throws -> Entry {
        let period = ReleasePeriod(containing: clock().utcDate)
        if let cached, cached.period == period { return cached }
        if let building, building.period == period { return try await building.task.value }
        let task = Task { [publisher, clock, logger] in
            var generator = SystemRandomNumberGenerator()
            let outcome = try await publisher.release(period: period, now: clock(), using: &generator)
            if outcome.isNew {
                logger.info("statistics release made", metadata: ["period": "\(period)", "tables": "\(outcome.release.tables.count)"])
            }
            // Each language's page passes the same vocabulary rule as the release's own texts.
            var pages: [StatisticsLanguage: String] = [:]
            for language in StatisticsLanguage.allCases {
                let page = StatisticsPage.render(outcome.release, language: language)
                try PublicationVocabulary.check(page: page)
                pages[language] = page
            }
            return Entry(period: period, release: outcome.release, pages: pages)
        }
        building = (period, task)
        // The actor is re-entered while this awaits: only clear the build this call started.
        do {
            let entry = try await task.value
            if cached.map({ $0.period < period }) ?? true { cached = entry }
            if building?.period == period { building = nil }
            return entry
        } catch {
            if building?.period == period { building = nil }
            throw Self.problem(error, logger: logger)
        }
    }

    /// True counts, for oversight only; each viewing is audited (who, through what) before it is answered.
    func oversight(account: Int64?, via channel: String) async throws -> StatisticsRelease {
        do {
            let release = try await publisher.oversightRelease(now: clock())
            _ = try await auditLog.appendAudit([PrivacyBudget.rawViewAudit(account: account, via: channel, at: clock())])
            return release
        } catch {
            throw Self.problem(error, logger: logger)
        }
    }

    /// A refusal the operator can act on is a 503 that says what to do; anything else is internal.
    private static func problem(_ error: any Error, logger: Logger) -> Problem {
        switch error {
        case let refusal as PrivacyBudgetExhausted:
            return .statisticsUnavailable(refusal.description)
        case let refusal as StatisticsError:
            return .statisticsUnavailable(refusal.description)
        default:
            logger.error("statistics failed", metadata: ["error.type": "\(type(of: error))"])
            return .internalError
        }
    }
}

extension Problem {
    static func statisticsUnavailable(_ detail: String) -> Problem {
        Problem(
            .serviceUnavailable, type: "urn:vigil:problem:statistics-unavailable",
            title: "No statistics release can be served for this period", detail: detail)
    }
}

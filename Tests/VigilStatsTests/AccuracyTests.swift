import Foundation
import Testing
import VigilCore
import VigilFeeds
import VigilStore
@testable import VigilStats

/// The issue's acceptance: on a generated population, each published share is within the error
/// that the chosen ε predicts.
///
/// The population is 20,000 people by default, to keep the suite quick in debug builds; set
/// `VIGIL_STATS_PEOPLE=100000` to run the same checks on the issue's 100,000.
@Suite("Published shares are as accurate as ε predicts")
struct AccuracyTests {
    static let people = ProcessInfo.processInfo.environment["VIGIL_STATS_PEOPLE"].flatMap(Int.init) ?? 20_000
    static let asOf = day("2026-11-25")
    static let now = ts("2026-11-25T12:00:00Z")
    static let period = ReleasePeriod(containing: asOf)

    /// One imported population for the whole suite; each test reads it, none writes.
    static let fixture = Task { () throws -> (StatsStore, StatisticsSnapshot) in
        let store = try StatsStore()
        try await store.importPopulation(SyntheticPopulation(people: people, seed: 1, asOf: asOf))
        let snapshot = try await StatisticsSnapshot.read(from: store.store, period: period, asOf: asOf)
        return (store, snapshot)
    }

    /// Compares a published release with the true counts, cell by cell.
    ///
    /// The truth for a share is the true count over the true total *of the published categories*,
    /// which is what the published share estimates (see the tables' denominator). The bound is the
    /// error ε predicts with probability 1 − 10⁻⁶ per cell: each count's noise is within ±m, and the
    /// noise on the total within ±M, so `|ŝ − s| ≤ (m + s·M) / (T − M)`.
    struct Comparison {
        var cells = 0
        var outsideBound = 0
        var standardized: [Double] = []
        var largestError = 0.0
        var lines: [String] = []
    }

    static func compare(_ release: StatisticsRelease, truth: StatisticsRelease, mechanism: DiscreteLaplace) throws -> Comparison {
        var result = Comparison()
        let m = Double(mechanism.margin(level: 1 - 1e-6))
        for (table, trueTable) in zip(release.tables, truth.tables) {
            #expect(table.id == trueTable.id && table.cells.count == trueTable.cells.count)
            let published = zip(table.cells, trueTable.cells).filter { !$0.0.suppressed }
            let trueTotal = Double(published.reduce(0) { $0 + ($1.1.count ?? 0) })
            let k = Double(published.count)
            let totalBound = min(k * m, m + 6 * mechanism.standardDeviation * k.squareRoot())
            #expect(abs(Double(table.total) - trueTotal) <= totalBound, "\(table.id): total \(table.total) vs true \(trueTotal)")
            for (cell, trueCell) in published {
                let count = try #require(cell.count), trueCount = try #require(trueCell.count)
                let share = try #require(cell.share), sd = try #require(cell.shareStandardDeviation)
                let trueShare = Double(trueCount) / trueTotal
                let bound = (m + trueShare * totalBound) / (trueTotal - totalBound)
                let error = abs(share - trueShare)
                result.cells += 1
                if error > bound { result.outsideBound += 1 }
                #expect(abs(Double(count - trueCount)) <= m, "\(table.id)/\(cell.group ?? "")/\(cell.category): \(count) vs \(trueCount)")
                #expect(error <= bound, "\(table.id)/\(cell.group ?? "")/\(cell.category): share \(share) vs \(trueShare), bound \(bound)")
                result.standardized.append((share - trueShare) / sd)
                result.largestError = max(result.largestError, error)
            }
            result.lines.append("\(table.id): \(published.count) published, \(table.suppressedCells) withheld, total \(table.total) (true \(Int(trueTotal)))")
        }
        return result
    }

    @Test("every published share is within the error ε predicts, and the predicted error is the real one", arguments: [0.5, 1.0, 2.0])
    func sharesWithinPredictedError(epsilon: Double) async throws {
        let (_, snapshot) = try await Self.fixture.value
        #expect(snapshot.custody.count > Self.people / 2)
        let mechanism = try DiscreteLaplace(epsilon: epsilon)
        let truth = try StatisticsPublisher.oversight(snapshot, period: Self.period, now: Self.now)
        var generator = SeededGenerator(seed: UInt64(epsilon * 1000))
        let release = try StatisticsPublisher.publish(
            snapshot, period: Self.period, mechanism: mechanism, budget: 2, now: Self.now, using: &generator)
        let result = try Self.compare(release, truth: truth, mechanism: mechanism)

        #expect(result.cells > 100, "most cells of a population this size are published")
        #expect(result.outsideBound == 0)
        // The published standard deviations describe the errors: the mean squared standardized error
        // is 1 in theory, and its estimate over ~150 cells is within about ±0.4 of it.
        let meanSquare = result.standardized.reduce(0) { $0 + $1 * $1 } / Double(result.standardized.count)
        #expect((0.5...1.6).contains(meanSquare), "mean squared standardized error \(meanSquare)")
        let beyond4 = Double(result.standardized.count(where: { abs($0) > 4 })) / Double(result.standardized.count)
        #expect(beyond4 < 0.02, "share of cells beyond 4 s.d.: \(beyond4)")
        print("ε \(epsilon), \(Self.people) people: \(result.cells) published shares, largest error \(result.largestError), "
            + "mean squared z \(meanSquare), beyond 4 s.d. \(beyond4)\n  " + result.lines.joined(separator: "\n  "))
    }

    @Test("the published total of each custody table is everyone in custody, less what was withheld")
    func totalsAreConsistent() async throws {
        let (_, snapshot) = try await Self.fixture.value
        var generator = SeededGenerator(seed: 77)
        let release = try StatisticsPublisher.publish(
            snapshot, period: Self.period, mechanism: try DiscreteLaplace(epsilon: 1), budget: 2, now: Self.now, using: &generator)
        for table in release.tables {
            #expect(table.total == table.cells.compactMap(\.count).reduce(0, +))
            #expect(table.publishedCells + table.suppressedCells == table.cells.count)
            let shares = table.cells.compactMap(\.share)
            #expect(abs(shares.reduce(0, +) - 1) < 1e-4, "\(table.id): shares add up to \(shares.reduce(0, +))")
        }
        // The custody tables count the same people, so their totals differ only by noise and withheld cells.
        let custody = release.tables.prefix(4).map(\.total)
        #expect(custody.max()! - custody.min()! < 200)
    }
}

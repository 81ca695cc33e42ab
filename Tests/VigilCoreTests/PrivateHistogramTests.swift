import Foundation
import Testing
@testable import VigilCore

@Suite("PrivateHistogram")
struct PrivateHistogramTests {
    static let histogram = PrivateHistogram(mechanism: try! DiscreteLaplace(epsilon: 1))

    @Test("published cells are at least 11, the total is their sum, and shares add up to 1")
    func postProcessingIsConsistent() {
        var generator = SeededGenerator(seed: 1)
        let trueCounts = [0, 1, 3, 8, 10, 11, 12, 40, 500, 12_000]
        for _ in 0..<2_000 {
            let release = Self.histogram.release(trueCounts: trueCounts, using: &generator)
            #expect(release.cells.count == trueCounts.count)
            let published = release.cells.compactMap(\.value)
            #expect(published.allSatisfy { $0 >= PrivateHistogram.suppressionThreshold })
            #expect(release.total == published.reduce(0, +))
            #expect(release.publishedCount + release.suppressedCount == trueCounts.count)
            let shares = release.cells.indices.compactMap(release.share(ofCell:))
            #expect(abs(shares.reduce(0, +) - 1) < 1e-9)
            // The large cells are always there: their noise never reaches 11 below them.
            #expect(release.cells[8].value != nil && release.cells[9].value != nil)
        }
    }

    /// A small cell is withheld on its true count as well as its noisy one, so a true 3 is never
    /// published, even at ε = 0.1 where the noise alone would lift it to 11 or more about a quarter
    /// of the time; a true 11 still can be.
    @Test("a true count of 3 is never published, however large the noise")
    func aCountOfThree() throws {
        var generator = SeededGenerator(seed: 3)
        let noisy = PrivateHistogram(mechanism: try DiscreteLaplace(epsilon: 0.1))
        var elevenPublished = 0
        for _ in 0..<50_000 {
            let cells = noisy.release(trueCounts: [3, 10, 11], using: &generator).cells
            #expect(cells[0] == .suppressed && cells[1] == .suppressed)
            if cells[2].value != nil { elevenPublished += 1 }
        }
        #expect(elevenPublished > 10_000)
    }

    @Test("the predicted share error matches the spread of shares over many releases")
    func shareErrorPrediction() {
        var generator = SeededGenerator(seed: 4)
        let trueCounts = [600, 300, 100]
        let share0 = 0.6
        var shares: [Double] = []
        for _ in 0..<20_000 {
            let release = Self.histogram.release(trueCounts: trueCounts, using: &generator)
            if let share = release.share(ofCell: 0) { shares.append(share) }
        }
        let mean = shares.reduce(0, +) / Double(shares.count)
        let sd = (shares.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(shares.count - 1)).squareRoot()
        let predicted = Self.histogram.shareStandardDeviation(share: share0, total: 1000, publishedCells: 3)
        #expect(abs(mean - share0) < 5 * predicted / Double(shares.count).squareRoot() + 1e-6)
        #expect(abs(sd / predicted - 1) < 0.05, "observed \(sd), predicted \(predicted)")
    }

    @Test("negative noisy counts become 0 and are withheld; an empty table has total 0 and no shares")
    func emptyTable() {
        var generator = SeededGenerator(seed: 5)
        let release = Self.histogram.release(trueCounts: [0, 0, 0], using: &generator)
        #expect(release.cells == [.suppressed, .suppressed, .suppressed])
        #expect(release.total == 0)
        #expect(release.share(ofCell: 0) == nil)
    }
}

@Suite("ReleasePeriod")
struct ReleasePeriodTests {
    @Test func parsesPrintsAndSteps() throws {
        let period = try #require(ReleasePeriod(iso: "2026-11"))
        #expect(period.description == "2026-11")
        #expect(period.firstDay == CalendarDate(iso: "2026-11-01"))
        #expect(period.renewsOn == CalendarDate(iso: "2026-12-01"))
        #expect(period.adding(months: 2).description == "2027-01")
        #expect(period.adding(months: -11).description == "2025-12")
        #expect(period.adding(months: -23).description == "2024-12")
        #expect(ReleasePeriod(iso: "2026-12")?.renewsOn == CalendarDate(iso: "2027-01-01"))
        #expect(period.contains(CalendarDate(iso: "2026-11-30")!) && !period.contains(CalendarDate(iso: "2026-12-01")!))
        #expect(ReleasePeriod(containing: CalendarDate(iso: "2026-02-28")!) == ReleasePeriod(iso: "2026-02"))
        #expect(ReleasePeriod(iso: "2026-10")! < period)
    }

    @Test("only YYYY-MM with a real month", arguments: ["2026-13", "2026-00", "2026-1", "26-11", "2026/11", "2026-11-01", ""])
    func rejects(text: String) {
        #expect(ReleasePeriod(iso: text) == nil)
    }
}

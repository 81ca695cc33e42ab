import ArgumentParser
import Foundation
import VigilCore
import VigilFeeds

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a synthetic feed (no real person, ever): DIR/facilities.csv and DIR/feed.csv.",
        discussion: """
            About 5% of the people are minors (a third of them infants), about 3% carry a legal protection, \
            about 2% have an unknown date of birth. With --changes, DIR/feed-changes.csv holds later status \
            changes (releases, transfers, removals, escapes, returns) for about one person in five.
            """
    )

    @Option(help: "How many people.") var people: Int = 1000
    @Option(help: "Random seed; the same seed gives the same files.") var seed: UInt64 = 1
    @Option(help: ArgumentHelp("Directory to write into (created if needed).", valueName: "dir")) var output: String
    @Flag(help: "Also write feed-changes.csv with later status changes.") var changes = false
    @Option(help: ArgumentHelp("The day the feed describes (YYYY-MM-DD); default today (UTC).", valueName: "date"))
    var asOf: String?
    @Option(help: "How many facilities.") var facilities: Int = 40

    func validate() throws {
        guard people >= 0 else { throw ValidationError("--people must be 0 or more") }
        guard facilities >= 1 else { throw ValidationError("--facilities must be at least 1") }
        if let asOf, CalendarDate(iso: asOf) == nil { throw ValidationError("--as-of must be YYYY-MM-DD") }
    }

    func run() throws {
        let report = try Self.generate(
            people: people, seed: seed, output: output, changes: changes,
            asOf: asOf.flatMap { CalendarDate(iso: $0) } ?? Clock.today, facilities: facilities
        )
        print("wrote \(report.people) people to \(report.feed), \(report.facilities) facilities to \(report.facilitiesFile)"
            + (report.changesFile.map { ", \(report.changes) changes to \($0)" } ?? ""))
    }

    struct Report {
        var people: Int, facilities: Int, changes: Int
        var feed: String, facilitiesFile: String, changesFile: String?
    }

    static func generate(
        people: Int, seed: UInt64, output: String, changes: Bool, asOf: CalendarDate, facilities: Int
    ) throws -> Report {
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        let population = SyntheticPopulation(people: people, seed: seed, asOf: asOf, facilityCount: facilities)
        let directory = URL(fileURLWithPath: output)

        let facilitiesPath = directory.appendingPathComponent("facilities.csv").path
        let facilityWriter = try CSVWriter(path: facilitiesPath)
        try facilityWriter.write(FacilityColumn.names)
        for f in population.facilities {
            try facilityWriter.write([f.code, f.name, f.address, f.city, f.state, f.postalCode, f.phone, f.visitingInfo])
        }
        try facilityWriter.close()

        let header = SyntheticPopulation.columns.map(\.rawValue)
        let feedPath = directory.appendingPathComponent("feed.csv").path
        let feed = try CSVWriter(path: feedPath)
        try feed.write(header)
        for i in 0..<people { try feed.write(SyntheticPopulation.row(population.person(i))) }
        try feed.close()

        var changeCount = 0
        var changesPath: String?
        if changes {
            let path = directory.appendingPathComponent("feed-changes.csv").path
            let writer = try CSVWriter(path: path)
            try writer.write(header)
            for i in 0..<people {
                if let changed = population.change(i) {
                    try writer.write(SyntheticPopulation.row(changed))
                    changeCount += 1
                }
            }
            try writer.close()
            changesPath = path
        }
        return Report(
            people: people, facilities: facilities, changes: changeCount, feed: feedPath,
            facilitiesFile: facilitiesPath, changesFile: changesPath
        )
    }
}

/// The CLI's clock: the only place the core's pure functions get "now" from.
enum Clock {
    static var now: Timestamp { Timestamp(secondsSinceEpoch: Int64(Date().timeIntervalSince1970)) }
    static var today: CalendarDate { now.utcDate }
}

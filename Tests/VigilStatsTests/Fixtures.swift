import Foundation
import Testing
import VigilCore
import VigilCrypto
import VigilFeeds
import VigilStore
@testable import VigilStats

/// A real SQLite store in a temporary directory, removed when the test ends.
final class StatsStore: @unchecked Sendable {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-stats-\(UUID().uuidString)")
    let keyring = Keyring.generate()
    let store: SQLiteStore
    var path: String { directory.appendingPathComponent("stats.sqlite").path }

    init() throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try SQLiteStore(path: directory.appendingPathComponent("stats.sqlite").path, keyring: keyring)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// The synthetic population's facilities, people and (optionally) their later changes, as
    /// `vigil import` would apply them.
    func importPopulation(_ population: SyntheticPopulation, changes: Bool = true) async throws {
        let received = Timestamp(secondsSinceEpoch: Int64(population.asOf.dayNumber) * 86_400)
        _ = try await store.importFacilities(
            BatchProvenance(source: "TXA", fileName: "facilities.csv", fileSHA256: "0", receivedAt: received),
            facilities: population.facilities, rejected: 0)
        let people = (0..<population.people).lazy.map { population.person($0).record }
        try await apply(Array(people), file: "feed.csv")
        if changes {
            try await apply((0..<population.people).compactMap { population.change($0)?.record }, file: "feed-changes.csv")
        }
    }

    func apply(_ records: [CustodyRecord], source: String = "TXA", file: String = "feed.csv") async throws {
        let provenance = BatchProvenance(
            source: source, fileName: file, fileSHA256: UUID().uuidString, receivedAt: Timestamp(secondsSinceEpoch: 0))
        _ = try await store.applyCustodyBatch(provenance, rows: Rows(records)) { problem in
            Issue.record("a fixture row was rejected: \(problem)")
        }
    }

    final class Rows: DecodedRowSource {
        private var records: [CustodyRecord]
        private var index = 0
        init(_ records: [CustodyRecord]) { self.records = records }
        func next() throws -> DecodedRow? {
            guard index < records.count else { return nil }
            defer { index += 1 }
            return .record(line: index + 2, records[index])
        }
    }
}

func day(_ text: String) -> CalendarDate { CalendarDate(iso: text)! }
func ts(_ text: String) -> Timestamp { Timestamp(iso: text)! }

/// An invented person; tests change what they need.
func person(
    _ id: String, aNumber: String?, country: String = "MX", birth: String? = "1985-06-01",
    history: CriminalHistory = .none, status: CustodyStatus = .inCustody, at statusDate: String = "2026-11-01T10:00:00Z",
    booked: String = "2026-11-01", facility: String? = "FAC001", reason: ReleaseReason? = nil
) -> CustodyRecord {
    CustodyRecord(
        sourceRecordID: id, aNumber: try! aNumber.map { try ANumber(parsing: $0) },
        name: PersonName(family: "Torvaleth", given: "Imre"), dateOfBirth: birth.map(day),
        countryOfBirth: try! CountryCode(parsing: country), criminalHistory: history, protections: [],
        custody: CustodyState(
            status: status, statusDate: ts(statusDate), bookingDate: day(booked),
            facilityCode: status == .inCustody ? facility : nil, releaseReason: reason))
}

extension StatisticsRelease {
    func table(_ id: String) throws -> Table { try #require(tables.first { $0.id == id }) }
}

extension StatisticsRelease.Table {
    func cell(_ category: String, group: String? = nil) throws -> StatisticsRelease.Cell {
        try #require(cells.first { $0.category == category && $0.group == group })
    }
}

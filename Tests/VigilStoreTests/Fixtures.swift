import Foundation
import VigilCore
import VigilCrypto
import VigilFeeds
@testable import VigilStore

/// A fresh database and keyring in a temporary directory, removed when the test ends.
final class TemporaryStore {
    let directory: URL
    let keyring = Keyring.generate()
    let store: SQLiteStore
    var path: String { directory.appendingPathComponent("test.sqlite").path }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try SQLiteStore(path: directory.appendingPathComponent("test.sqlite").path, keyring: keyring)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// Every byte the database has on disk: the main file, the audit file, their WALs and shared-memory indexes.
    func bytesOnDisk() throws -> Data {
        var all = Data()
        for suffix in ["", "-wal", "-shm", "-audit", "-audit-wal", "-audit-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
            all.append(try Data(contentsOf: URL(fileURLWithPath: path + suffix)))
        }
        return all
    }
}

/// Rows handed to the store from memory; `failAfter` simulates a crash mid-batch.
final class ArrayRowSource: DecodedRowSource {
    struct Crash: Error {}
    private var rows: [DecodedRow]
    private let failAfter: Int?
    private var count = 0
    private let lock = NSLock()
    /// Rows handed out so far (read from other threads by the read-ahead tests).
    var served: Int { lock.withLock { count } }

    init(_ records: [CustodyRecord], failAfter: Int? = nil) {
        rows = records.enumerated().map { .record(line: $0.offset + 2, $0.element) }
        self.failAfter = failAfter
    }

    init(rows: [DecodedRow]) {
        self.rows = rows
        failAfter = nil
    }

    func next() throws -> DecodedRow? {
        try lock.withLock {
            if let failAfter, count == failAfter { throw Crash() }
            guard count < rows.count else { return nil }
            defer { count += 1 }
            return rows[count]
        }
    }
}

func ts(_ text: String) -> Timestamp { Timestamp(iso: text)! }
func day(_ text: String) -> CalendarDate { CalendarDate(iso: text)! }

/// An invented adult in custody; tests change what they need.
func record(
    _ id: String, aNumber: String? = "A912345678", family: String = "Quenadril", given: String = "Sovel",
    birth: String? = "1985-06-01", status: CustodyStatus = .inCustody, at statusDate: String = "2026-03-01T10:00:00Z",
    booked: String = "2026-03-01", facility: String? = "FAC001", reason: ReleaseReason? = nil,
    protections: Set<Protection> = []
) -> CustodyRecord {
    CustodyRecord(
        sourceRecordID: id, aNumber: try! aNumber.map { try ANumber(parsing: $0) },
        name: PersonName(family: family, given: given), dateOfBirth: birth.map(day),
        countryOfBirth: try! CountryCode(parsing: "MX"), criminalHistory: .none, protections: protections,
        custody: CustodyState(
            status: status, statusDate: ts(statusDate), bookingDate: day(booked), facilityCode: facility,
            releaseReason: reason
        )
    )
}

func provenance(_ source: String = "TXA", file: String = "feed.csv", hash: String = "00") -> BatchProvenance {
    BatchProvenance(source: source, fileName: file, fileSHA256: hash, receivedAt: ts("2026-03-02T00:00:00Z"))
}

extension Store {
    /// Applies records and returns the summary with the problems reported.
    func apply(_ records: [CustodyRecord], source: String = "TXA") async throws -> (BatchSummary, [RowProblem]) {
        var problems: [RowProblem] = []
        let summary = try await applyCustodyBatch(provenance(source), rows: ArrayRowSource(records)) { problems.append($0) }
        return (summary, problems)
    }
}

import Foundation
import VigilCore
import VigilCrypto
import VigilFeeds

/// Imports a facilities file (`code,name,address,city,state,postal_code,phone,visiting_info`).
/// Facilities are public information, so rejected rows are reported with line and reason only.
public enum FacilitiesImport {
    public struct Report: Sendable, Codable {
        public var summary: BatchSummary
        public var problems: [RowProblem]
    }

    public static func run(path: String, source: String, store: some Store, receivedAt: Timestamp) async throws -> Report {
        let fileSHA256: String
        do { fileSHA256 = try FileDigest.sha256Hex(path: path) } catch {
            throw FeedFileError.cannotOpen(path: path, reason: "the file does not exist or cannot be read")
        }
        var reader = try openFeed(path: path, expectedColumns: FacilityColumn.names)
        let decoder = try FacilityRowDecoder(columns: reader.columns, path: path)
        var facilities: [Facility] = []
        var problems: [RowProblem] = []
        var seen = Set<String>()
        while let raw = try reader.next() {
            switch decoder.decode(raw) {
            case .success(let facility):
                if seen.insert(facility.code).inserted {
                    facilities.append(facility)
                } else {
                    problems.append(RowProblem(line: raw.line, column: "code", reason: "repeats a code given earlier in the file"))
                }
            case .failure(let problem):
                problems.append(problem)
            }
        }
        let provenance = BatchProvenance(
            source: source, fileName: (path as NSString).lastPathComponent, fileSHA256: fileSHA256, receivedAt: receivedAt
        )
        let summary = try await store.importFacilities(provenance, facilities: facilities, rejected: problems.count)
        return Report(summary: summary, problems: problems)
    }
}

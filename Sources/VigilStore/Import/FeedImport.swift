import Foundation
import VigilCore
import VigilCrypto
import VigilFeeds

/// Imports one feed file into a store: read → decode → apply in one transaction, with every
/// rejected row written to a reject file beside the input and counted in the summary.
///
/// What this reports (summary, errors, progress) never contains a field value: values are
/// personal data. The reject file does hold the rejected rows, since the agency needs them to fix
/// and resend; it sits next to the agency's own input and is written with mode 0600.
public struct FeedImport {
    public struct Report: Sendable, Codable {
        public var summary: BatchSummary
        /// Header columns that are not in feed v1; their values were not stored.
        public var unknownColumns: [String]
        /// Where rejected rows were written, when any were.
        public var rejectsFile: String?
        /// The first rejections, for a terminal summary (line, column, reason; no values).
        public var firstProblems: [RowProblem]

        enum CodingKeys: String, CodingKey {
            case summary, unknownColumns = "unknown_columns", rejectsFile = "rejects_file"
            case firstProblems = "first_problems"
        }
    }

    public static let problemsKept = 20

    /// Where the rejects of `path` go: `feed.csv` → `feed.csv.rejects.csv`.
    public static func rejectsPath(for path: String) -> String { path + ".rejects.csv" }

    public static func run(
        path: String, source: String, store: some Store, receivedAt: Timestamp,
        progress: (@Sendable (_ bytesRead: Int, _ fileSize: Int) -> Void)? = nil
    ) async throws -> Report {
        let fileSHA256: String
        do { fileSHA256 = try FileDigest.sha256Hex(path: path) } catch {
            throw FeedFileError.cannotOpen(path: path, reason: "the file does not exist or cannot be read")
        }
        let reader = try openFeed(path: path, expectedColumns: FeedColumn.names)
        let decoder = try CustodyRowDecoder(columns: reader.columns, path: path)
        let rows = DecodingSource(reader: reader, decoder: decoder, progress: progress)
        let rejects = RejectWriter(path: rejectsPath(for: path), columns: reader.columns)

        let provenance = BatchProvenance(
            source: source, fileName: (path as NSString).lastPathComponent, fileSHA256: fileSHA256, receivedAt: receivedAt
        )
        let summary = try await store.applyCustodyBatch(provenance, rows: rows) { problem in
            rejects.add(problem, values: rows.currentValues(forLine: problem.line))
        }
        try rejects.finish()
        return Report(
            summary: summary, unknownColumns: decoder.unknownColumns,
            rejectsFile: rejects.count > 0 ? rejects.path : nil, firstProblems: rejects.firstProblems
        )
    }
}

/// Adapts a feed reader and a decoder into the pull source a store consumes.
///
/// A store may read ahead of the row it is writing, on another thread (``ReadAheadRows``), so the raw
/// values of the most recent rows are kept by line, under a lock, for the reject file.
final class DecodingSource: DecodedRowSource, @unchecked Sendable {
    private var reader: any FeedRowReader
    private let decoder: CustodyRowDecoder
    private let progress: (@Sendable (Int, Int) -> Void)?
    private var rowsSinceProgress = 0
    private let lock = NSLock()
    private var recentValues: [Int: [String?]] = [:]
    private var recentLines: [Int] = []
    private var oldest = 0
    /// Far more than any read-ahead holds.
    private static let kept = 16_384

    init(reader: any FeedRowReader, decoder: CustodyRowDecoder, progress: (@Sendable (Int, Int) -> Void)?) {
        self.reader = reader
        self.decoder = decoder
        self.progress = progress
    }

    func next() throws -> DecodedRow? {
        guard let raw = try reader.next() else {
            progress?(reader.fileSize, reader.fileSize)
            return nil
        }
        remember(raw)
        rowsSinceProgress += 1
        if rowsSinceProgress == 4096 {
            rowsSinceProgress = 0
            progress?(reader.bytesRead, reader.fileSize)
        }
        switch decoder.decode(raw) {
        case .success(let record): return .record(line: raw.line, record)
        case .failure(let problem): return .rejected(problem)
        }
    }

    /// The raw values of a recent row, so that a row the store refuses can go to the reject file whole.
    func currentValues(forLine line: Int) -> [String?] {
        lock.withLock { recentValues[line] ?? [] }
    }

    private func remember(_ raw: RawRow) {
        lock.withLock {
            recentValues[raw.line] = raw.values
            if recentLines.count < Self.kept {
                recentLines.append(raw.line)
            } else {
                recentValues[recentLines[oldest]] = nil
                recentLines[oldest] = raw.line
                oldest = (oldest + 1) % Self.kept
            }
        }
    }
}

/// Writes rejected rows as CSV: `line,column,reason`, then the row's own columns.
final class RejectWriter {
    let path: String
    private let columns: [String]
    private var writer: CSVWriter?
    private(set) var count = 0
    private(set) var firstProblems: [RowProblem] = []
    private var failure: Error?

    init(path: String, columns: [String]) {
        self.path = path
        self.columns = columns
        // A reject file from an earlier import of this file would describe rows that may now be fine.
        try? FileManager.default.removeItem(atPath: path)
    }

    func add(_ problem: RowProblem, values: [String?]) {
        count += 1
        if firstProblems.count < FeedImport.problemsKept { firstProblems.append(problem) }
        guard failure == nil else { return }
        do {
            if writer == nil {
                _ = FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
                writer = try CSVWriter(path: path)
                try writer?.write(["line", "column", "reason"] + columns)
            }
            try writer?.write([String(problem.line), problem.column ?? "", problem.reason] + values.map { $0 ?? "" })
        } catch {
            failure = error
        }
    }

    func finish() throws {
        try writer?.close()
        if let failure { throw failure }
    }
}

import ArgumentParser
import Foundation
import VigilCore
import VigilFeeds
import VigilStore

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a custody feed (feed v1, CSV or NDJSON) in one transaction.",
        discussion: """
            Every row is validated; rejected rows are reported by line, column and reason and written to \
            FILE.rejects.csv, and the valid rows are imported. Importing the same file again changes nothing. \
            Exit status: 0 when the file was processed (even with rejected rows), 1 when it cannot be read at all.
            """
    )

    @Argument(help: ArgumentHelp("The feed file (.csv, or .ndjson/.jsonl).", valueName: "file")) var file: String
    @Option(help: ArgumentHelp("The code of the agency the feed comes from.", valueName: "code")) var source: String
    @OptionGroup var store: StoreOptions
    @Flag(help: "Print one JSON object instead of the table.") var json = false

    func validate() throws {
        guard !source.isEmpty, source.utf8.count <= 64,
              source.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) })
        else { throw ValidationError("--source must be 1–64 ASCII letters, digits, '-', '_' or '.'") }
    }

    func run() async throws {
        let (store, keyring) = try await store.open()
        let bar = Terminal.stderrIsTerminal ? ProgressBar(label: "importing") : nil
        let started = Date()
        var progress: (@Sendable (Int, Int) -> Void)?
        if let bar { progress = { done, total in bar.update(done, total) } }
        let report = try await FeedImport.run(
            path: file, source: source, store: store, receivedAt: Clock.now, progress: progress
        )
        let seconds = Date().timeIntervalSince(started)
        _ = try await store.writeCheckpoint(keyring: keyring, at: Clock.now)
        if json {
            try Terminal.printJSON(ImportOutput(report, seconds: seconds))
        } else {
            print(Self.table(report, seconds: seconds))
        }
    }

    private static func eventBreakdown(_ kinds: [String: Int]) -> String {
        guard !kinds.isEmpty else { return "" }
        let parts: [String] = kinds.keys.sorted().map { key in "\(key) \(kinds[key] ?? 0)" }
        return "  (" + parts.joined(separator: ", ") + ")"
    }

    static func table(_ report: FeedImport.Report, seconds: Double?) -> String {
        let s = report.summary
        var lines = [
            "imported \(s.fileName) from source \(s.source) as batch \(s.batchID) (sha256 \(s.fileSHA256.prefix(16))…)",
            "  rows       \(s.rows)",
            "  accepted   \(s.accepted)",
            "  unchanged  \(s.unchanged)",
            "  rejected   \(s.rejected)" + (report.rejectsFile.map { "  → \($0)" } ?? ""),
            "  events     \(s.events)" + eventBreakdown(s.eventsByKind),
        ]
        if let seconds {
            lines.append(String(format: "  time       %.2f s (%.0f rows/s)", seconds, seconds > 0 ? Double(s.rows) / seconds : 0))
        }
        if !report.unknownColumns.isEmpty {
            lines.append("  not stored (not in feed v1): \(report.unknownColumns.joined(separator: ", "))")
        }
        if !report.firstProblems.isEmpty {
            lines.append("first rejected rows:")
            lines += report.firstProblems.map { "  line \($0.line)\($0.column.map { ", column \($0)" } ?? ""): \($0.reason)" }
        }
        return lines.joined(separator: "\n")
    }
}

/// The `--json` shape: the counts at the top level, where scripts look for them.
struct ImportOutput: Encodable {
    let batchID: Int64, source: String, file: String, fileSHA256: String
    let rows: Int, accepted: Int, rejected: Int, unchanged: Int, events: Int
    let eventsByKind: [String: Int]
    let unknownColumns: [String]
    let rejectsFile: String?
    let problems: [Problem]
    let seconds: Double

    struct Problem: Encodable {
        let line: Int, column: String?, reason: String
    }

    init(_ report: FeedImport.Report, seconds: Double) {
        let s = report.summary
        batchID = s.batchID; source = s.source; file = s.fileName; fileSHA256 = s.fileSHA256
        rows = s.rows; accepted = s.accepted; rejected = s.rejected; unchanged = s.unchanged; events = s.events
        eventsByKind = s.eventsByKind
        unknownColumns = report.unknownColumns
        rejectsFile = report.rejectsFile
        problems = report.firstProblems.map { Problem(line: $0.line, column: $0.column, reason: $0.reason) }
        self.seconds = seconds
    }

    enum CodingKeys: String, CodingKey {
        case batchID = "batch_id", source, file, fileSHA256 = "file_sha256", rows, accepted, rejected, unchanged, events
        case eventsByKind = "events_by_kind", unknownColumns = "unknown_columns", rejectsFile = "rejects_file"
        case problems, seconds
    }
}

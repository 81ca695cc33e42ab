import ArgumentParser
import Foundation
import VigilCore
import VigilStore

struct ReviewsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reviews", abstract: "The review queue: conflicts between sources, proposed identity links, disputes.",
        subcommands: [List.self, Resolve.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List open reviews (or all with --all).")
        @OptionGroup var store: StoreOptions
        @Option(help: "Only this source's records.") var source: String?
        @Flag(help: "Include resolved reviews.") var all = false
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let reviews = try await store.openStore().reviews(source: source, includeResolved: all)
            if json { return try Terminal.printJSON(reviews) }
            if reviews.isEmpty { print("no open reviews") }
            for r in reviews {
                let other = r.otherRecordID.map { " ↔ record \($0)" } ?? ""
                let score = r.score.map { String(format: " score %.2f", $0) } ?? ""
                print("\(r.id)  \(r.kind.rawValue)  \(r.source)/\(r.sourceRecordID)\(other)\(score)  \(r.status)\(r.outcome.map { " (\($0))" } ?? "")  opened \(r.openedAt)")
            }
        }
    }

    struct Resolve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Close a review: confirmed (conflict, dispute), upheld (dispute), linked or distinct (identity)."
        )
        @Argument(help: "The review id.") var id: Int64
        @Option(help: "confirmed, upheld, linked or distinct.") var outcome: String
        @Option(help: "Who decided (a role or office, recorded in the audit log).") var reviewer = "cli"
        @OptionGroup var store: StoreOptions

        func run() async throws {
            guard let outcome = ReviewOutcome(rawValue: outcome) else {
                throw ValidationError("--outcome is one of \(ReviewOutcome.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let (opened, keyring) = try await store.open()
            try await opened.resolveReview(id: id, outcome: outcome, by: reviewer, at: Clock.now)
            _ = try await opened.writeCheckpoint(keyring: keyring, at: Clock.now)
            print("review \(id) resolved: \(outcome.rawValue)")
        }
    }
}

struct CorrectionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "corrections", abstract: "Correct records; everyone who received the wrong state is told.",
        subcommands: [Apply.self]
    )

    struct Apply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Replace one record's custody state with the corrected one.")
        @Option(help: "The record's source.") var source: String
        @Option(help: "The record's source_record_id.") var record: String
        @Option(help: "in_custody, released, removed, deceased or escaped.") var status: String
        @Option(help: "When the corrected status took effect (ISO 8601 with offset); default now.") var statusDate: String?
        @Option(help: "Facility code (in_custody).") var facility: String?
        @Option(help: "Release reason (released).") var releaseReason: String?
        @Option(help: "Who corrected it (a role or office, recorded in the audit log).") var reviewer = "cli"
        @OptionGroup var store: StoreOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            guard let status = CustodyStatus(rawValue: status) else { throw ValidationError("--status is not a custody status") }
            let reason = releaseReason.flatMap(ReleaseReason.init(rawValue:))
            if status == .released && reason == nil { throw ValidationError("a release needs --release-reason") }
            if status == .inCustody && facility == nil { throw ValidationError("in_custody needs --facility") }
            let when = try statusDate.map { text in
                guard let t = Timestamp(iso: text) else { throw ValidationError("--status-date must be ISO 8601 with an offset") }
                return t
            } ?? Clock.now
            let (opened, keyring) = try await store.open()
            guard let summary = try await opened.correct(
                source: source, sourceRecordID: record,
                to: CorrectedCustody(status: status, statusDate: when, facilityCode: facility, releaseReason: reason),
                by: reviewer, at: Clock.now)
            else { throw ValidationError("source \(source) has no record with that source_record_id") }
            _ = try await opened.writeCheckpoint(keyring: keyring, at: Clock.now)
            if json { return try Terminal.printJSON(summary) }
            print("corrected record \(summary.recordID): \(summary.notifiedRegistrations.count) registrations will be sent a correction, \(summary.withdrawnNotices) unsent notices withdrawn")
        }
    }
}

struct QualityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quality",
        abstract: "Per source: rows, reject rate by reason, conflicts, disputes, corrections, staleness."
    )
    @OptionGroup var store: StoreOptions
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let report = try await store.openStore().quality(now: Clock.now)
        if json { return try Terminal.printJSON(report) }
        if report.isEmpty { print("no custody batches yet") }
        for q in report {
            print("""
                \(q.source): \(q.batches) batches, \(q.rows) rows, \(q.rejected) rejected (\(String(format: "%.2f", q.rejectRate * 100)) %), \
                \(q.conflicts) conflicts, \(q.disputes) disputes, \(q.corrections) corrections, last batch \(q.lastBatchAt) \
                (\(q.staleness / 3600) h ago)
                """)
            for (reason, count) in q.rejectsByReason.sorted(by: { $0.value > $1.value }) { print("    \(count)  \(reason)") }
        }
    }
}

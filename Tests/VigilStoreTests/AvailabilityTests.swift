import Foundation
import Testing
import VigilCore
import VigilCrypto
import VigilFeeds
@testable import VigilStore

/// Issue 15: lookups stay up while records are purged, on each store (lookups beside an import of
/// 100,000 rows are tested as an operator meets them, `vigil import` beside `vigil serve`, on each store:
/// VigilCLITests.ImportAvailabilityTests).
///
/// A lookup here is its store half, as `LookupService` does it: the indexed read of the person's records
/// (with the decoy decryption of a miss) and the audit append that must commit before the answer.
///
/// The bounds are correctness bounds on availability, not a benchmark (an idle lookup takes a few ms):
/// every lookup succeeds and is audited, 99 % within the issue's 200 ms, none waits a second (a wait for
/// the purge's lock would). The allowance of 1 % is for CPU scheduling on a shared two-core machine in a
/// debug build; "none over 200 ms" is the bench's figure on a release build.
/// Before, each purge chunk of 2,000 held the one write lock that lookups' audit appends waited for.
/// The availability bounds are timings, which mean something only on an otherwise idle machine: `swift test`
/// runs them when `VIGIL_AVAILABILITY_TESTS=1`, and `.ci/run` runs them so, alone, after the parallel suite.
let availabilityTimingsEnabled = ProcessInfo.processInfo.environment["VIGIL_AVAILABILITY_TESTS"] == "1"
let availabilityTimingsNote: Comment = "timing bounds: run alone with VIGIL_AVAILABILITY_TESTS=1 (as .ci/run does)"

@Suite(.serialized) struct AvailabilityTests {
    static let bound: Duration = .milliseconds(200)
    static let interval: Duration = .milliseconds(100)

    /// Lookups every 100 ms until `done` says the work beside them has finished; each one's time.
    final class Prober: @unchecked Sendable {
        let store: any CompleteStore
        let aNumber: ANumber
        private let lock = NSLock()
        private var finished = false
        private(set) var timings: [(id: String, took: Duration)] = []

        init(store: any CompleteStore, aNumber: ANumber) {
            self.store = store
            self.aNumber = aNumber
        }

        func finish() { lock.withLock { finished = true } }
        var isFinished: Bool { lock.withLock { finished } }

        func run() async throws {
            let clock = ContinuousClock()
            var index = 0
            while !isFinished {
                let started = clock.now
                let id = "probe-\(index)"
                let records = try await store.records(aNumber: aNumber)
                try store.padDecryptions(opened: records.count)
                _ = try await store.appendAudit([AuditEntry(
                    kind: .lookup, recordedAt: ts("2026-03-02T12:00:00Z"),
                    fields: ["case_id": id, "tier": "public", "answer": records.isEmpty ? "no_match" : "match"])])
                let took = clock.now - started
                lock.withLock { timings.append((id, took)) }
                index += 1
                try await Task.sleep(for: max(.milliseconds(1), AvailabilityTests.interval - took))
            }
        }
    }

    /// Every probe answered within the bound, enough of them ran beside the work to prove something,
    /// and each is in the audit log.
    func expectAvailable(_ prober: Prober, _ db: StoreHarness, atLeast minimum: Int) async throws {
        let timings = prober.timings
        #expect(timings.count >= minimum, "only \(timings.count) lookups ran beside the work")
        let slow = timings.filter { $0.took > Self.bound }
        #expect(slow.count * 100 <= timings.count, "lookups over \(Self.bound): \(slow.map { "\($0.took)" }) of \(timings.count)")
        #expect(timings.allSatisfy { $0.took < .seconds(1) }, "a lookup waited: \(timings.map(\.took).max() ?? .zero)")
        var audited = Set<String>()
        var after = -1
        while true {
            let page = try await db.store.auditEntries(after: after, limit: 5_000)
            guard let last = page.last else { break }
            audited.formUnion(page.compactMap { $0.entry.fields["case_id"] })
            after = last.seq
        }
        #expect(Set(timings.map(\.id)).isSubset(of: audited))
    }

    static func people(_ count: Int, seed: UInt64) -> [CustodyRecord] {
        let population = SyntheticPopulation(people: count, seed: seed, asOf: day("2026-03-01"))
        return (0..<count).map { population.person($0).record }
    }

    @Test(.enabled(if: availabilityTimingsEnabled, availabilityTimingsNote), .timeLimit(.minutes(10)), arguments: StoreKind.available)
    func lookupsDuringAFirstPurgeAnswerWithinTheBoundAndAreAudited(_ kind: StoreKind) async throws {
        let db = try await StoreHarness.make(kind)
        let known = record("KNOWN-1", aNumber: "A998877665")
        _ = try await db.store.apply([known], source: "AZB")
        // 20,000 people released long ago: all due at once, as at the first start after an upgrade.
        let released = Self.people(20_000, seed: 16).enumerated().map { index, person in
            var person = person
            person.custody = CustodyState(
                status: .released, statusDate: ts("2025-01-10T10:00:00Z"), bookingDate: day("2025-01-01"),
                facilityCode: nil, releaseReason: .bond)
            person.sourceRecordID = "OLD-\(index)"
            return person
        }
        _ = try await db.store.apply(released)

        let prober = Prober(store: db.store, aNumber: known.aNumber!)
        async let probing: Void = prober.run()
        let summary: PurgeSummary
        do {
            summary = try await db.store.purge(policy: RetentionPolicy(days: 60), now: ts("2026-03-02T00:00:00Z"))
            prober.finish()
        } catch {
            prober.finish()
            try await probing
            throw error
        }
        try await probing

        #expect(summary.records == 20_000)
        try await expectAvailable(prober, db, atLeast: 3)
    }

    @Test func thePaceShrinksASlowTransactionGrowsAFastOneAtMostTwofoldAndRestsHalfAsLongAsItTook() {
        let pacing = PurgePacing(firstChunk: 200, smallestChunk: 10, largestChunk: 2_000,
                                 transactionBudget: .milliseconds(25), pause: .milliseconds(10))
        #expect(pacing.nextChunk(after: 200, took: .milliseconds(100)) == 50)
        #expect(pacing.nextChunk(after: 200, took: .milliseconds(1)) == 400)
        #expect(pacing.nextChunk(after: 1_500, took: .milliseconds(1)) == 2_000)
        #expect(pacing.nextChunk(after: 20, took: .seconds(2)) == 10)
        #expect(pacing.rest(after: .milliseconds(3)) == .milliseconds(10))
        #expect(pacing.rest(after: .milliseconds(40)) == .milliseconds(20))
    }
}

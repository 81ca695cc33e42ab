import Foundation
import Testing
import VigilCrypto
import VigilStore

/// `vigil stats` as an operator uses it: one release a month, served again for free, refused past
/// the budget with a message that says what is left and when it renews.
@Suite struct StatsCommandTests {
    @Test func aReleaseIsPaidOnceServedAgainAndRefusedPastTheBudget() async throws {
        let work = try WorkDirectory()
        try work.vigil("generate", "--people", "1500", "--seed", "4", "--output", "data")
        try work.vigil("facilities", "import", "data/facilities.csv")
        let imported = try work.vigil("import", "data/feed.csv", "--source", "TXA")
        #expect(imported.status == 0, "\(imported.stderr)")

        let first = try work.vigil("stats", "--format", "json")
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("new release for"))
        let json = try first.json()
        #expect(json["kind"] as? String == "published")
        #expect((json["tables"] as? [Any])?.count == 5)

        let again = try work.vigil("stats", "--format", "json")
        #expect(again.stdout == first.stdout, "the same release, at no cost")
        #expect(again.stderr.contains("served again at no cost"))

        let csv = try work.vigil("stats", "--format", "csv")
        #expect(csv.stdout.hasPrefix("release,period,as_of,table,title,group,category,label,count,share,"))

        let refused = try work.vigil("stats", "--epsilon", "1.5")
        #expect(refused.status == 1)
        #expect(refused.stdout.isEmpty, "nothing is published when the budget refuses")
        #expect(refused.stderr.contains("would be overspent: ε 1 of 2 is used and this release asks for 1.5, leaving 1"))
        #expect(refused.stderr.contains("The budget renews on"))

        let raw = try work.vigil("stats", "--raw", "--format", "csv")
        #expect(raw.status == 0)
        #expect(raw.stderr.contains("OVERSIGHT ONLY"))
        let rows = raw.stdout.split(separator: "\r\n").dropFirst()
        #expect(!rows.isEmpty && rows.allSatisfy { $0.hasPrefix("OVERSIGHT ONLY - not for publication,") })

        // The log accounts for the one release published and the one viewing of true counts.
        let store = try SQLiteStore(path: work.path("vigil.sqlite"), keyring: try Keyring.load(path: work.path("vigil.sqlite.keyring")))
        let statistics = try await store.auditEntries(after: -1, limit: 1_000).map(\.entry).filter { $0.kind == .statistics }
        #expect(statistics.map { $0.fields["action"] } == ["statistics_released", "raw_statistics_viewed"])
        #expect(statistics.last?.fields["via"] == "cli")
    }

    @Test func aMissingDatabaseIsNotCreated() throws {
        let work = try WorkDirectory()
        let result = try work.vigil("stats", "--database", "absent.sqlite")
        #expect(result.status != 0)
        #expect(result.stderr.contains("there is no database at absent.sqlite"))
        #expect(!FileManager.default.fileExists(atPath: work.path("absent.sqlite")))
    }
}

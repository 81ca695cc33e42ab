import Foundation
import Testing
import VigilCore
import VigilFeeds
import VigilStore
@testable import VigilStats

/// JSON, CSV and HTML: every table carries its definitions, denominator and shares; no label
/// uses a forbidden phrase; every text is escaped.
@Suite("Rendering")
struct RenderingTests {
    static let now = ts("2026-11-25T12:00:00Z")

    /// A release of a small synthetic population (2,000 people): most cells are published.
    static let release = Task { () throws -> StatisticsRelease in
        let db = try StatsStore()
        try await db.importPopulation(SyntheticPopulation(people: 2_000, seed: 5, asOf: day("2026-11-25")), changes: false)
        var generator = SeededGenerator(seed: 9)
        return try await StatisticsPublisher(store: db.store).release(now: now, using: &generator).release
    }

    @Test("the JSON carries, for every table, a definition for every category, a denominator and shares")
    func json() async throws {
        let release = try await Self.release.value
        let object = try #require(try JSONSerialization.jsonObject(with: try release.jsonData()) as? [String: Any])
        #expect(object["kind"] as? String == "published")
        let privacy = try #require(object["privacy"] as? [String: Any])
        #expect(privacy["epsilon_per_table"] as? Double == 1.0)
        #expect(privacy["suppression_threshold"] as? Int == 11)
        let tables = try #require(object["tables"] as? [[String: Any]])
        #expect(tables.count == 5)
        for table in tables {
            let id = table["id"] as? String ?? "?"
            #expect((table["denominator"] as? String ?? "").count > 40, "\(id) has a denominator")
            let definitions = try #require(table["definitions"] as? [[String: Any]])
            let defined = Set(definitions.compactMap { ($0["definition"] as? String)?.isEmpty == false ? $0["category"] as? String : nil })
            let cells = try #require(table["cells"] as? [[String: Any]])
            #expect(Set(cells.compactMap { $0["category"] as? String }).isSubset(of: defined), "\(id): every category is defined")
            for cell in cells where cell["suppressed"] as? Bool == false {
                #expect(cell["count"] is Int && cell["share"] is Double && cell["share_standard_deviation"] is Double, "\(id): never a bare count")
            }
            for cell in cells where cell["suppressed"] as? Bool == true {
                #expect(cell["count"] == nil && cell["share"] == nil)
            }
        }
        // It reads back as what was written.
        #expect(try StatisticsRelease(jsonData: try release.jsonData()) == release)
    }

    @Test("the CSV has a row per cell, each with its table's denominator and its category's definition")
    func csv() async throws {
        let release = try await Self.release.value
        let text = StatisticsCSV.render(release)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-stats-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(text.utf8).write(to: file)
        let reader = try CSVRowReader(path: file.path)
        #expect(reader.columns == StatisticsCSV.header)
        let column = Dictionary(uniqueKeysWithValues: reader.columns.enumerated().map { ($1, $0) })
        var rows = 0
        while let row = try reader.next() {
            rows += 1
            #expect(row.problem == nil)
            let value = { (name: String) in row.values[column[name]!] ?? "" }
            #expect(value("release") == "published")
            #expect(!value("denominator").isEmpty && !value("definition").isEmpty && !value("title").isEmpty)
            if value("status") == "published" {
                #expect(Int(value("count")) ?? 0 >= 11 && Double(value("share")) != nil)
            } else {
                #expect(value("status") == "suppressed: fewer than 11" && value("count").isEmpty && value("share").isEmpty)
            }
        }
        #expect(rows == release.tables.reduce(0) { $0 + $1.cells.count })
    }

    @Test("no text of a release uses the phrase \"criminal alien\", and a release that did would be refused")
    func vocabulary() async throws {
        let release = try await Self.release.value
        let everything = (release.allText + [StatisticsCSV.render(release), StatisticsPage.render(release)]).joined(separator: "\n")
        for phrase in PublicationVocabulary.forbiddenPhrases {
            #expect(!PublicationVocabulary.fold(everything).contains(phrase))
        }
        for label in ["Criminal aliens", "CRIMINAL-ALIEN", "criminal  alien", "Criminal Alíen"] {
            var edited = release
            edited.tables[0].cells[0].label = label
            #expect(throws: StatisticsError.self) { try PublicationVocabulary.check(edited) }
        }
    }

    @Test("the page is English, has no script, escapes every text and draws each table as SVG with a title and description")
    func page() async throws {
        var release = try await Self.release.value
        release.tables[0].title = "Title <script>alert(1)</script> & \"quoted\""
        let html = StatisticsPage.render(release)
        #expect(html.hasPrefix("<!doctype html>\n<html lang=\"en\">"))
        #expect(!html.lowercased().contains("<script"))
        #expect(html.contains("Title &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quoted&quot;"))
        #expect(html.components(separatedBy: "<svg ").count - 1 == release.tables.count)
        #expect(html.components(separatedBy: "<title id=").count - 1 == release.tables.count)
        #expect(html.components(separatedBy: "<desc id=").count - 1 == release.tables.count)
        #expect(html.contains("No criminal charge or conviction"))
        #expect(html.contains("What the total and shares are of"))
    }

    @Test("an oversight release says on every row that it is not for publication")
    func oversightLabels() async throws {
        let db = try StatsStore()
        try await db.apply([person("O-1", aNumber: "A944444441")])
        let raw = try await StatisticsPublisher(store: db.store).oversightRelease(now: Self.now)
        #expect(raw.kind == .rawOversightOnly && raw.privacy == nil)
        #expect(raw.notice.hasPrefix("OVERSIGHT ONLY, NOT FOR PUBLICATION"))
        let lines = StatisticsCSV.render(raw).split(separator: "\r\n").dropFirst()
        #expect(!lines.isEmpty && lines.allSatisfy { $0.hasPrefix("OVERSIGHT ONLY - not for publication,") })
        #expect(try raw.table("custody_by_criminal_history").cell("none").count == 1, "true counts, however small")
        #expect(StatisticsPage.render(raw).contains("class=\"notice oversight\""))
    }

    @Test("numbers are formatted the same on every machine")
    func formats() {
        #expect(TextFormat.count(1_234_567) == "1,234,567" && TextFormat.count(999) == "999" && TextFormat.count(0) == "0")
        #expect(TextFormat.percent(0.60123) == "60.1%" && TextFormat.percent(0.0001) == "<0.1%" && TextFormat.percent(0) == "0.0%")
        #expect(TextFormat.fixed(12.345678, decimals: 2) == "12.35" && TextFormat.fixed(3, decimals: 1) == "3.0")
        #expect(TextFormat.percentagePoints(0.000028) == "0.003" && TextFormat.percentagePoints(0.000001) == "<0.001")
        #expect(TextFormat.escape("<a href='x'>&</a>") == "&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;")
    }
}

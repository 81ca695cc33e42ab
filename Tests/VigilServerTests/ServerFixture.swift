import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import VigilCore
import VigilCrypto
import VigilFeeds
import VigilNotify
import VigilServer
import VigilStore

/// A store with one invented person of each kind the disclosure policy distinguishes, and a router over it.
final class ServerFixture: @unchecked Sendable {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-server-\(UUID().uuidString)")
    let keyring = Keyring.generate()
    let store: SQLiteStore
    let logs = CapturedLogs()
    let today = Timestamp(secondsSinceEpoch: Int64(Date().timeIntervalSince1970)).utcDate

    /// The people, by what they are. All invented.
    enum Kind: String, CaseIterable {
        case adult, released, minorAtBooking, minorToday, infant, unknownBirth
        case vawa1367, tVisa, uVisa, asylumPending, victimWitness, courtSealed
    }

    var people: [Kind: CustodyRecord] = [:]

    init() async throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try SQLiteStore(path: directory.appendingPathComponent("vigil.sqlite").path, keyring: keyring)
        _ = try await store.importFacilities(
            BatchProvenance(source: "TXA", fileName: "facilities.csv", fileSHA256: "0", receivedAt: now),
            facilities: [Facility(code: "FAC001", name: "Northgate Processing Center", city: "Velmar", state: "TX",
                                  phone: "555-0100", visitingInfo: "Daily 8:00–15:00")],
            rejected: 0
        )
        for (i, kind) in Kind.allCases.enumerated() { people[kind] = record(kind, index: i) }
        let rows = Kind.allCases.map { people[$0]! }
        _ = try await store.applyCustodyBatch(
            BatchProvenance(source: "TXA", fileName: "feed.csv", fileSHA256: "1", receivedAt: now),
            rows: Rows(rows)) { problem in Issue.record("fixture row rejected: \(problem)") }
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    var now: Timestamp { Timestamp(secondsSinceEpoch: Int64(Date().timeIntervalSince1970)) }

    func aNumber(_ kind: Kind) -> String { people[kind]!.aNumber!.formatted }

    private func record(_ kind: Kind, index: Int) -> CustodyRecord {
        var birth: CalendarDate? = today.adding(days: -40 * 365)
        var booking = today.adding(days: -30)
        var protections: Set<Protection> = []
        var status = CustodyStatus.inCustody
        switch kind {
        case .minorAtBooking: booking = today.adding(days: -800); birth = booking.adding(days: -(17 * 365 + 100))
        case .minorToday: birth = today.adding(days: -(16 * 365))
        case .infant: birth = today.adding(days: -200)
        case .unknownBirth: birth = nil
        case .vawa1367: protections = [.vawa1367]
        case .tVisa: protections = [.tVisa]
        case .uVisa: protections = [.uVisa]
        case .asylumPending: protections = [.asylumPending]
        case .victimWitness: protections = [.victimWitness]
        case .courtSealed: protections = [.courtSealed]
        case .released: status = .released
        case .adult: break
        }
        let statusDate = Timestamp(secondsSinceEpoch: Int64(booking.dayNumber) * 86_400 + 36_000)
        return CustodyRecord(
            sourceRecordID: "BK-\(index)", aNumber: try! ANumber(parsing: "A9876500\(10 + index)"),
            name: PersonName(family: "Zorvandel\(index)", given: "Quimetra"), dateOfBirth: birth,
            countryOfBirth: try! CountryCode(parsing: "HN"), criminalHistory: .none, protections: protections,
            custody: CustodyState(
                status: status, statusDate: statusDate, bookingDate: booking,
                facilityCode: status == .inCustody ? "FAC001" : nil, releaseReason: status == .released ? .bond : nil)
        )
    }

    /// Tests register loopback receivers, so private webhook hosts are allowed unless a test passes its own policy.
    func router(
        publicPerMinute: Int = 1000, missesBeforeAlert: Int = 1000,
        webhooks: WebhookAddressPolicy = .init(allowPrivate: true), configure: (inout ServerConfiguration) -> Void = { _ in }
    ) throws -> Router<VigilRequestContext> {
        var configuration = ServerConfiguration(limits: .init(publicPerMinute: publicPerMinute, missesBeforeAlert: missesBeforeAlert))
        configuration.webhooks = webhooks
        configure(&configuration)
        return try VigilServer.router(store: store, keyring: keyring, configuration: configuration, clock: { [now] in now }, logger: logs.logger)
    }

    func token(_ tier: AccessTier, source: String? = nil) async throws -> String {
        let token = AccountToken.generate()
        _ = try await store.createAccount(tier: tier, name: "Test \(tier.name)", source: source, tokenHash: AccountToken.hash(token), at: now)
        return token
    }

    final class Rows: DecodedRowSource {
        var rows: [CustodyRecord]
        var line = 1
        init(_ rows: [CustodyRecord]) { self.rows = rows }
        func next() throws -> DecodedRow? {
            guard !rows.isEmpty else { return nil }
            line += 1
            return .record(line: line, rows.removeFirst())
        }
    }
}

/// Every log line the server writes, with its metadata, for scanning.
final class CapturedLogs: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    var logger: Logger {
        var logger = Logger(label: "vigil-test") { _ in Handler(sink: self) }
        logger.logLevel = .trace
        return logger
    }

    var text: String { lock.withLock { lines.joined(separator: "\n") } }

    func append(_ line: String) { lock.withLock { lines.append(line) } }

    struct Handler: LogHandler {
        let sink: CapturedLogs
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { $1 }
            sink.append("\(event.level) \(event.message) \(all)")
        }
    }
}

extension TestClientProtocol {
    func lookup(_ aNumber: String, _ country: String, token: String? = nil) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let token { headers[.authorization] = "Bearer \(token)" }
        let body = #"{"a_number":"\#(aNumber)","country_of_birth":"\#(country)"}"#
        return try await execute(uri: "/api/v1/lookup", method: .post, headers: headers, body: ByteBuffer(string: body))
    }
}

extension TestResponse {
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any] ?? [:] }
    var text: String { String(buffer: body) }
    /// Status, headers other than Date, and body: what "byte-identical" compares.
    var fingerprint: String {
        let fields = headers.filter { $0.name != .date }.map { "\($0.name.canonicalName): \($0.value)" }.sorted()
        return "\(status.code)\n\(fields.joined(separator: "\n"))\n\(text)"
    }
}

import Foundation
import Hummingbird
import HummingbirdTesting
import PropertyBased
import Testing
import VigilCore
@testable import VigilServer

/// Every bound in openapi.yaml is enforced, and nothing out of bounds reaches a handler.
@Suite struct RequestBoundsTests {
    @Test func aValidityOfTwoHundredTrillionDaysIsRefusedNotAnOverflow() async throws {
        let fixture = try await ServerFixture()
        let agency = try await fixture.token(.agency, source: "TXA")
        let app = Application(router: try fixture.router())
        try await app.test(.router) { client async throws in
            let response = try await client.execute(
                uri: "/api/v1/cases", method: .post,
                headers: [.contentType: "application/json", .authorization: "Bearer \(agency)"],
                body: ByteBuffer(string: #"{"source_record_id":"BK-0","valid_days":200000000000000}"#))
            #expect(response.status == .badRequest)
            #expect(response.headers[.contentType] == "application/problem+json")
            #expect(!response.text.contains("200000000000000"))
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
        }
    }

    @Test func aNegativeAlertLimitIsRefused() async throws {
        let fixture = try await ServerFixture()
        let oversight = try await fixture.token(.oversight)
        let app = Application(router: try fixture.router())
        try await app.test(.router) { client async throws in
            let bearer: HTTPFields = [.authorization: "Bearer \(oversight)"]
            #expect(try await client.execute(uri: "/api/v1/alerts?limit=-1", method: .get, headers: bearer).status == .badRequest)
            #expect(try await client.execute(uri: "/api/v1/alerts?limit=0", method: .get, headers: bearer).status == .badRequest)
            #expect(try await client.execute(uri: "/api/v1/alerts?limit=1000", method: .get, headers: bearer).status == .ok)
            #expect(try await client.execute(uri: "/api/v1/audit/entries?after=-2", method: .get, headers: bearer).status == .badRequest)
        }
    }

    /// The table the middleware enforces holds every bound the document declares, operation by
    /// operation, and no other.
    @Test func theEnforcedBoundsAreTheDocumentsBounds() throws {
        let document = String(decoding: try VigilServer.openAPIDocument(), as: UTF8.self)
        let declared = OpenAPIBoundScanner.bounds(in: document)
        var enforced = Set<String>()
        for (route, fields) in RequestBounds.routes {
            for field in fields {
                switch field.bound {
                case .string(let maxLength): enforced.insert("\(route) \(field.name) maxLength \(maxLength)")
                case .integer(let minimum, let maximum):
                    if let minimum { enforced.insert("\(route) \(field.name) minimum \(minimum)") }
                    if let maximum { enforced.insert("\(route) \(field.name) maximum \(maximum)") }
                }
            }
        }
        // The scanner reads both forms: a component schema behind a request body, and a query parameter.
        #expect(declared.contains("POST /api/v1/lookup a_number maxLength 32"))
        #expect(declared.contains("GET /api/v1/alerts limit minimum 1"))
        #expect(declared == enforced)
    }

    /// Out-of-range values, posted at random to every bounded field of every operation: always a 4xx,
    /// and the server keeps serving.
    @Test func randomOutOfRangeValuesAreRefusedAndTheServerLives() async throws {
        let fixture = try await ServerFixture()
        let agency = try await fixture.token(.agency, source: "TXA")
        let oversight = try await fixture.token(.oversight)
        let app = Application(router: try fixture.router())
        try await app.test(.live) { client async throws in
            for (route, fields) in RequestBounds.routes.sorted(by: { $0.key < $1.key }) {
                let parts = route.split(separator: " ")
                let (method, path) = (HTTPRequest.Method(String(parts[0]))!, String(parts[1]))
                let token = Self.tokens[path].map { $0 == .agency ? agency : oversight }
                for field in fields {
                    func send(_ value: any Sendable) async throws -> HTTPResponse.Status {
                        var headers: HTTPFields = [.contentType: "application/json"]
                        if let token { headers[.authorization] = "Bearer \(token)" }
                        if field.location == .query {
                            return try await client.execute(uri: "\(path)?\(field.name)=\(value)", method: method, headers: headers).status
                        }
                        var body = Self.validBodies[path] ?? [:]
                        body[field.name] = value
                        let data = try JSONSerialization.data(withJSONObject: body)
                        return try await client.execute(uri: path, method: method, headers: headers, body: ByteBuffer(data: data)).status
                    }
                    switch field.bound {
                    case .integer(let minimum, let maximum):
                        await propertyCheck(count: 20, input: Gen.bool(), Gen.int64(in: 1...Int64.max)) { below, distance in
                            let status = try await send(Self.outside(minimum: minimum, maximum: maximum, below: below, by: distance))
                            #expect((400..<500).contains(status.code), "\(route) \(field.name)")
                        }
                    case .string(let maxLength):
                        // One to a few hundred characters over the limit, letters and non-ASCII alike.
                        let strings = Gen.character(in: "A"..."\u{05FF}").string(of: (maxLength + 1)...(maxLength + 300))
                        await propertyCheck(count: 20, input: strings) { value in
                            let status = try await send(value)
                            #expect((400..<500).contains(status.code), "\(route) \(field.name)")
                        }
                    }
                }
            }
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
        }
    }

    /// An integer `distance` below the minimum or above the maximum (whichever the field has, or the
    /// side asked for), clamped to the ends of Int64.
    static func outside(minimum: Int64?, maximum: Int64?, below: Bool, by distance: Int64) -> Int64 {
        if let minimum, below || maximum == nil {
            let (value, overflow) = minimum.subtractingReportingOverflow(distance)
            return overflow ? .min : value
        }
        let (value, overflow) = maximum!.addingReportingOverflow(distance)
        return overflow ? .max : value
    }

    static let tokens: [String: AccessTier] = [
        "/api/v1/cases": .agency, "/api/v1/corrections": .agency, "/api/v1/alerts": .oversight, "/api/v1/audit/entries": .oversight,
    ]

    /// A body each operation accepts, so that only the field under test is out of bounds.
    static let validBodies: [String: [String: any Sendable]] = [
        "/api/v1/lookup": ["a_number": "A000000001", "country_of_birth": "HN"],
        "/api/v1/cases": ["source_record_id": "BK-0"],
        "/api/v1/registrations": ["case_code": "AAAA-BBBB-CCCC-DDDD", "channel": "email", "address": "v@example.org", "language": "en"],
        "/api/v1/acknowledgements": ["message_id": "msg_x", "pin": "000000"],
        "/api/v1/disputes": ["a_number": "A000000001", "country_of_birth": "HN", "filed_by": "person", "reference": "R-1"],
        "/api/v1/corrections": [
            "source_record_id": "BK-0", "status": "in_custody", "status_date": "2026-01-01T00:00:00Z", "facility_code": "FAC001",
        ],
    ]
}

/// Finds the bounds in openapi.yaml by reading it as text: each `minimum`, `maximum` or `maxLength`,
/// the property or parameter it belongs to, and the operation (`METHOD /path`) that takes it — directly,
/// or through a request body's `$ref` to a component schema. Enough for this document's two styles
/// (`name: { type: integer, minimum: 1 }` and a block under `name:`), and independent of the server's table.
enum OpenAPIBoundScanner {
    static func bounds(in document: String) -> Set<String> {
        var found: [(owner: String, bound: String)] = []
        var requestSchemas: [String: [String]] = [:]
        var keys: [(indent: Int, key: String)] = []
        var parameter: String?
        for raw in document.split(separator: "\n", omittingEmptySubsequences: true) {
            var line = Substring(raw)
            let indent = line.prefix { $0 == " " }.count
            line = line.dropFirst(indent)
            var keyIndent = indent
            if line.hasPrefix("- ") { line = line.dropFirst(2); keyIndent += 2 }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = String(line[..<colon])
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            keys.removeAll { $0.indent >= keyIndent }
            defer { keys.append((keyIndent, key)) }
            if key == "name", indent < keyIndent { parameter = value }
            guard let owner = owner(keys) else { continue }
            if !owner.hasPrefix("#"), keys.contains(where: { $0.key == "requestBody" }),
               let ref = value.range(of: "#/components/schemas/") {
                requestSchemas["#" + value[ref.upperBound...].prefix { $0.isLetter || $0.isNumber }, default: []].append(owner)
            }
            let field = { (candidate: String) in candidate == "schema" ? parameter ?? candidate : candidate }
            for kind in ["minimum", "maximum", "maxLength"] {
                if key == kind, let parent = keys.last {
                    found.append((owner, "\(field(parent.key)) \(kind) \(value)"))
                } else if value.hasPrefix("{"), let range = value.range(of: "\(kind): ") {
                    let number = value[range.upperBound...].prefix { $0 == "-" || $0.isNumber }
                    found.append((owner, "\(field(key)) \(kind) \(number)"))
                }
            }
        }
        return Set(found.flatMap { owner, bound in
            (owner.hasPrefix("#") ? requestSchemas[owner] ?? [] : [owner]).map { "\($0) \(bound)" }
        })
    }

    /// `METHOD /path` inside `paths`, `#Name` inside `components/schemas`, or nothing.
    private static func owner(_ keys: [(indent: Int, key: String)]) -> String? {
        let at = { (indent: Int) in keys.first { $0.indent == indent }?.key }
        switch at(0) {
        case "paths": return at(2).flatMap { path in at(4).map { "\($0.uppercased()) \(path)" } }
        case "components" where at(2) == "schemas": return at(4).map { "#" + $0 }
        default: return nil
        }
    }
}

import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import VigilServer

/// Every check holds for the route, whatever the spelling of its path.
@Suite struct PathSpellingTests {
    static let limitedRoutes: [(path: String, body: String)] = [
        ("/api/v1/lookup", #"{"a_number":"A000000001","country_of_birth":"HN"}"#),
        ("/api/v1/registrations", #"{"case_code":"AAAA-BBBB-CCCC-DDDD","channel":"email","address":"v@example.org","language":"en"}"#),
        ("/api/v1/acknowledgements", #"{"message_id":"msg_x","pin":"000000"}"#),
        ("/api/v1/disputes", #"{"a_number":"A000000001","country_of_birth":"HN","filed_by":"person","reference":"R-1"}"#),
    ]

    static func spellings(of path: String) -> [String] {
        let doubledInside = path.replacingOccurrences(of: "/v1/", with: "/v1//")
        return [path + "/", "/" + path, doubledInside, "/" + doubledInside + "//"]
    }

    @Test(arguments: limitedRoutes.map(\.path))
    func aLimitedRouteIsLimitedHoweverItsPathIsSpelled(path: String) async throws {
        let body = try #require(Self.limitedRoutes.first { $0.path == path }?.body)
        for spelling in Self.spellings(of: path) {
            let fixture = try await ServerFixture()
            let app = Application(router: try fixture.router(publicPerMinute: 1))
            try await app.test(.router) { client async throws in
                let first = try await client.execute(
                    uri: path, method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: body))
                #expect(first.status != .tooManyRequests)
                let again = try await client.execute(
                    uri: spelling, method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: body))
                #expect(again.status == .tooManyRequests, "\(spelling)")
            }
        }
    }

    @Test func aStrayQueryOrSlashDoesNotTurnAnAPIPathIntoAWebPage() async throws {
        let fixture = try await ServerFixture()
        let app = Application(router: try fixture.router())
        try await app.test(.router) { client async throws in
            let response = try await client.execute(uri: "//api/v1/nothing-here", method: .get, headers: [.accept: "text/html"])
            #expect(response.status == .notFound)
            #expect(response.headers[.contentType] == "application/problem+json")
        }
    }

    @Test func authenticationAndTheBodyLimitHoldHoweverThePathIsSpelled() async throws {
        let fixture = try await ServerFixture()
        let app = Application(router: try fixture.router())
        try await app.test(.router) { client async throws in
            for spelling in Self.spellings(of: "/api/v1/alerts") + Self.spellings(of: "/api/v1/audit/entries") {
                #expect(try await client.execute(uri: spelling, method: .get).status == .unauthorized, "\(spelling)")
            }
            let huge = ByteBuffer(repeating: UInt8(ascii: "a"), count: 100 * 1024)
            for spelling in Self.spellings(of: "/api/v1/lookup") {
                let response = try await client.execute(uri: spelling, method: .post, headers: [.contentType: "application/json"], body: huge)
                #expect(response.status == .contentTooLarge, "\(spelling)")
            }
        }
    }

    @Test func pathsAreRewrittenToOneSpelling() {
        #expect(CanonicalPath.rewrite("/api/v1/lookup") == nil)
        #expect(CanonicalPath.rewrite("/") == nil)
        #expect(CanonicalPath.rewrite("/api/v1/lookup/") == "/api/v1/lookup")
        #expect(CanonicalPath.rewrite("//api//v1///lookup") == "/api/v1/lookup")
        #expect(CanonicalPath.rewrite("//") == "/")
        #expect(CanonicalPath.rewrite("/api/v1/alerts/?limit=5") == "/api/v1/alerts?limit=5")
        #expect(CanonicalPath.rewrite("/api/v1/alerts?next=//x/") == nil)
    }
}

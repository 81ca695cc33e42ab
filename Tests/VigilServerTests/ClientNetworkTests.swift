import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import VigilServer

/// IPv4 clients are counted per address, IPv6 clients per /64.
@Suite struct ClientNetworkTests {
    @Test func ipv6AddressesOfOneSlash64AreOneClient() {
        #expect(ClientNetwork.key(for: "2001:db8:1:2::1") == "2001:db8:1:2::/64")
        #expect(ClientNetwork.key(for: "2001:DB8:1:2:ffff:ffff:ffff:fffe") == "2001:db8:1:2::/64")
        #expect(ClientNetwork.key(for: "2001:db8:1:3::1") == "2001:db8:1:3::/64")
        #expect(ClientNetwork.key(for: "fe80::1%eth0") == "fe80:0:0:0::/64")
    }

    @Test func ipv4IsCountedPerAddressHoweverItIsWritten() {
        #expect(ClientNetwork.key(for: "203.0.113.9") == "203.0.113.9")
        #expect(ClientNetwork.key(for: "203.0.113.10") == "203.0.113.10")
        #expect(ClientNetwork.key(for: "::ffff:203.0.113.9") == "203.0.113.9")
        #expect(ClientNetwork.key(for: "unknown") == "unknown")
    }

    @Test func fortyEightLookupsFromFortyEightAddressesOfOneSlash64AreLimitedAsOne() async throws {
        let fixture = try await ServerFixture()
        let router = try fixture.router(publicPerMinute: 30) { $0.trustedProxies = try! TrustedProxies(["127.0.0.1", "::1"]) }
        let app = Application(router: router)
        try await app.test(.live) { client async throws in
            func lookup(from address: String) async throws -> HTTPResponse.Status {
                let body = #"{"a_number":"A000000001","country_of_birth":"HN"}"#
                var headers: HTTPFields = [.contentType: "application/json"]
                headers[.init("X-Forwarded-For")!] = address
                return try await client.execute(uri: "/api/v1/lookup", method: .post, headers: headers, body: ByteBuffer(string: body)).status
            }
            var answered = 0
            for i in 1...48 where try await lookup(from: "2001:db8:1:2::\(String(i, radix: 16))") == .ok { answered += 1 }
            #expect(answered == 30)
            #expect(try await lookup(from: "2001:db8:1:3::1") == .ok)
            // IPv4 neighbours are separate clients.
            #expect(try await lookup(from: "203.0.113.9") == .ok)
            #expect(try await lookup(from: "203.0.113.10") == .ok)
        }
    }
}

import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import VigilCore
import VigilNotify
@testable import VigilServer

/// A registration cannot aim Vigil's signed POSTs at the machine itself, the internal network or the
/// cloud metadata service: each forbidden class is a 400 problem+json that says why.
@Suite struct WebhookRegistrationTests {
    static let resolver = StaticResolver([
        "127.evil.example": ["127.0.0.1"],
        "metadata.evil.example": ["169.254.169.254"],
        "intranet.evil.example": ["fd00::8"],
    ])

    func register(_ client: some TestClientProtocol, _ address: String) async throws -> TestResponse {
        try await client.execute(
            uri: "/api/v1/registrations", method: .post, headers: [.contentType: "application/json"],
            body: ByteBuffer(string: #"{"case_code":"AAAA-BBBB-CCCC-DDDD","channel":"webhook","address":"\#(address)","language":"en"}"#))
    }

    @Test(arguments: [
        ("https://127.0.0.1/h", "loopback"), ("https://[::1]/h", "loopback"), ("https://localhost/h", "loopback"),
        ("https://127.evil.example/h", "loopback"), ("https://[::ffff:127.0.0.1]/h", "loopback"),
        ("https://10.0.0.1/h", "private"), ("https://172.16.5.4/h", "private"), ("https://192.168.1.1/h", "private"),
        ("https://[fc00::1]/h", "private"), ("https://intranet.evil.example/h", "private"),
        ("https://169.254.169.254/latest/meta-data/", "link-local"), ("https://metadata.evil.example/h", "link-local"),
        ("https://[fe80::1]/h", "link-local"),
        ("https://0.0.0.0/h", "unspecified"), ("https://[::]/h", "unspecified"),
        ("https://224.0.0.1/h", "multicast"), ("https://[ff05::2]/h", "multicast"),
        ("https://100.64.0.1/h", "cgnat"),
        ("https://198.51.100.4/h", "documentation"), ("https://[2001:db8::4]/h", "documentation"),
        ("https://user:pw@hooks.example.org/h", "user name or password"),
        ("http://93.184.216.34/h", "https"),
    ])
    func eachForbiddenClassIsRefusedAtRegistration(address: String, reason: String) async throws {
        let fixture = try await ServerFixture()
        let app = Application(router: try fixture.router(webhooks: WebhookAddressPolicy(allowPrivate: false, resolver: Self.resolver)))
        try await app.test(.router) { client in
            let response = try await register(client, address)
            #expect(response.status == .badRequest, "\(address)")
            #expect(response.headers[.contentType] == "application/problem+json")
            #expect(response.json["type"] as? String == "urn:vigil:problem:invalid-address")
            let detail = response.json["detail"] as? String ?? ""
            #expect(detail.contains(reason), "\(address): \(detail)")
            #expect(!detail.contains("evil") && !detail.contains("pw@"))
        }
    }

    @Test func theFlagAdmitsALoopbackReceiver() async throws {
        let fixture = try await ServerFixture()
        let strict = Application(router: try fixture.router(webhooks: WebhookAddressPolicy(allowPrivate: false, resolver: Self.resolver)))
        try await strict.test(.router) { client in
            let response = try await register(client, "http://127.0.0.1:9/h")
            #expect(response.json["type"] as? String == "urn:vigil:problem:invalid-address")
        }
        let lenient = Application(router: try fixture.router(webhooks: WebhookAddressPolicy(allowPrivate: true, resolver: Self.resolver)))
        try await lenient.test(.router) { client in
            // Past the address check, the made-up case code is what fails.
            let response = try await register(client, "http://127.0.0.1:9/h")
            #expect(response.json["type"] as? String == "urn:vigil:problem:invalid-case-code")
        }
    }
}

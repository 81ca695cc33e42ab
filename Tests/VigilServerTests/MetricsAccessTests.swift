import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
@testable import VigilServer

/// Per-route latencies are the operator's: loopback or a separate listener, never a public client.
@Suite struct MetricsAccessTests {
    @Test func aLoopbackClientReadsPerRouteLatencyHistograms() async throws {
        let fixture = try await ServerFixture()
        let app = Application(router: try fixture.router())
        try await app.test(.live) { client async throws in
            _ = try await client.lookup("A000000001", "HN")
            let metrics = try await client.execute(uri: "/metrics", method: .get)
            #expect(metrics.status == .ok)
            #expect(metrics.text.split(separator: "\n").contains { $0.contains("_bucket") && $0.contains("/api/v1/lookup") })
        }
    }

    @Test(arguments: [false, true]) func aForwardedClientIsPublicAndGetsNoMetrics(trustingTheProxy: Bool) async throws {
        let fixture = try await ServerFixture()
        let router = try fixture.router { if trustingTheProxy { $0.trustedProxies = try! TrustedProxies(["127.0.0.1", "::1"]) } }
        let app = Application(router: router)
        try await app.test(.live) { client async throws in
            for header in ["X-Forwarded-For", "Forwarded"] {
                let value = header == "Forwarded" ? "for=203.0.113.9" : "203.0.113.9"
                var headers = HTTPFields()
                headers[.init(header)!] = value
                let response = try await client.execute(uri: "/metrics", method: .get, headers: headers)
                #expect(response.status == .notFound)
                #expect(!response.text.contains("_bucket"))
            }
        }
    }

    @Test func aSeparateListenerTakesMetricsOffTheAPIsListener() async throws {
        let fixture = try await ServerFixture()
        let app = Application(router: try fixture.router { $0.metricsListener = ("127.0.0.1", 0) })
        try await app.test(.live) { client async throws in
            let status = try await client.execute(uri: "/metrics", method: .get).status
            #expect(status == .notFound)
        }
        let listener = MetricsEndpoint.application(host: "127.0.0.1", port: 0, logger: Logger(label: "test"))
        try await listener.test(.live) { client async throws in
            #expect(try await client.execute(uri: "/metrics", method: .get).status == .ok)
            #expect(try await client.execute(uri: "/api/v1/lookup", method: .post).status == .notFound)
        }
    }
}

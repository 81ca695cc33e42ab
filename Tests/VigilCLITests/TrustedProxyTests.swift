import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// Behind a trusted proxy, each forwarded client has its own limit; from anyone else the header is ignored.
@Suite struct TrustedProxyTests {
    func lookup(port: Int, forwardedFor: String) async throws -> Int {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/api/v1/lookup")!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "content-type")
        request.setValue(forwardedFor, forHTTPHeaderField: "x-forwarded-for")
        request.httpBody = Data(#"{"a_number":"A999999999","country_of_birth":"MX"}"#.utf8)
        let (_, response) = try await URLSession.shared.data(for: request)
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }

    func serve(_ work: WorkDirectory, port: Int, extra: [String]) async throws -> Process {
        let server = try VigilProcess.spawn(
            ["serve", "--database", "v.sqlite", "--port", String(port), "--public-lookups-per-minute", "1", "--no-worker"] + extra,
            in: work.url, log: "serve-\(port).log")
        return try await VigilProcess.healthy(server, port: port, within: 30)
    }

    @Test(.timeLimit(.minutes(1))) func forwardedClientsAreCountedApartOnlyBehindATrustedProxy() async throws {
        let work = try WorkDirectory()
        let port = Int.random(in: 20_000...59_000)
        let trusting = try await serve(work, port: port, extra: ["--trusted-proxy", "127.0.0.1"])
        defer { trusting.terminate(); trusting.waitUntilExit() }
        #expect(try await lookup(port: port, forwardedFor: "203.0.113.9") == 200)
        #expect(try await lookup(port: port, forwardedFor: "203.0.113.9") == 429)
        #expect(try await lookup(port: port, forwardedFor: "198.51.100.4") == 200)
        // Prepending a made-up address does not buy a new allowance.
        #expect(try await lookup(port: port, forwardedFor: "1.2.3.4, 198.51.100.4") == 429)
        trusting.terminate()
        trusting.waitUntilExit()

        let plain = try await serve(work, port: port + 1, extra: [])
        defer { plain.terminate(); plain.waitUntilExit() }
        #expect(try await lookup(port: port + 1, forwardedFor: "203.0.113.9") == 200)
        #expect(try await lookup(port: port + 1, forwardedFor: "198.51.100.4") == 429)
    }

    @Test func aMistypedProxyStopsTheServerWithAClearMessage() throws {
        let work = try WorkDirectory()
        let result = try work.vigil("serve", "--database", "v.sqlite", "--trusted-proxy", "lb.internal")
        #expect(result.status != 0)
        #expect(result.stderr.contains("--trusted-proxy lb.internal is not an IPv4 or IPv6 address"))
    }
}

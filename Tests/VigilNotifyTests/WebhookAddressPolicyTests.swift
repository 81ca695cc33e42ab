import Testing
@testable import VigilNotify

/// The webhook rule over whole URLs: form, names that resolve to forbidden addresses, and the flag.
@Suite struct WebhookAddressPolicyTests {
    let resolver = StaticResolver([
        "hooks.example.org": ["93.184.216.34", "2606:2800:220:1::1"],
        "127.evil.example": ["127.0.0.1"],
        "metadata.evil.example": ["169.254.169.254"],
        "split.evil.example": ["93.184.216.34", "10.0.0.8"],
        "mapped.evil.example": ["::ffff:127.0.0.1"],
        "receiver.internal": ["10.1.2.3"],
    ])
    var strict: WebhookAddressPolicy { WebhookAddressPolicy(allowPrivate: false, resolver: resolver) }
    var lenient: WebhookAddressPolicy { WebhookAddressPolicy(allowPrivate: true, resolver: resolver) }

    @Test func aPublicHttpsHostIsAcceptedAndPinnedToItsAddress() async throws {
        #expect(await strict.refusal(for: "https://hooks.example.org/vigil") == nil)
        let target = try await strict.target(for: "https://hooks.example.org:8443/vigil").get()
        #expect(target == .init(host: "hooks.example.org", address: IPAddress("93.184.216.34")!))
    }

    @Test(arguments: [
        ("https://127.0.0.1/h", WebhookAddressPolicy.Refusal.forbiddenRange(.loopback)),
        ("https://[::1]/h", .forbiddenRange(.loopback)),
        ("https://localhost/h", .forbiddenRange(.loopback)),
        ("https://api.localhost/h", .forbiddenRange(.loopback)),
        ("https://127.evil.example/h", .forbiddenRange(.loopback)),
        ("https://mapped.evil.example/h", .forbiddenRange(.loopback)),
        ("https://[::ffff:127.0.0.1]/h", .forbiddenRange(.loopback)),
        ("https://10.0.0.1/h", .forbiddenRange(.privateNetwork)),
        ("https://172.20.0.1/h", .forbiddenRange(.privateNetwork)),
        ("https://192.168.0.10/h", .forbiddenRange(.privateNetwork)),
        ("https://[fd00::5]/h", .forbiddenRange(.privateNetwork)),
        ("https://receiver.internal/h", .forbiddenRange(.privateNetwork)),
        ("https://split.evil.example/h", .forbiddenRange(.privateNetwork)),
        ("https://169.254.169.254/latest/meta-data/", .forbiddenRange(.linkLocal)),
        ("https://metadata.evil.example/h", .forbiddenRange(.linkLocal)),
        ("https://[fe80::1]/h", .forbiddenRange(.linkLocal)),
        ("https://0.0.0.0/h", .forbiddenRange(.unspecified)),
        ("https://[::]/h", .forbiddenRange(.unspecified)),
        ("https://224.0.0.251/h", .forbiddenRange(.multicast)),
        ("https://[ff02::1]/h", .forbiddenRange(.multicast)),
        ("https://100.64.1.1/h", .forbiddenRange(.sharedCGNAT)),
        ("https://192.0.2.10/h", .forbiddenRange(.documentation)),
        ("https://[2001:db8::1]/h", .forbiddenRange(.documentation)),
        ("http://hooks.example.org/h", .plainHTTP),
        ("https://user:secret@hooks.example.org/h", .userinfo),
        ("https://user@hooks.example.org/h", .userinfo),
        ("ftp://hooks.example.org/h", .notAURL),
        ("hooks.example.org/h", .notAURL),
        ("https:///h", .notAURL),
        ("https://nowhere.example/h", .unresolvable),
    ])
    func forbiddenAddressesAreRefusedWithTheirReason(address: String, expected: WebhookAddressPolicy.Refusal) async {
        #expect(await strict.refusal(for: address) == expected, "\(address)")
    }

    @Test func theFlagOpensLoopbackPrivateAndPlainHttpToThemOnly() async {
        for address in ["http://127.0.0.1:9/h", "http://localhost:9/h", "https://receiver.internal/h", "http://[::1]:8080/h",
                        "http://100.64.0.9/h", "https://127.evil.example/h"] {
            #expect(await lenient.refusal(for: address) == nil, "\(address)")
        }
        // Metadata, multicast, documentation stay closed; plain http to a public host stays refused.
        #expect(await lenient.refusal(for: "http://169.254.169.254/") == .forbiddenRange(.linkLocal))
        #expect(await lenient.refusal(for: "https://metadata.evil.example/") == .forbiddenRange(.linkLocal))
        #expect(await lenient.refusal(for: "http://224.0.0.1/") == .forbiddenRange(.multicast))
        #expect(await lenient.refusal(for: "http://203.0.113.9/") == .forbiddenRange(.documentation))
        #expect(await lenient.refusal(for: "http://hooks.example.org/") == .plainHTTP)
        #expect(await lenient.refusal(for: "http://u:p@127.0.0.1:9/") == .userinfo)
    }

    @Test func reasonsExplainWithoutEchoingTheAddress() async {
        for address in ["https://127.evil.example/h", "http://hooks.example.org/h", "https://user:secret@hooks.example.org/h"] {
            let refusal = await strict.refusal(for: address)
            let text = refusal?.description ?? ""
            #expect(!text.isEmpty)
            #expect(!text.contains("evil") && !text.contains("example.org") && !text.contains("secret"))
        }
    }

    @Test func theSystemResolverFindsLocalhostOnLoopback() async throws {
        let found = try await SystemResolver().addresses(of: "localhost")
        #expect(!found.isEmpty)
        #expect(found.allSatisfy { $0.range == .loopback })
    }

    @Test func aProxyURLNeedsAnHttpHost() {
        #expect(WebhookProxy(url: "http://proxy.internal:3128") == WebhookProxy(host: "proxy.internal", port: 3128))
        #expect(WebhookProxy(url: "proxy.internal:8080") == WebhookProxy(host: "proxy.internal", port: 8080))
        #expect(WebhookProxy(url: "https://proxy.internal") == nil)
        #expect(WebhookProxy(url: "http://u:p@proxy.internal:3128") == nil)
    }
}

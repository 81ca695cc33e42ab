import Testing
@testable import VigilServer

@Suite struct TrustedProxiesTests {
    let proxies = try! TrustedProxies(["10.0.0.0/8", "192.0.2.7", "2001:db8::1"])

    @Test func withoutTrustedProxiesTheHeaderIsIgnored() {
        #expect(TrustedProxies.none.clientAddress(peer: "198.51.100.4", forwardedFor: ["203.0.113.9"]) == "198.51.100.4")
    }

    @Test func anUntrustedPeerCannotNameItsOwnAddress() {
        #expect(proxies.clientAddress(peer: "198.51.100.4", forwardedFor: ["203.0.113.9"]) == "198.51.100.4")
    }

    @Test func behindATrustedProxyTheNearestUntrustedHopIsTheClient() {
        #expect(proxies.clientAddress(peer: "10.1.2.3", forwardedFor: ["203.0.113.9"]) == "203.0.113.9")
        // A client that prepends a forged address still gets its own counted.
        #expect(proxies.clientAddress(peer: "10.1.2.3", forwardedFor: ["1.2.3.4, 203.0.113.9"]) == "203.0.113.9")
        // Two proxies of ours in a row, over two header lines.
        #expect(proxies.clientAddress(peer: "192.0.2.7", forwardedFor: ["203.0.113.9, 10.9.9.9", "10.0.0.1"]) == "203.0.113.9")
        #expect(proxies.clientAddress(peer: "2001:DB8::1", forwardedFor: ["2001:db8::77"]) == "2001:db8::77")
    }

    @Test func aTrustedProxyWithoutTheHeaderIsItselfTheClient() {
        #expect(proxies.clientAddress(peer: "10.1.2.3", forwardedFor: []) == "10.1.2.3")
        #expect(proxies.clientAddress(peer: "10.1.2.3", forwardedFor: ["10.4.4.4"]) == "10.4.4.4")
    }

    @Test func networksMatchByPrefixOnly() {
        #expect(proxies.trusts("10.255.255.255"))
        #expect(!proxies.trusts("11.0.0.1"))
        #expect(!proxies.trusts("192.0.2.8"))
        #expect(!proxies.trusts("not an address"))
    }

    @Test func aMistypedProxyIsRefusedWithItsText() {
        #expect(throws: TrustedProxyError.notAnAddress("10.0.0.0/33")) { try TrustedProxies(["10.0.0.0/33"]) }
        #expect(throws: TrustedProxyError.notAnAddress("proxy.internal")) { try TrustedProxies(["proxy.internal"]) }
        #expect(TrustedProxyError.notAnAddress("10.0.0.0/33").description.contains("--trusted-proxy 10.0.0.0/33"))
    }
}

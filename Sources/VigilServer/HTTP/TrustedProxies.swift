/// Reverse proxies (load balancers) whose `X-Forwarded-For` header is believed.
///
/// Behind a proxy every connection comes from the proxy, so every public client would share one
/// rate limit and one enumeration count. The client is therefore read from `X-Forwarded-For` — but
/// only when the connection comes from a proxy named here, since anyone can send the header. Walking
/// the chain from the right (the hop nearest to Vigil), trusted proxies are skipped and the first
/// address that is not one is the client: a client cannot choose its own address by prepending to
/// the header.
public struct TrustedProxies: Sendable, Equatable {
    private var networks: [Network]

    public static let none = TrustedProxies(networks: [])

    /// - Parameter entries: IPv4 or IPv6 addresses, or IPv4 networks as `a.b.c.d/bits`.
    public init(_ entries: [String]) throws(TrustedProxyError) {
        networks = try entries.map { entry throws(TrustedProxyError) in
            guard let network = Network(entry) else { throw TrustedProxyError.notAnAddress(entry) }
            return network
        }
    }

    private init(networks: [Network]) { self.networks = networks }

    public var isEmpty: Bool { networks.isEmpty }

    /// The client's address for a connection from `peer` carrying `forwardedFor` (the header's values, in order).
    public func clientAddress(peer: String, forwardedFor: [String]) -> String {
        guard trusts(peer) else { return peer }
        let chain = forwardedFor
            .flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        for hop in chain.reversed() where !trusts(hop) { return hop }
        // Every hop is a proxy of ours: the leftmost is the nearest thing to a client there is.
        return chain.first ?? peer
    }

    func trusts(_ address: String) -> Bool { networks.contains { $0.contains(address) } }

    private enum Network: Sendable, Equatable {
        case exact(String)
        case ipv4(base: UInt32, mask: UInt32)

        init?(_ text: String) {
            let parts = text.split(separator: "/", omittingEmptySubsequences: false)
            if parts.count == 2 {
                guard let base = Self.ipv4(String(parts[0])), let bits = Int(parts[1]), (0...32).contains(bits) else { return nil }
                let mask: UInt32 = bits == 0 ? 0 : ~UInt32(0) << (32 - bits)
                self = .ipv4(base: base & mask, mask: mask)
            } else if let single = Self.ipv4(text) {
                self = .ipv4(base: single, mask: ~UInt32(0))
            } else if text.contains(":"), text.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) {
                self = .exact(text.lowercased())
            } else {
                return nil
            }
        }

        func contains(_ address: String) -> Bool {
            switch self {
            case .exact(let text): address.lowercased() == text
            case .ipv4(let base, let mask): Self.ipv4(address).map { $0 & mask == base } ?? false
            }
        }

        static func ipv4(_ text: String) -> UInt32? {
            let octets = text.split(separator: ".", omittingEmptySubsequences: false)
            guard octets.count == 4 else { return nil }
            var value: UInt32 = 0
            for octet in octets {
                guard octet.count <= 3, let byte = UInt8(octet) else { return nil }
                value = value << 8 | UInt32(byte)
            }
            return value
        }
    }
}

public enum TrustedProxyError: Error, Equatable, CustomStringConvertible {
    case notAnAddress(String)

    public var description: String {
        switch self {
        case .notAnAddress(let text):
            "--trusted-proxy \(text) is not an IPv4 or IPv6 address or an IPv4 network (a.b.c.d/bits)"
        }
    }
}

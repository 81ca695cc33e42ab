import Foundation

/// Which webhook addresses Vigil will send its signed POSTs to. A registration supplies the address, so
/// without this rule an outsider could aim Vigil at the cloud metadata service or any internal host
/// (server-side request forgery). The same rule runs at registration and again at every delivery,
/// against the address actually connected to, because DNS can change in between.
public struct WebhookAddressPolicy: Sendable {
    /// `--allow-private-webhooks`: loopback, private and CGNAT hosts, and plain http to them, for the demo,
    /// tests, benchmarks and deployments whose receivers live on the operator's own network.
    public var allowPrivate: Bool
    public var resolver: any HostResolver

    public init(allowPrivate: Bool = false, resolver: any HostResolver = SystemResolver()) {
        self.allowPrivate = allowPrivate
        self.resolver = resolver
    }

    /// Why an address is refused, in words for the person registering. Never echoes the address.
    public enum Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        case notAURL
        case userinfo
        case plainHTTP
        case forbiddenRange(AddressRange)
        case unresolvable

        public var description: String {
            switch self {
            case .notAURL: return "A webhook address must be a full https:// URL with a host name."
            case .userinfo: return "A webhook address must not carry a user name or password before the host."
            case .plainHTTP: return "A webhook address must use https."
            case .forbiddenRange(let range):
                return "The webhook host is, or resolves to, a \(range.rawValue) address. Vigil sends only to public hosts, "
                    + "so that its requests cannot be steered into internal networks."
            case .unresolvable: return "The webhook host name does not resolve. Check the name, or try again once its DNS is in place."
            }
        }

        /// A few words for a worker's log and the outbox's last error.
        public var shortReason: String {
            switch self {
            case .notAURL: return "not a URL"
            case .userinfo: return "userinfo in the URL"
            case .plainHTTP: return "plain http"
            case .forbiddenRange(let range): return "\(range.rawValue) address"
            case .unresolvable: return "host does not resolve"
            }
        }
    }

    /// Where a delivery connects: the URL's host name (for the Host header and TLS) and the checked address.
    public struct Target: Sendable, Equatable {
        public var host: String
        public var address: IPAddress
    }

    /// The checks that need no network: scheme, userinfo, a host, names that are loopback by definition.
    func form(_ address: String) -> Result<(host: String, https: Bool), Refusal> {
        guard let components = URLComponents(string: address), let scheme = components.scheme?.lowercased(),
              let rawHost = components.host, !rawHost.isEmpty
        else { return .failure(.notAURL) }
        guard scheme == "https" || scheme == "http" else { return .failure(.notAURL) }
        guard components.user == nil, components.password == nil, !Self.hasUserinfo(address) else { return .failure(.userinfo) }
        let host = rawHost.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if scheme == "http" && !allowPrivate { return .failure(.plainHTTP) }
        if Self.isLocalhost(host) && !allowPrivate { return .failure(.forbiddenRange(.loopback)) }
        return .success((host, scheme == "https"))
    }

    /// RFC 6761: `localhost` and every name under it is the machine itself, whatever a resolver says.
    static func isLocalhost(_ host: String) -> Bool { host == "localhost" || host.hasSuffix(".localhost") }

    /// An `@` before the host, however a URL parser reads it (`https://a@b`, `https://a:b@c`).
    static func hasUserinfo(_ address: String) -> Bool {
        guard let start = address.range(of: "://")?.upperBound else { return false }
        let authority = address[start...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        return authority.contains("@")
    }

    /// Whether one connected-to address may be reached; `https` says whether TLS protects the request.
    public func admits(_ address: IPAddress, https: Bool) -> Refusal? {
        let range = address.range
        if range == .global { return https ? nil : .plainHTTP }
        if allowPrivate && range.isPrivateButReachable { return nil }
        return .forbiddenRange(range)
    }

    /// The address a delivery must connect to, or why there is none: every address the host resolves to
    /// must be admissible (a name that answers both a public and a private address is refused, since which
    /// one a client picks is not Vigil's choice), and the first is used.
    public func target(for address: String) async -> Result<Target, Refusal> {
        let host: String
        let https: Bool
        switch form(address) {
        case .failure(let refusal):
            return .failure(refusal)
        case .success(let parsed):
            host = parsed.host
            https = parsed.https
        }
        let addresses: [IPAddress]
        if let literal = IPAddress(host) {
            addresses = [literal]
        } else if Self.isLocalhost(host) {
            addresses = IPAddress("127.0.0.1").map { [$0] } ?? []
        } else {
            addresses = (try? await resolver.addresses(of: host)) ?? []
        }
        guard let first = addresses.first else { return .failure(.unresolvable) }
        for candidate in addresses {
            if let refusal = admits(candidate, https: https) { return .failure(refusal) }
        }
        return .success(Target(host: host, address: first))
    }

    /// The registration-time check: nil when the address may be registered.
    public func refusal(for address: String) async -> Refusal? {
        if case .failure(let refusal) = await target(for: address) { return refusal }
        return nil
    }
}

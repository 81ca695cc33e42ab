#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOPosix

/// Turns a host name into the addresses it names now. A protocol so that tests can say what
/// `127.evil.example` resolves to without a network.
public protocol HostResolver: Sendable {
    /// Every address the name resolves to; empty when it does not resolve.
    func addresses(of host: String) async throws -> [IPAddress]
}

/// The system resolver (`getaddrinfo`: /etc/hosts, then DNS), run on NIO's blocking-I/O thread pool
/// because a slow DNS server must not hold a thread of Swift's cooperative pool.
public struct SystemResolver: HostResolver {
    public init() {}

    public func addresses(of host: String) async throws -> [IPAddress] {
        try await NIOThreadPool.singleton.runIfActive { Self.lookUp(host) }
    }

    static func lookUp(_ host: String) -> [IPAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else { return [] }
        defer { freeaddrinfo(first) }
        var found: [IPAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            defer { cursor = entry.pointee.ai_next }
            guard let socketAddress = entry.pointee.ai_addr else { continue }
            switch entry.pointee.ai_family {
            case AF_INET:
                let raw = socketAddress.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
                if let address = withUnsafeBytes(of: raw, { IPAddress(bytes: Array($0)) }) { found.append(address) }
            case AF_INET6:
                let raw = socketAddress.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
                if let address = withUnsafeBytes(of: raw, { IPAddress(bytes: Array($0)) }) { found.append(address) }
            default:
                continue
            }
        }
        // getaddrinfo lists an address once per socket type on some systems.
        var seen = Set<IPAddress>()
        return found.filter { seen.insert($0).inserted }
    }
}

/// A fixed table, for tests and for pinning: names it does not know do not resolve.
public struct StaticResolver: HostResolver {
    let table: [String: [IPAddress]]

    public init(_ table: [String: [String]]) {
        self.table = table.mapValues { texts in texts.compactMap { IPAddress($0) } }
    }

    public func addresses(of host: String) async throws -> [IPAddress] { table[host.lowercased()] ?? [] }
}

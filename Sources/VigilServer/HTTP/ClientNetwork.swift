#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the rate limiter and the enumeration count take as one client: an IPv4 address, or an IPv6
/// /64. A single IPv6 subscriber is usually given a whole /64 (RFC 6177) and can pick a fresh
/// address for every request, so counting IPv6 per address would give one person 2^64 limits.
enum ClientNetwork {
    /// `2001:db8:1:2::/64` for any address in that network; an IPv4 address (also written as
    /// `::ffff:a.b.c.d`) as itself; anything unparseable unchanged.
    static func key(for address: String) -> String {
        // A zone (`fe80::1%eth0`) names the interface, not the client.
        let text = address.split(separator: "%", maxSplits: 1).first.map(String.init) ?? address
        guard text.contains(":") else { return address }
        var bytes = in6_addr()
        guard inet_pton(AF_INET6, text, &bytes) == 1 else { return address }
        let octets = withUnsafeBytes(of: &bytes) { Array($0) }
        if octets[0..<10].allSatisfy({ $0 == 0 }), octets[10] == 0xff, octets[11] == 0xff {
            return octets[12...].map(String.init).joined(separator: ".")
        }
        let groups = stride(from: 0, to: 8, by: 2).map { String(UInt16(octets[$0]) << 8 | UInt16(octets[$0 + 1]), radix: 16) }
        return groups.joined(separator: ":") + "::/64"
    }
}

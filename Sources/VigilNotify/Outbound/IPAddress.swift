#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address as its bytes, and the range it falls in. Pure: no resolution, no I/O,
/// so the rule "which addresses may a webhook reach" is tested on its own.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    /// 4 bytes (IPv4) or 16 (IPv6), network order.
    public let bytes: [UInt8]

    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// Parses the strict textual forms only (dotted quad; RFC 4291 IPv6, with or without brackets, no zone).
    /// Laxer spellings such as `0x7f.1` or `2130706433` are not addresses here: they are treated as host
    /// names, resolved, and the resolved address is what gets classified.
    public init?(_ text: String) {
        var text = text
        if text.hasPrefix("["), text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
        if text.contains(":") {
            var raw = in6_addr()
            guard inet_pton(AF_INET6, text, &raw) == 1 else { return nil }
            bytes = withUnsafeBytes(of: &raw) { Array($0) }
        } else {
            var raw = in_addr()
            guard inet_pton(AF_INET, text, &raw) == 1 else { return nil }
            bytes = withUnsafeBytes(of: &raw) { Array($0) }
        }
    }

    public var isIPv4: Bool { bytes.count == 4 }

    /// The IPv4 address an IPv6 one carries inside it (IPv4-mapped `::ffff:a.b.c.d`, IPv4-compatible
    /// `::a.b.c.d`, NAT64 `64:ff9b::a.b.c.d`, 6to4 `2002:aabb:ccdd::`): such an address reaches that IPv4
    /// host, so it is judged as it.
    public var embeddedIPv4: IPAddress? {
        guard bytes.count == 16 else { return nil }
        if bytes[0] == 0x20 && bytes[1] == 0x02 { return IPAddress(bytes: Array(bytes[2..<6])) }
        let head = bytes[0..<12]
        let mapped = head.elementsEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF])
        let compatible = head.allSatisfy { $0 == 0 } && !bytes[12..<16].allSatisfy { $0 == 0 }
            && !(bytes[12..<15].allSatisfy { $0 == 0 } && bytes[15] == 1)  // ::1 is IPv6 loopback itself
        let nat64 = head.elementsEqual([0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0])
        guard mapped || compatible || nat64 else { return nil }
        return IPAddress(bytes: Array(bytes[12..<16]))
    }

    public var range: AddressRange {
        if let inner = embeddedIPv4 { return inner.range }
        return isIPv4 ? AddressRange.classifyIPv4(bytes) : AddressRange.classifyIPv6(bytes)
    }

    public var description: String {
        if isIPv4 { return bytes.map(String.init).joined(separator: ".") }
        var raw = in6_addr()
        withUnsafeMutableBytes(of: &raw) { $0.copyBytes(from: bytes) }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        _ = inet_ntop(AF_INET6, &raw, &buffer, socklen_t(buffer.count))
        return String(cString: buffer)
    }
}

/// Where an address leads. Every range but `global` is somewhere a server's own requests must not
/// be steered to by an outsider: the machine itself, the internal network, the cloud metadata service.
public enum AddressRange: String, Sendable, CaseIterable {
    case global
    case loopback
    /// RFC 1918 (10/8, 172.16/12, 192.168/16) and IPv6 unique-local (fc00::/7, also deprecated site-local fec0::/10).
    case privateNetwork = "private"
    /// 100.64.0.0/10, RFC 6598: the carrier-grade NAT side of a provider's network.
    case sharedCGNAT = "cgnat"
    /// 169.254.0.0/16 and fe80::/10: where cloud metadata services (169.254.169.254) listen.
    case linkLocal = "link-local"
    /// 0.0.0.0/8 and ::, which many stacks treat as "this host".
    case unspecified
    case multicast
    /// 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32, 3fff::/20: examples, never real hosts.
    case documentation
    /// Everything else the IANA special-purpose registries set aside: 192.0.0.0/24, benchmarking
    /// 198.18.0.0/15, 240.0.0.0/4 and broadcast, discard-only 100::/64, and the like.
    case reserved

    /// The ranges `--allow-private-webhooks` opens: the machine itself and the operator's own network.
    /// Link-local (metadata), multicast, unspecified, documentation and reserved stay closed whatever the flag.
    public var isPrivateButReachable: Bool {
        self == .loopback || self == .privateNetwork || self == .sharedCGNAT
    }

    static func classifyIPv4(_ b: [UInt8]) -> AddressRange {
        let (a, c) = (b[0], b[1])
        switch a {
        case 0: return .unspecified
        case 10: return .privateNetwork
        case 127: return .loopback
        case 100 where (64...127).contains(c): return .sharedCGNAT
        case 169 where c == 254: return .linkLocal
        case 172 where (16...31).contains(c): return .privateNetwork
        case 192 where c == 168: return .privateNetwork
        case 192 where c == 0 && b[2] == 2: return .documentation
        case 192 where c == 0 && b[2] == 0: return .reserved
        case 198 where c == 51 && b[2] == 100: return .documentation
        case 198 where c == 18 || c == 19: return .reserved
        case 203 where c == 0 && b[2] == 113: return .documentation
        case 224...239: return .multicast
        case 240...255: return .reserved
        default: return .global
        }
    }

    static func classifyIPv6(_ b: [UInt8]) -> AddressRange {
        if b.allSatisfy({ $0 == 0 }) { return .unspecified }
        if b[0..<15].allSatisfy({ $0 == 0 }) && b[15] == 1 { return .loopback }
        if b[0] == 0xFF { return .multicast }
        if b[0] & 0xFE == 0xFC { return .privateNetwork }
        if b[0] == 0xFE && b[1] & 0xC0 == 0x80 { return .linkLocal }
        if b[0] == 0xFE && b[1] & 0xC0 == 0xC0 { return .privateNetwork }
        if b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8 { return .documentation }
        if b[0] == 0x3F && b[1] == 0xFF && b[2] & 0xF0 == 0x00 { return .documentation }
        if b[0] == 0x01 && b[1..<8].allSatisfy({ $0 == 0 }) { return .reserved }  // 100::/64 discard-only
        // Global unicast is 2000::/3; anything outside it is not a host a webhook can be.
        if b[0] & 0xE0 != 0x20 { return .reserved }
        return .global
    }
}

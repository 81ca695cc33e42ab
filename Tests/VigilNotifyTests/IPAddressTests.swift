import Testing
@testable import VigilNotify

/// The pure classification behind the webhook rule: every special-purpose range, in both families,
/// and IPv6 forms that carry an IPv4 address inside them.
@Suite struct IPAddressTests {
    @Test(arguments: [
        ("127.0.0.1", AddressRange.loopback), ("127.255.255.254", .loopback), ("::1", .loopback),
        ("10.0.0.1", .privateNetwork), ("172.16.0.1", .privateNetwork), ("172.31.255.255", .privateNetwork),
        ("192.168.1.1", .privateNetwork), ("fc00::1", .privateNetwork), ("fd12:3456::1", .privateNetwork),
        ("fd00:ec2::254", .privateNetwork), ("fec0::1", .privateNetwork),
        ("169.254.169.254", .linkLocal), ("169.254.0.1", .linkLocal), ("fe80::1", .linkLocal), ("febf::1", .linkLocal),
        ("0.0.0.0", .unspecified), ("0.1.2.3", .unspecified), ("::", .unspecified),
        ("224.0.0.1", .multicast), ("239.255.255.250", .multicast), ("ff02::1", .multicast),
        ("100.64.0.1", .sharedCGNAT), ("100.127.255.255", .sharedCGNAT),
        ("192.0.2.1", .documentation), ("198.51.100.7", .documentation), ("203.0.113.9", .documentation),
        ("2001:db8::1", .documentation), ("3fff::1", .documentation),
        ("255.255.255.255", .reserved), ("240.0.0.1", .reserved), ("198.18.0.1", .reserved), ("192.0.0.8", .reserved),
        ("100::1", .reserved),
        ("8.8.8.8", .global), ("172.15.255.255", .global), ("172.32.0.1", .global), ("100.63.255.255", .global),
        ("100.128.0.1", .global), ("169.253.0.1", .global), ("192.0.3.1", .global), ("2606:4700::1111", .global),
    ])
    func everyRangeIsClassified(text: String, expected: AddressRange) throws {
        let address = try #require(IPAddress(text))
        #expect(address.range == expected, "\(text)")
    }

    @Test(arguments: [
        ("::ffff:127.0.0.1", AddressRange.loopback), ("::ffff:169.254.169.254", .linkLocal), ("::ffff:10.1.2.3", .privateNetwork),
        ("::ffff:7f00:1", .loopback), ("::127.0.0.1", .loopback), ("64:ff9b::a9fe:a9fe", .linkLocal),
        ("2002:a9fe:a9fe::1", .linkLocal), ("2002:c0a8:0101::", .privateNetwork), ("::ffff:8.8.8.8", .global),
        ("[::ffff:127.0.0.1]", .loopback),
    ])
    func ipv6CarryingIPv4IsJudgedAsTheIPv4Host(text: String, expected: AddressRange) throws {
        let address = try #require(IPAddress(text))
        #expect(address.range == expected, "\(text)")
    }

    @Test func laxSpellingsAreNotAddressLiterals() {
        // Not literals here: they are resolved as names, and the resolved address is what is judged.
        for text in ["2130706433", "0x7f.0.0.1", "127.1", "017700000001", "127.0.0.1.", "localhost", "1.2.3.4%eth0", "fe80::1%eth0"] {
            #expect(IPAddress(text) == nil, "\(text)")
        }
    }

    @Test func addressesPrintInTheirUsualForm() throws {
        #expect(try #require(IPAddress("10.0.0.7")).description == "10.0.0.7")
        #expect(try #require(IPAddress("2001:DB8:0::1")).description == "2001:db8::1")
    }

    @Test func onlyLoopbackPrivateAndCGNATAreOpenedByTheFlag() {
        let opened = AddressRange.allCases.filter(\.isPrivateButReachable)
        #expect(Set(opened) == [.loopback, .privateNetwork, .sharedCGNAT])
    }
}

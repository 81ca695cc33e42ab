import Foundation
import Testing
@testable import VigilCore

@Suite("CountryCode")
struct CountryCodeTests {
    @Test(
        "alpha-2, alpha-3 and English names resolve to the alpha-2 code",
        arguments: [
            // alpha-2, any case, surrounding blanks
            ("MX", "MX"), ("mx", "MX"), ("Mx", "MX"), (" GT ", "GT"), ("sv", "SV"), ("US", "US"),
            // alpha-3
            ("MEX", "MX"), ("GTM", "GT"), ("SLV", "SV"), ("USA", "US"), ("hnd", "HN"), ("Nic", "NI"),
            ("COL", "CO"), ("DEU", "DE"),
            // English short names, with case and diacritic variations
            ("Mexico", "MX"), ("mexico", "MX"), ("MEXICO", "MX"), ("México", "MX"), ("méxico", "MX"),
            ("El Salvador", "SV"), ("el salvador", "SV"), ("EL SALVADOR", "SV"),
            ("Guatemala", "GT"), ("Honduras", "HN"), ("Colombia", "CO"), ("Perú", "PE"),
            ("United States", "US"), ("Germany", "DE"),
        ]
    )
    func resolves(input: String, alpha2: String) throws {
        let code = try CountryCode(parsing: input)
        #expect(code.alpha2 == alpha2)
        #expect(code.description == alpha2)
    }

    @Test(
        "unknown codes and names are rejected",
        arguments: ["XX", "XXX", "Atlantis", "", "   ", "M", "MEXX", "123", "M1", "Mexico City", "Salvador", "ZZ", "ZZZ", "EU", "UN", "EZ", "QO", "AAA", "SUN", "YUG", "DDR", "001", "MÉX",
                    "European Union", "United Nations", "Eurozone", "Outlying Oceania", "World", "Latin America"]
    )
    func rejects(input: String) {
        #expect(throws: IdentifierError.countryUnknown) { try CountryCode(parsing: input) }
    }

    @Test("groupings with two-letter codes are not countries", arguments: ["EU", "EZ", "UN", "QO"])
    func groupingsRejected(code: String) {
        #expect(!Locale.Region(code).subRegions.isEmpty)  // the platform does list them as regions
        #expect(throws: IdentifierError.countryUnknown) { try CountryCode(parsing: code) }
        #expect(throws: IdentifierError.countryUnknown) { try CountryCode(parsing: code.lowercased()) }
    }

    @Test("subregion is the UN M49 sub-region", arguments: [
        ("MX", "013"), ("GT", "013"), ("SV", "013"), ("HN", "013"), ("US", "021"), ("CU", "029"),
    ])
    func subregion(alpha2: String, subregion: String) throws {
        #expect(try CountryCode(parsing: alpha2).subregion == subregion)
    }

    @Test("englishName gives the English short name")
    func englishName() throws {
        #expect(try CountryCode(parsing: "MEX").englishName == "Mexico")
        #expect(try CountryCode(parsing: "slv").englishName == "El Salvador")
    }

    @Test("every two-letter ISO region round-trips through its English name and its lower-case code")
    func everyRegionRoundTrips() throws {
        let codes = Locale.Region.isoRegions.map(\.identifier)
            .filter { $0.count == 2 && $0.allSatisfy(\.isLetter) && Locale.Region($0).subRegions.isEmpty }
        #expect(codes.count > 240)
        for alpha2 in codes {
            let code = try CountryCode(parsing: alpha2)
            #expect(code.alpha2 == alpha2)
            #expect(try CountryCode(parsing: alpha2.lowercased()) == code)
            #expect(try CountryCode(parsing: code.englishName) == code, "\(alpha2) \(code.englishName)")
        }
    }

    @Test("ordering and equality follow the alpha-2 code")
    func ordering() throws {
        let mx = try CountryCode(parsing: "Mexico")
        let gt = try CountryCode(parsing: "GTM")
        #expect(gt < mx)
        #expect(!(mx < gt))
        #expect(try CountryCode(parsing: "mx") == mx)
        #expect(Set([mx, try CountryCode(parsing: "MEX"), try CountryCode(parsing: "México")]).count == 1)
    }
}

import Foundation

/// A country, stored as its ISO 3166-1 alpha-2 code.
///
/// Feeds may name a country by alpha-2 (`MX`), alpha-3 (`MEX`) or English short name
/// (`Mexico`, `mexico`, `México`). The tables come from Foundation's region data (ICU),
/// not from a hand-maintained list, so they follow the platform's CLDR release.
public struct CountryCode: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The upper-case ISO 3166-1 alpha-2 code.
    public let alpha2: String

    public init(parsing text: some StringProtocol) throws(IdentifierError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let code = CountryTables.shared.resolve(trimmed) {
            alpha2 = code
        } else {
            throw .countryUnknown
        }
    }

    /// The English short name (`Mexico` for `MX`).
    public var englishName: String {
        Locale(identifier: "en_US").localizedString(forRegionCode: alpha2) ?? alpha2
    }

    /// The UN M49 sub-region the country belongs to (`013` Central America for `MX`),
    /// used to publish statistics by region rather than by single country.
    public var subregion: String? {
        Locale.Region(alpha2).containingRegion?.identifier
    }

    public var description: String { alpha2 }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.alpha2 < rhs.alpha2 }
}

/// Lookup tables built once from Foundation's ISO region list.
private final class CountryTables: Sendable {
    static let shared = CountryTables()

    private let alpha2Codes: Set<String>
    private let byFoldedName: [String: String]

    private init() {
        let english = Locale(identifier: "en_US")
        var codes = Set<String>()
        var names: [String: String] = [:]
        for region in Locale.Region.isoRegions {
            let code = region.identifier
            // isoRegions also lists UN M49 numeric areas ("001" World); countries are two letters.
            guard code.count == 2, code.allSatisfy(\.isLetter) else { continue }
            // It also lists groupings that have two-letter codes (EU, EZ, UN, QO); they are not countries.
            guard region.subRegions.isEmpty else { continue }
            codes.insert(code)
            if let name = english.localizedString(forRegionCode: code) {
                names[Self.fold(name)] = code
            }
        }
        alpha2Codes = codes
        byFoldedName = names
    }

    func resolve(_ text: String) -> String? {
        let upper = text.uppercased()
        if upper.count == 2, alpha2Codes.contains(upper) { return upper }
        if upper.count == 3, upper.allSatisfy({ $0.isASCII && $0.isLetter }) {
            // ICU canonicalises a three-letter region subtag to its alpha-2 code.
            let region = Locale(identifier: "und_" + upper).region?.identifier ?? ""
            return alpha2Codes.contains(region) ? region : nil
        }
        return byFoldedName[Self.fold(text)]
    }

    private static func fold(_ name: String) -> String {
        name.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
    }
}

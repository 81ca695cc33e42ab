import Foundation
import VigilCore

/// Region of birth: the UN M49 sub-region of the country of birth (``CountryCode/subregion``).
///
/// Sub-regions rather than countries, because a table of ~200 countries would be mostly cells of
/// a few people, and because naming a small country next to a small count singles out its
/// nationals. The list is every sub-region of every continent in the platform's CLDR data
/// (24 today), declared in that order whatever the data holds, with English names from
/// Foundation; a country that belongs to none is counted as "not known".
enum RegionOfBirth {
    static let unknownKey = "unknown"

    struct Region: Sendable {
        var code: String
        var name: String
        var continent: String
    }

    /// Every sub-region, continent by continent.
    static let all: [Region] = {
        let english = Locale(identifier: "en")
        func name(_ code: String) -> String { english.localizedString(forRegionCode: code) ?? code }
        return Locale.Region.world.subRegions.flatMap { continent in
            continent.subRegions.map { Region(code: $0.identifier, name: name($0.identifier), continent: name(continent.identifier)) }
        }
    }()

    static var categories: [TableDefinition.Category] {
        all.map { region in
            TableDefinition.Category(
                key: region.code, label: region.name,
                definition: "born in a country of the UN M49 sub-region \(region.name) (\(region.code)), in \(region.continent)")
        } + [TableDefinition.Category(
            key: unknownKey, label: "Region not known",
            definition: "the country of birth belongs to no UN M49 sub-region in the platform's data")]
    }

    /// The category key for a stored alpha-2 code. Cached: a release looks up every person in custody.
    final class Classifier {
        private var cache: [String: String] = [:]
        private let known = Set(RegionOfBirth.all.map(\.code))

        func key(alpha2: String) -> String {
            if let cached = cache[alpha2] { return cached }
            let subregion = (try? CountryCode(parsing: alpha2))?.subregion
            let key = subregion.flatMap { known.contains($0) ? $0 : nil } ?? RegionOfBirth.unknownKey
            cache[alpha2] = key
            return key
        }
    }
}

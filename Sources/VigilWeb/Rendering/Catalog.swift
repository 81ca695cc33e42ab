import Foundation

/// Every visible string of the pages, once per language, from `Catalog/en.json` and `Catalog/es.json`.
/// Templates hold markup only; a string missing from one language is a start-up error, not an
/// English word on a Spanish page.
public struct Catalog: Sendable {
    public let strings: [WebLanguage: [String: String]]

    public init(strings: [WebLanguage: [String: String]]) throws(WebSetupError) {
        let english = Set(strings[.en]?.keys ?? [:].keys)
        for language in WebLanguage.allCases {
            let keys = Set(strings[language]?.keys ?? [:].keys)
            guard !keys.isEmpty else { throw .missingCatalog(language.rawValue) }
            if keys != english {
                throw .catalogsDiffer(language.rawValue, keys.symmetricDifference(english).sorted())
            }
        }
        self.strings = strings
    }

    /// The catalogues shipped as resources of this module.
    public static func bundled() throws(WebSetupError) -> Catalog {
        var strings: [WebLanguage: [String: String]] = [:]
        for language in WebLanguage.allCases {
            guard let url = Bundle.module.url(forResource: language.rawValue, withExtension: "json", subdirectory: "Catalog"),
                  let data = try? Data(contentsOf: url),
                  let table = try? JSONDecoder().decode([String: String].self, from: data)
            else { throw .missingCatalog(language.rawValue) }
            strings[language] = table
        }
        return try Catalog(strings: strings)
    }

    public subscript(_ language: WebLanguage) -> [String: String] { strings[language] ?? [:] }

    /// One string; the key itself if absent (never happens for keys the init checked).
    public func text(_ key: String, _ language: WebLanguage) -> String { strings[language]?[key] ?? key }
}

/// What can stop the web pages from starting: reported at start-up, never as an empty page later.
public enum WebSetupError: Error, Equatable, CustomStringConvertible {
    case missingCatalog(String)
    case catalogsDiffer(String, [String])
    case missingTemplates([String])
    case missingStylesheet

    public var description: String {
        switch self {
        case .missingCatalog(let language): "the message catalogue \(language).json is missing from the VigilWeb bundle"
        case .catalogsDiffer(let language, let keys): "the \(language) catalogue and the English one differ in: \(keys.joined(separator: ", "))"
        case .missingTemplates(let names): "templates missing from the VigilWeb bundle: \(names.joined(separator: ", "))"
        case .missingStylesheet: "Static/vigil.css is missing from the VigilWeb bundle"
        }
    }
}

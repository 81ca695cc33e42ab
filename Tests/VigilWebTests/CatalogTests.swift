import Foundation
import Testing
@testable import VigilWeb

/// Both languages say everything: the same keys, and a Spanish string for each English one.
@Suite struct CatalogTests {
    /// Strings that are the same in both languages by nature.
    static let sameByNature: Set<String> = ["ack_pin"]

    @Test func bothCataloguesHaveTheSameKeys() throws {
        let catalog = try Catalog.bundled()
        #expect(Set(catalog[.en].keys) == Set(catalog[.es].keys))
        #expect(catalog[.en].count > 150)
    }

    @Test func noSpanishStringIsItsEnglishOneExceptByNature() throws {
        let catalog = try Catalog.bundled()
        let same = catalog[.en].keys.filter { catalog[.en][$0] == catalog[.es][$0] }
        #expect(Set(same) == Self.sameByNature, "untranslated: \(same.sorted())")
        #expect(catalog[.es].values.allSatisfy { !$0.trimmingCharacters(in: .whitespaces).isEmpty })
    }

    @Test func aCatalogueMissingAKeyIsRefusedAtStartUp() {
        #expect(throws: WebSetupError.catalogsDiffer("es", ["b"])) {
            try Catalog(strings: [.en: ["a": "A", "b": "B"], .es: ["a": "Á"]])
        }
    }

    /// Every `{{t.key}}` a template uses exists, so no page shows a bare key.
    @Test func everyStringATemplateUsesIsInTheCatalogue() throws {
        let catalog = try Catalog.bundled()
        var used: Set<String> = []
        for name in PageRenderer.pages {
            let url = try #require(PageRenderer.templateURL(name))
            let text = try String(contentsOf: url, encoding: .utf8)
            let regex = try NSRegularExpression(pattern: #"\{\{[#^/]?t\.([a-z_]+)\}\}"#)
            for match in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                used.insert(String(text[Range(match.range(at: 1), in: text)!]))
            }
        }
        #expect(used.count > 100)
        let missing = used.subtracting(catalog[.en].keys)
        #expect(missing.isEmpty, "templates use keys the catalogue lacks: \(missing.sorted())")
    }

    @Test func everyTemplateLoadsAndRenders() throws {
        let renderer = try PageRenderer.load()
        let catalog = try Catalog.bundled()
        let html = renderer.render("lookup", ["lang": "es", "other_lang": "en", "t": catalog[.es], "csrf": "T"])
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"es\">"))
        #expect(html.contains("<label for=\"a_number\">Número A</label>"))
        #expect(html.contains("<input type=\"hidden\" name=\"csrf\" value=\"T\">"))
    }
}

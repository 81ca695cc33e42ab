import Foundation
import Testing
import VigilCore
import VigilStore
@testable import VigilStats

/// The statistics page in Spanish: every word translated by table and category id, the same
/// numbers as the English page, and the same words refused in both languages.
@Suite("The statistics page in Spanish")
struct SpanishPageTests {
    /// Visible text: element content (with SVG titles and descriptions) and `aria-label`s, entities decoded.
    static func visibleText(_ html: String) -> String {
        var out = "", tag = "", inTag = false
        for character in html {
            if character == "<" { inTag = true; tag = ""; out += " "; continue }
            if character == ">" {
                inTag = false
                if let range = tag.range(of: "aria-label=\"") {
                    out += " " + tag[range.upperBound...].prefix { $0 != "\"" } + " "
                }
                continue
            }
            if inTag { tag.append(character) } else { out.append(character) }
        }
        for (entity, character) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&")] {
            out = out.replacingOccurrences(of: entity, with: character)
        }
        return out
    }

    /// Lower-cased words; a token with a digit, an underscore or only capitals is a code, and a
    /// single letter (`ε`, `P(k)`, `s.d.`) is a symbol: neither is a word of a language.
    static func words(_ html: String) -> Set<String> {
        let tokens = visibleText(html).split { !($0.isLetter || $0.isNumber || $0 == "_") }.map(String.init)
        return Set(tokens.filter { token in
            token.count > 1 && !token.contains(where: \.isNumber) && !token.contains("_") && token != token.uppercased()
        }.map { $0.lowercased() })
    }

    /// Words both languages spell the same, and the reason codes of the custody data format.
    static let shared = Set(["no", "total", "error", "civil", "vigil", "laplace"])
        .union(ReleaseReason.allCases.map(\.rawValue))

    /// Proper names kept in Spanish as in English (Texas, Rhode Island, Melanesia, Asia…).
    static let properNames: Set<String> = {
        let stateNames = FacilityState.states.map { SpanishTables.stateNames[$0.code] ?? $0.name }
        let regionNames = SpanishTables.regions.flatMap { [$0.name, $0.continent] }
        return Set((stateNames + regionNames).flatMap { $0.split { !$0.isLetter }.map { $0.lowercased() } })
    }()

    /// Each `<td class="num…">` cell, in order: the page's counts, shares and errors.
    static func numberCells(_ html: String) -> [String] {
        html.components(separatedBy: "<td class=\"num").dropFirst().map { $0.components(separatedBy: "</td>")[0] }
    }

    @Test("every table, heading, category label and definition of the catalogue has a Spanish counterpart")
    func completeness() throws {
        let period = try #require(ReleasePeriod(iso: "2026-11"))
        let tables = TableCatalog.tables(period: period, asOf: period.firstDay.adding(days: 24))
        #expect(tables.map(\.id) == TableCatalog.ids)
        for table in tables {
            let spanish = try #require(
                SpanishTables.table(table.id, asOf: "2026-11-25", firstMonth: period.adding(months: -11)),
                "\(table.id) has no Spanish words")
            for text in [spanish.title, spanish.population, spanish.denominator, spanish.categoryHeading] {
                #expect(!text.isEmpty, "\(table.id)")
            }
            #expect(spanish.title != table.title && spanish.population != table.population)
            #expect((spanish.groupHeading == nil) == (table.groupHeading == nil), "\(table.id): a group heading in both or neither")
            #expect(Set(spanish.categories.keys) == Set(table.categories.map(\.key)), "\(table.id): the same categories")
            for category in table.categories {
                let words = try #require(spanish.categories[category.key], "\(table.id)/\(category.key) lacks Spanish")
                #expect(!words.label.isEmpty && !words.definition.isEmpty, "\(table.id)/\(category.key)")
                #expect(words.definition != category.definition, "\(table.id)/\(category.key): the definition is translated")
            }
        }
        // Spanish names for every UN sub-region, from the platform's data.
        #expect(SpanishTables.regions.map(\.code) == RegionOfBirth.all.map(\.code))
        #expect(SpanishTables.regions.allSatisfy { $0.name != $0.code })
        // Every fixed word of the page exists in both languages.
        for key in PageWords.Key.allCases where key != .jsonNote {
            #expect(!key.english.isEmpty && !key.spanish.isEmpty && (key.english != key.spanish || key == .total), "\(key)")
        }
    }

    @Test("the criminal-history words say what DESIGN says, in Spanish")
    func criminalHistoryIsFaithful() {
        let d = SpanishTables.criminalHistoryDefinition
        #expect(d(.convictedViolent) == "al menos una condena por un delito contra las personas")
        #expect(d(.convictedNonviolent) == "una o más condenas, ninguna por un delito contra las personas")
        #expect(d(.pendingCharges) == "con cargos por un delito penal, sin condena")
        #expect(d(.none) == "ningún cargo ni condena penal (solo un asunto migratorio civil)")
        #expect(d(.unknown) == "la fuente no lo indicó")
    }

    @Test("the Spanish page says lang=\"es\", links back to English and shows no English word of the English page")
    func noEnglishLeft() async throws {
        let release = try await RenderingTests.release.value
        let english = StatisticsPage.render(release)
        let spanish = StatisticsPage.render(release, language: .es)
        #expect(spanish.hasPrefix("<!doctype html>\n<html lang=\"es\">"))
        #expect(spanish.contains("<a href=\"?lang=en\" hreflang=\"en\" lang=\"en\">English</a>"))
        #expect(english.contains("<a href=\"?lang=es\" hreflang=\"es\" lang=\"es\">Español</a>"))
        #expect(spanish.contains("<h1>Estadísticas de custodia</h1>"))
        #expect(spanish.contains("<th scope=\"row\">Sin cargos ni condenas penales</th>"))
        #expect(spanish.contains("noviembre de 2026") && !spanish.contains("November"))
        #expect(spanish.contains("<title id=\"custody_by_criminal_history-chart-title\">Personas en custodia por categoría de antecedentes penales</title>"))
        #expect(spanish.contains("Gráfico de barras.") && spanish.contains("Retenidas por tener menos de 11"))
        #expect(!spanish.lowercased().contains("<script"))

        let leftovers = Self.words(spanish).intersection(Self.words(english)).subtracting(Self.shared).subtracting(Self.properNames)
        #expect(leftovers.isEmpty, "English words on the Spanish page: \(leftovers.sorted())")
        // The test can fail: an English label on the Spanish page is caught.
        var mixed = release
        mixed.tables[0].id = "not_in_the_catalogue"
        let untranslated = Self.words(StatisticsPage.render(mixed, language: .es)).intersection(Self.words(english))
        #expect(untranslated.contains("convicted"))
    }

    @Test("both languages show the same release: every count, share and error identical, the release untouched")
    func sameNumbers() async throws {
        let release = try await RenderingTests.release.value
        let before = try release.jsonData()
        let english = StatisticsPage.render(release), spanish = StatisticsPage.render(release, language: .es)
        let cells = Self.numberCells(english)
        #expect(cells.count > 20)
        #expect(Self.numberCells(spanish) == cells)
        for table in release.tables {
            #expect(spanish.contains("Total \(TextFormat.count(table.total)) personas en \(table.publishedCells) "))
            for cell in table.cells where table.groupHeading == nil {
                if let count = cell.count { #expect(spanish.contains(">\(TextFormat.count(count))</td>")) }
            }
        }
        #expect(try release.jsonData() == before, "rendering changes nothing in the release")
        // The oversight page is Spanish too, and still says it is not for publication.
        var raw = release
        raw.kind = .rawOversightOnly
        #expect(StatisticsPage.render(raw, language: .es).contains("class=\"notice oversight\">SOLO PARA SUPERVISIÓN, NO PARA PUBLICAR"))
    }

    @Test("no Spanish text uses \"extranjero criminal\" or the like, and a page that did would be refused")
    func spanishVocabulary() async throws {
        let release = try await RenderingTests.release.value
        let spanish = StatisticsPage.render(release, language: .es)
        try PublicationVocabulary.check(page: spanish)
        try PublicationVocabulary.check(page: StatisticsPage.render(release))
        let period = try #require(ReleasePeriod(iso: "2026-11"))
        for id in TableCatalog.ids {
            let table = try #require(SpanishTables.table(id, asOf: "2026-11-25", firstMonth: period))
            let texts = [table.title, table.population, table.denominator, table.categoryHeading]
                + table.categories.values.flatMap { [$0.label, $0.definition] }
            for phrase in PublicationVocabulary.forbiddenPhrases {
                #expect(!PublicationVocabulary.fold(texts.joined(separator: "\n")).contains(phrase))
            }
        }
        #expect(PublicationVocabulary.forbiddenPhrases.contains("extranjero criminal"))
        for label in ["Extranjeros criminales", "EXTRANJERO-CRIMINAL", "extranjero  criminal", "Extranjéro criminal",
                      "<dt>extranjero</dt><dd>criminal</dd>", "inmigrantes ilegales", "Criminal aliens"] {
            #expect(throws: StatisticsError.self, "\(label)") {
                try PublicationVocabulary.check(page: spanish.replacingOccurrences(of: "Sin cargos ni condenas penales", with: label))
            }
        }
    }
}

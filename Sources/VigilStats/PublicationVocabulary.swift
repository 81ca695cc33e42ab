import Foundation

/// Words Vigil never publishes about people.
///
/// The 2017 letter asked how the department would avoid "misleading impressions" about
/// immigrants and crime. A label such as "criminal alien" is one: it puts civil immigration
/// matters, pending charges and convictions under one word. Vigil's labels say what a
/// category is (see ``VigilCore/CriminalHistory/definition``); this check makes the rule hold
/// for every text of every release, so that a later edit to a label cannot quietly bring the
/// phrase back: the release is refused instead.
public enum PublicationVocabulary {
    /// Compared without case, diacritics or extra spacing. The Spanish ones guard the Spanish
    /// page, which words the same tables (see ``SpanishTables``): the rule holds in both languages.
    public static let forbiddenPhrases = [
        "criminal alien", "illegal alien",
        "extranjero criminal", "extranjera criminal", "extranjeros criminales", "extranjeras criminales",
        "criminal extranjero", "criminales extranjeros", "extranjero delincuente", "extranjeros delincuentes",
        "delincuente extranjero", "delincuentes extranjeros", "extranjero ilegal", "extranjeros ilegales",
        "inmigrante ilegal", "inmigrantes ilegales", "inmigrante criminal", "inmigrantes criminales",
    ]

    public static func check(_ release: StatisticsRelease) throws(StatisticsError) {
        for text in release.allText {
            let folded = fold(text)
            for phrase in forbiddenPhrases where folded.contains(phrase) {
                throw .forbiddenPhrase(phrase, in: text)
            }
        }
    }

    /// The same rule for a text made from a release, such as a rendered page in either language.
    /// Markup is read as a space, so words split by tags are still seen side by side.
    public static func check(page text: String) throws(StatisticsError) {
        var words = ""
        var inTag = false
        for character in text {
            if character == "<" { inTag = true; words.append(" ") } else if character == ">" { inTag = false } else if !inTag { words.append(character) }
        }
        let folded = fold(words)
        for phrase in forbiddenPhrases where folded.contains(phrase) {
            throw .forbiddenPhrase(phrase, in: "a rendered statistics page")
        }
    }

    static func fold(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
            .lowercased()
            .split(whereSeparator: { $0.isWhitespace || $0 == "-" || $0 == "_" })
            .joined(separator: " ")
    }
}

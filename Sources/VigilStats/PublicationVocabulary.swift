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
    /// Compared without case, diacritics or extra spacing.
    public static let forbiddenPhrases = ["criminal alien", "illegal alien"]

    public static func check(_ release: StatisticsRelease) throws(StatisticsError) {
        for text in release.allText {
            let folded = fold(text)
            for phrase in forbiddenPhrases where folded.contains(phrase) {
                throw .forbiddenPhrase(phrase, in: text)
            }
        }
    }

    static func fold(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
            .lowercased()
            .split(whereSeparator: { $0.isWhitespace || $0 == "-" || $0 == "_" })
            .joined(separator: " ")
    }
}

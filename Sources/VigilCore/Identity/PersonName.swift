import Foundation

/// A person's name as a feed gave it, with the normalised tokens Vigil matches on.
///
/// `description` is redacted: names are personal data and must not reach logs.
public struct PersonName: Hashable, Sendable, CustomStringConvertible {
    public let family: String
    public let given: String

    public init(family: String, given: String) {
        self.family = family
        self.given = given
    }

    /// Normalised family-name tokens: `"García-Márquez"` → `["garcia", "marquez"]`.
    public var familyTokens: [String] { NameNormalizer.tokens(family) }
    /// Normalised given-name tokens.
    public var givenTokens: [String] { NameNormalizer.tokens(given) }

    /// One matching key for the whole name: family tokens, a separator, given tokens.
    /// Two spellings of the same name that differ only in accents, case, width,
    /// punctuation or spacing give the same key.
    public var matchKey: String {
        familyTokens.joined(separator: " ") + "|" + givenTokens.joined(separator: " ")
    }

    public var description: String { "PersonName(redacted)" }
}

/// Name normalisation for matching (never for display).
///
/// Steps, in order: Unicode NFKC (full-width and ligature forms become plain letters),
/// removal of diacritics and case, transliteration of the few Latin letters that carry no
/// combining mark (ø, ł, đ, ß, æ, œ, ı), removal of apostrophes inside a word (`O'Neil` → `oneil`),
/// then a split on every other non-alphanumeric character. Compound surnames stay as separate,
/// ordered tokens (`de la Cruz` → `["de", "la", "cruz"]`) so that a reviewer or a scorer can
/// match on part of them; Vigil never drops particles, because which ones matter differs by culture.
public enum NameNormalizer {
    public static func tokens(_ name: String) -> [String] {
        // Apostrophes go before NFKC, which turns the acute accent U+00B4 into a space and a combining mark.
        let unapostrophised = String(String.UnicodeScalarView(name.unicodeScalars.filter {
            !apostrophes.contains(Character($0))
        }))
        let folded = unapostrophised.precomposedStringWithCompatibilityMapping
            .folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
            .lowercased()
        var tokens: [String] = []
        var current = ""
        for character in folded {
            if let replacement = transliterations[character] {
                current += replacement
            } else if apostrophes.contains(character) {
                continue
            } else if character.isLetter || character.isNumber {
                current.append(character)
            } else if !current.isEmpty {
                tokens.append(current)
                current = ""
            }
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }

    private static let apostrophes: Set<Character> = ["'", "\u{2018}", "\u{2019}", "\u{02BB}", "\u{02BC}", "`", "\u{00B4}"]
    private static let transliterations: [Character: String] = [
        "ø": "o", "ł": "l", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i", "þ": "th", "ð": "d",
    ]
}
